from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles import public_views
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("desk/references/", include("references.urls")),
    path("notifications/", include("notifications.urls")),
    path("desk/", include("articles.urls")),
    path("articles/", include("articles.public_urls")),
    path("editorial-policy/", public_views.site_page, {"key": "editorial-policy"}, name="editorial_policy"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("accounts.urls")),
]
