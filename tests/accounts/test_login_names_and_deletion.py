"""Login names are used once, never change once in the record, and accounts in the record
are deactivated, never deleted; profiles are never deleted. The admin says why; the
database refuses whatever writes the rows."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.utils import DatabaseError

from accounts.models import Profile, UsedUsername
from articles.models import Event

User = get_user_model()
USER_URL = "/admin/auth/user/{}/change/"


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


def _add(admin_client, username):
    return admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": username,
            "usable_password": "true",
            "password1": "a-long-new-password-77",
            "password2": "a-long-new-password-77",
        },
    )


def test_every_login_name_is_recorded_when_the_account_is_created(outsider):
    assert UsedUsername.objects.filter(username="otto", user_id=outsider.pk).exists()


def test_a_renamed_login_name_cannot_be_given_to_a_new_account_in_the_admin(admin_client, outsider):
    response = admin_client.post(USER_URL.format(outsider.pk), _user_form(outsider, username="otto-old"))
    assert response.status_code == 302
    assert Event.objects.get(action="account_changed").details["old"] == {"username": "otto"}
    for reused in ("otto", "OTTO"):
        response = _add(admin_client, reused)
        assert response.status_code == 200
        assert "has been used before and is never given again" in response.content.decode()
    assert not User.objects.filter(username__iexact="otto").exists()


def test_the_database_refuses_a_login_name_used_before(outsider):
    outsider.username = "otto-old"
    outsider.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("otto")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("Otto")


def test_renaming_to_a_login_name_someone_used_is_refused_in_the_admin(admin_client, outsider, editor):
    editor.username = "edna-2"
    editor.save()
    response = admin_client.post(USER_URL.format(outsider.pk), _user_form(outsider, username="edna"))
    assert response.status_code == 200 and "has been used before" in response.content.decode()
    outsider.refresh_from_db()
    assert outsider.username == "otto"


def test_renaming_an_account_that_acted_is_refused_with_a_message_in_the_admin(admin_client, draft, editor):
    response = admin_client.post(USER_URL.format(editor.pk), _user_form(editor, username="edna-renamed"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "“edna” has signed or acted in the record" in page and 'value="edna-renamed"' in page
    editor.refresh_from_db()
    assert editor.username == "edna"


def test_the_database_refuses_renaming_an_account_that_signed_and_acted(approved, reviewer):
    with pytest.raises(IntegrityError, match="is in the record"), transaction.atomic():
        User.objects.filter(pk=reviewer.pk).update(username="rhea-renamed")


def test_deleting_an_account_that_acted_is_refused_with_a_message_in_the_admin(admin_client, draft, editor):
    page = admin_client.get(f"/admin/auth/user/{editor.pk}/delete/").content.decode()
    assert "edna has signed or acted in the record, so the account is kept: deactivate it instead" in page
    admin_client.post(f"/admin/auth/user/{editor.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=editor.pk).exists()


def test_bulk_deletion_of_accounts_that_acted_is_refused_with_a_message(admin_client, draft, editor, outsider):
    response = admin_client.post(
        "/admin/auth/user/", {"action": "delete_selected", "post": "yes", "_selected_action": [editor.pk, outsider.pk]}
    )
    assert "edna has signed or acted in the record" in response.content.decode()
    assert User.objects.filter(pk__in=[editor.pk, outsider.pk]).count() == 2


def test_an_account_that_never_acted_can_be_deleted_and_its_name_stays_used(admin_client, admin_user, outsider):
    response = admin_client.post(f"/admin/auth/user/{outsider.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=outsider.pk).exists()
    assert Event.objects.get(action="account_deleted").details == {"username": "otto"}
    assert _add(admin_client, "otto").status_code == 200  # refused: the name was used
    assert not User.objects.filter(username="otto").exists()


def test_the_database_refuses_deleting_a_profile_while_its_account_exists(reviewer):
    with pytest.raises(IntegrityError, match="cannot be deleted"), transaction.atomic():
        Profile.objects.filter(user=reviewer).delete()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the guard runs at commit
    assert Profile.objects.filter(user=reviewer).exists()


def test_the_record_of_login_names_cannot_be_changed_or_emptied(outsider):
    with pytest.raises(DatabaseError), transaction.atomic():
        UsedUsername.objects.filter(username="otto").update(username="free-again")
    with pytest.raises(DatabaseError), transaction.atomic():
        UsedUsername.objects.filter(username="otto").delete()
    assert UsedUsername.objects.filter(username="otto").exists()
