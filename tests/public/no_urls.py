"""A URL configuration with no pages: a test that a middleware answers on its own."""

urlpatterns = []
