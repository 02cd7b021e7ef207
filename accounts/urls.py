from django.urls import path

from accounts import two_factor_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("desk/profile/", views.my_profile, name="my_profile"),
    path("accounts/two-factor/", two_factor_views.verify, name="two_factor_verify"),
    path("desk/two-factor/", two_factor_views.enrol, name="two_factor"),
    path("desk/two-factor/team/", two_factor_views.team, name="two_factor_team"),
    path("desk/two-factor/team/<int:user_id>/reset/", two_factor_views.reset, name="two_factor_reset"),
    path("desk/lockouts/", views.lockouts, name="lockouts"),
    path("healthz", views.healthz, name="healthz"),
]
