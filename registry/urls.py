from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.mine, name="mine"),
    path("credentials/", views.add_credential, name="add_credential"),
    path("credentials/<int:credential_id>/verify/", views.verify, name="verify"),
    path("declaration/", views.declare, name="declare"),
    path("bio/", views.bio, name="bio"),
    path("photo/", views.photo, name="photo"),
    path("specialties/", views.add_specialty, name="add_specialty"),
    path("members/<int:member_id>/specialties/", views.set_specialties, name="set_specialties"),
]
