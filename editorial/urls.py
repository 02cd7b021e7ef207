from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path, re_path
from django.views.static import serve

from accounts import people_views
from api import token_views
from public import views as public_views
from public.sitemaps import SITEMAPS

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    # Django's own sign-out; the password pages are ours (accounts/people_views.py): recorded, no e-mail reset.
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", people_views.PasswordChange.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password_reset/", people_views.password_reset, name="password_reset"),
    path("accounts/link/<str:secret>/", people_views.account_link, name="account_link"),
    path("desk/people/", include("accounts.people_urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("desk/api-tokens/", token_views.tokens, name="api_tokens"),
    path("desk/references/", include("references.urls")),
    path("notifications/", include("notifications.urls")),
    path("desk/reports/", include("reports.urls")),
    path("desk/webhooks/", include("webhooks.urls")),
    path("desk/registry/", include("registry.urls")),
    path("desk/", include("articles.urls")),
    path("articles/", include("public.urls")),
    path("editorial-policy/", public_views.site_page, {"key": "editorial-policy"}, name="editorial_policy"),
    path("reviewers/<slug:slug>/", public_views.reviewer_profile, name="profile"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("accounts.urls")),
]

if settings.SERVE_MEDIA:  # `make run`; a deployment has nginx serve MEDIA_ROOT (deploy/nginx.conf)

    def media(request, path):
        return serve(request, path, document_root=settings.MEDIA_ROOT)  # read per request: tests change it

    urlpatterns.insert(0, re_path(r"^media/(?P<path>.*)$", media))

handler404 = "api.errors.page_not_found"
handler500 = "api.errors.server_error"
