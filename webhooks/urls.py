from django.urls import path

from webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:endpoint_id>/active/", views.set_active, name="set_active"),
]
