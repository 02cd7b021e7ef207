from django.urls import path

from accounts import people_views

app_name = "people"

urlpatterns = [
    path("", people_views.people_list, name="list"),
    path("<int:user_id>/", people_views.person, name="person"),
    path("<int:user_id>/roles/", people_views.roles, name="roles"),
    path("<int:user_id>/deactivate/", people_views.deactivate, name="deactivate"),
    path("<int:user_id>/reactivate/", people_views.reactivate, name="reactivate"),
    path("<int:user_id>/reset-link/", people_views.reset_link, name="reset_link"),
    path("<int:user_id>/resend-invitation/", people_views.resend_invitation, name="resend_invitation"),
]
