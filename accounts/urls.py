from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("desk/profile/", views.my_profile, name="my_profile"),
    path("healthz", views.healthz, name="healthz"),
]
