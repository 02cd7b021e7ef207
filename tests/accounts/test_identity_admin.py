"""The admin site changes identities, accounts and roles only through the services."""

from django.contrib.auth import get_user_model

from accounts.models import Profile
from articles.models import Event
from notifications.models import Notification

PROFILE_URL = "/admin/accounts/profile/{}/change/"
USER_URL = "/admin/auth/user/{}/change/"


def _profile_form(profile, **values):
    return {
        "display_name": profile.display_name,
        "credentials": profile.credentials,
        "specialty": profile.specialty,
        "bio": profile.bio,
        **values,
    }


def _user_form(user, **values):
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "groups": [g.pk for g in user.groups.all()],
        **values,
    }
    return {key: value for key, value in form.items() if value != ""}


def test_a_publisher_sees_another_reviewers_identity_read_only_in_the_admin(client, publisher, reviewer):
    client.force_login(publisher)
    page = client.get(PROFILE_URL.format(reviewer.profile.pk)).content.decode()
    assert "M.D., FACP" in page
    for field in ("display_name", "credentials", "specialty"):
        assert f'name="{field}"' not in page
    assert 'name="bio"' in page


def test_a_publishers_post_of_identity_fields_is_ignored(client, publisher, reviewer):
    client.force_login(publisher)
    response = client.post(
        PROFILE_URL.format(reviewer.profile.pk),
        _profile_form(reviewer.profile, display_name="Dr Impostor", credentials="M.D., FACP", bio="Internist."),
    )
    assert response.status_code == 302
    profile = Profile.objects.get(pk=reviewer.profile.pk)
    assert profile.display_name == "" and profile.credentials == "M.D., FACP" and profile.bio == "Internist."
    assert not Event.objects.filter(chain="account").exists()


def test_a_superusers_change_in_the_admin_is_recorded_and_the_person_told(admin_client, admin_user, reviewer):
    response = admin_client.post(
        PROFILE_URL.format(reviewer.profile.pk),
        _profile_form(reviewer.profile, display_name="Rhea Tester", credentials="M.D."),
    )
    assert response.status_code == 302
    event = Event.objects.get(chain="account", action="identity_changed")
    assert event.actor_id == admin_user.pk and event.subject_id == str(reviewer.pk)
    assert event.details["old"] == {"display_name": "", "credentials": "M.D., FACP"}
    assert event.details["new"] == {"display_name": "Rhea Tester", "credentials": "M.D."}
    assert Notification.objects.filter(recipient=reviewer, kind="identity").exists()


def test_an_empty_printed_name_in_the_admin_is_a_message_on_the_form(admin_client, reviewer):
    response = admin_client.post(
        PROFILE_URL.format(reviewer.profile.pk),
        _profile_form(reviewer.profile, display_name="", credentials="M.D., PhD"),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A printed name is needed" in page and 'value="M.D., PhD"' in page
    assert Profile.objects.get(pk=reviewer.profile.pk).credentials == "M.D., FACP"


def test_profiles_cannot_be_added_or_deleted_in_the_admin(admin_client, reviewer):
    assert admin_client.get("/admin/accounts/profile/add/").status_code == 403
    assert admin_client.get(f"/admin/accounts/profile/{reviewer.profile.pk}/delete/").status_code == 403
    response = admin_client.post(
        "/admin/accounts/profile/",
        {"action": "delete_selected", "_selected_action": [reviewer.profile.pk], "post": "yes"},
    )
    assert Profile.objects.filter(pk=reviewer.profile.pk).exists()
    assert response.status_code in (200, 302)


def test_role_changes_in_the_admin_are_recorded_with_old_and_new_roles(admin_client, admin_user, editor, roles):
    response = admin_client.post(
        USER_URL.format(editor.pk), _user_form(editor, groups=[roles["Editor"].pk, roles["Reviewer"].pk])
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    event = Event.objects.get(chain="account", action="roles_changed")
    assert event.actor_id == admin_user.pk and event.subject_id == str(editor.pk)
    assert event.details == {"username": "edna", "old": {"roles": ["Editor"]}, "new": {"roles": ["Editor", "Reviewer"]}}
    assert set(editor.groups.values_list("name", flat=True)) == {"Editor", "Reviewer"}


def test_nobody_changes_their_own_roles_in_the_admin(admin_client, admin_user, roles):
    response = admin_client.post(USER_URL.format(admin_user.pk), _user_form(admin_user, groups=[roles["Publisher"].pk]))
    assert response.status_code == 200
    assert "Nobody changes their own roles" in response.content.decode()
    assert not admin_user.groups.exists()
    assert not Event.objects.filter(chain="account", action="roles_changed").exists()


def test_deactivating_an_account_in_the_admin_is_recorded(admin_client, admin_user, reviewer):
    response = admin_client.post(USER_URL.format(reviewer.pk), _user_form(reviewer, is_active=""))
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    event = Event.objects.get(chain="account", action="account_deactivated")
    assert event.details == {"username": "rhea", "old": {"is_active": True}, "new": {"is_active": False}}


def test_creating_an_account_in_the_admin_is_recorded(admin_client, admin_user):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "newdoc",
            "usable_password": "true",
            "password1": "a-long-new-password-77",
            "password2": "a-long-new-password-77",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newdoc")
    event = Event.objects.get(chain="account", action="account_created")
    assert event.subject_id == str(user.pk) and event.details["new"]["username"] == "newdoc"
    assert user.profile.slug


def test_per_account_permissions_are_not_offered_beside_the_roles(admin_client, editor):
    page = admin_client.get(USER_URL.format(editor.pk)).content.decode()
    assert 'name="groups"' in page and 'name="user_permissions"' not in page


def test_the_admin_pages_for_accounts_answer_for_publishers_and_superusers(client, admin_client, publisher, reviewer):
    client.force_login(publisher)
    for url in ("/admin/", "/admin/accounts/profile/", PROFILE_URL.format(reviewer.profile.pk)):
        assert client.get(url).status_code == 200, url
    assert client.get(USER_URL.format(reviewer.pk)).status_code == 403  # accounts and roles: administrators only
    for url in (
        "/admin/auth/user/",
        USER_URL.format(reviewer.pk),
        "/admin/accounts/usedusername/",
        PROFILE_URL.format(reviewer.profile.pk),
    ):
        assert admin_client.get(url).status_code == 200, url
    assert admin_client.get("/admin/accounts/usedusername/add/").status_code == 403
