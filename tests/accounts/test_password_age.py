"""No periodic password change unless PASSWORD_MAX_AGE_DAYS asks for one; every password
change on the password page is an account event, and the newest such event dates it."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Event
from tests.conftest import PERSONA_PASSWORD

NEW_PASSWORD = "a brand new passphrase"


def sign_in(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": PERSONA_PASSWORD})


def age(user, days):
    user.date_joined = timezone.now() - timedelta(days=days)
    user.save(update_fields=["date_joined"])


def test_an_old_password_is_not_changed_by_default(client, editor):
    age(editor, 4000)
    sign_in(client, editor)
    assert client.get("/dashboard/").status_code == 200


def test_an_old_password_must_be_changed_when_the_setting_asks(client, editor, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age(editor, 91)
    sign_in(client, editor)
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/"
    assert client.get("/desk/").status_code == 302
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PERSONA_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200
    [changed] = Event.objects.filter(chain="account", action="password_changed")
    assert changed.actor == editor and changed.subject_id == str(editor.pk)
    # The next sign-in dates the password by that event, not by the account's creation.
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"username": editor.username, "password": NEW_PASSWORD})
    assert client.get("/dashboard/").status_code == 200


def test_a_recent_password_is_not_due(client, editor, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    age(editor, 89)
    sign_in(client, editor)
    assert client.get("/dashboard/").status_code == 200
