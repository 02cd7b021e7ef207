"""People management on the desk: account managers invite by e-mail with a one-time link,
grant and remove roles, deactivate accounts (ending sessions and API tokens). Every
change is an event; nobody changes their own roles; other roles get a 403 page."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.people_models import AccountLink
from api.models import ApiToken, hash_secret
from articles.models import Event
from core.roles import ACCOUNT_MANAGER, EDITOR, PUBLISHER, REVIEWER
from tests.accounts.people_helpers import last_link, mail_is_sent_on_commit, mailed_links  # noqa: F401
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code

NEW_PASSWORD = "correct horse battery staple"


def account_events(action=None):
    events = Event.objects.filter(chain="account").order_by("seq")
    return list(events.filter(action=action) if action else events)


def invite(client, **typed):
    values = {"email": "nina@example.org", "username": "nina", "first_name": "Nina", "last_name": "Ng"}
    values.update(typed)
    values.setdefault("roles", [REVIEWER])
    return client.post("/desk/people/", values)


@pytest.fixture
def manager_client(client, account_manager):
    client.force_login(account_manager)
    return client


def test_an_invitation_makes_an_account_that_cannot_sign_in_yet_and_mails_a_link(
    manager_client, account_manager, capsys
):
    response = invite(manager_client)
    nina = get_user_model().objects.get(username="nina")
    assert response.status_code == 302 and response["Location"] == f"/desk/people/{nina.pk}/"
    assert not nina.is_active and not nina.has_usable_password()
    assert list(nina.groups.values_list("name", flat=True)) == [REVIEWER]
    [message] = mail.outbox
    assert message.to == ["nina@example.org"] and "nina" in message.body
    assert [(event.action, event.actor) for event in account_events()] == [
        ("account_created", account_manager),
        ("roles_changed", account_manager),
        ("invitation_sent", account_manager),
    ]
    # Only the secret's hash is stored.
    secret = last_link().split("/")[-2]
    assert AccountLink.objects.get().secret_hash != secret
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_the_invitee_sets_a_password_once_and_lands_on_the_desk(manager_client, roles):
    invite(manager_client)
    link = last_link()
    invitee = Client()
    assert "Welcome, Nina Ng" in invitee.get(link).content.decode()
    response = invitee.post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}, follow=True)
    # A reviewer signs with a second factor: the desk opens once it is enrolled.
    assert response.redirect_chain[-1][0] == "/desk/two-factor/?next=%2Fdashboard%2F"
    assert response.context["user"].username == "nina"
    nina = get_user_model().objects.get(username="nina")
    assert nina.is_active and nina.check_password(NEW_PASSWORD)
    [accepted] = account_events("invitation_accepted")
    assert accepted.actor == nina
    # Used once: the same link again is refused, by GET and by POST.
    again = Client().get(link)
    assert again.status_code == 410 and "used already" in again.content.decode()
    again = Client().post(link, {"password": "another fine passphrase", "password_again": "another fine passphrase"})
    assert again.status_code == 410
    nina.refresh_from_db()
    assert nina.check_password(NEW_PASSWORD)


def test_an_invitation_link_expires(manager_client, settings, monkeypatch):
    settings.INVITATION_DAYS = 2
    invite(manager_client)
    later = timezone.now() + timedelta(days=2, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = Client().post(last_link(), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not get_user_model().objects.get(username="nina").is_active


def test_a_new_invitation_link_withdraws_the_old_one(manager_client):
    invite(manager_client)
    nina = get_user_model().objects.get(username="nina")
    manager_client.post(f"/desk/people/{nina.pk}/resend-invitation/")
    first, second = mailed_links()
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200


def test_a_password_the_rules_refuse_is_explained_and_the_link_still_works(manager_client):
    invite(manager_client)
    link = last_link()
    response = Client().post(link, {"password": "short-pass", "password_again": "short-pass"})
    assert response.status_code == 400 and "at least 12 characters" in response.content.decode()
    response = Client().post(link, {"password": "password1234", "password_again": "password1234"})
    assert response.status_code == 400 and "too common" in response.content.decode()
    response = Client().post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "!"})
    assert response.status_code == 400 and "not the same" in response.content.decode()
    assert Client().get(link).status_code == 200


@pytest.mark.parametrize(
    "typed, reason",
    [
        ({"email": "not an address"}, "Enter the e-mail address"),
        ({"username": "has space"}, "A login name is 1 to 150"),
        ({"username": "edna"}, "is taken"),
        ({"email": "edna@example.org"}, "An active account already uses"),
        ({"roles": ["Emperor"]}, "Unknown role: Emperor"),
    ],
)
def test_a_bad_invitation_is_refused_with_the_reason_keeping_what_was_typed(manager_client, editor, typed, reason):
    response = invite(manager_client, **typed)
    body = response.content.decode()
    assert response.status_code == 400 and reason in body and "Nobody was invited" in body
    assert 'value="Nina"' in body
    assert not get_user_model().objects.filter(username="nina").exists() and not mail.outbox


@pytest.mark.parametrize("persona", ["editor", "reviewer", "publisher", "outsider"])
def test_other_roles_get_a_page_saying_who_manages_people(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for response in (client.get("/desk/people/"), invite(client)):
        assert response.status_code == 403
        assert "Only account managers" in response.content.decode()
    assert not get_user_model().objects.filter(username="nina").exists()


def test_publishers_manage_people_when_the_setting_says_so(client, publisher, settings):
    settings.PUBLISHERS_MANAGE_PEOPLE = True
    client.force_login(publisher)
    assert client.get("/desk/people/").status_code == 200
    assert invite(client).status_code == 302
    assert 'href="/desk/people/"' in client.get("/dashboard/").content.decode()


def test_an_account_manager_sees_people_in_the_navigation_and_no_desk_links(manager_client):
    body = manager_client.get("/dashboard/").content.decode()
    assert 'href="/desk/people/"' in body
    assert 'href="/desk/"' not in body and "API tokens" not in body


def test_a_role_change_is_recorded_with_the_old_and_new_roles(manager_client, account_manager, reviewer):
    response = manager_client.post(f"/desk/people/{reviewer.pk}/roles/", {"roles": [REVIEWER, PUBLISHER]})
    assert response.status_code == 302
    assert set(reviewer.groups.values_list("name", flat=True)) == {REVIEWER, PUBLISHER}
    [event] = account_events("roles_changed")
    assert event.actor == account_manager
    assert event.details["old"] == {"roles": [REVIEWER]}
    assert event.details["new"] == {"roles": [PUBLISHER, REVIEWER]}
    manager_client.post(f"/desk/people/{reviewer.pk}/roles/", {})
    assert not reviewer.groups.exists()
    assert account_events("roles_changed")[-1].details["new"] == {"roles": []}


def test_nobody_changes_their_own_roles(manager_client, account_manager):
    page = manager_client.get(f"/desk/people/{account_manager.pk}/").content.decode()
    assert "another account manager changes them" in page
    response = manager_client.post(f"/desk/people/{account_manager.pk}/roles/", {"roles": [ACCOUNT_MANAGER, EDITOR]})
    assert response.status_code == 400
    assert "Nobody changes their own roles" in response.content.decode()
    assert list(account_manager.groups.values_list("name", flat=True)) == [ACCOUNT_MANAGER]
    assert not account_events("roles_changed")


def test_deactivation_ends_the_persons_sessions_and_api_tokens(manager_client, account_manager, reviewer):
    reviewer_browser = Client()
    reviewer_browser.post("/accounts/login/", {"username": "rhea", "password": PERSONA_PASSWORD})
    reviewer_browser.post("/accounts/two-factor/", {"code": fresh_code(reviewer)})
    assert reviewer_browser.get("/dashboard/").status_code == 200
    session_key = reviewer_browser.session.session_key
    ApiToken.objects.create(
        user=reviewer, name="laptop", key_hash=hash_secret("imp_secret"), hint="imp_sec", created_at=timezone.now()
    )
    response = manager_client.post(f"/desk/people/{reviewer.pk}/deactivate/")
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert not reviewer.is_active
    assert not Session.objects.filter(session_key=session_key).exists()
    assert reviewer_browser.get("/dashboard/").status_code == 302
    assert ApiToken.objects.get().revoked_at is not None
    assert Client().get("/api/desk/articles/", HTTP_AUTHORIZATION="Bearer imp_secret").status_code == 401
    deactivated, ended = account_events()[-2:]
    assert deactivated.action == "account_deactivated" and deactivated.actor == account_manager
    assert ended.action == "access_ended" and (ended.details["sessions"], ended.details["api_tokens"]) == (1, 1)
    # And back: reactivation lets the old password sign in again.
    manager_client.post(f"/desk/people/{reviewer.pk}/reactivate/")
    assert account_events()[-1].action == "account_reactivated"
    assert Client().post("/accounts/login/", {"username": "rhea", "password": PERSONA_PASSWORD}).status_code == 302


def test_nobody_deactivates_their_own_account_nor_an_administrators(manager_client, account_manager, make_staff):
    admin = make_staff("root", is_staff=True)
    admin.is_superuser = True
    admin.save()
    for person in (account_manager, admin):
        response = manager_client.post(f"/desk/people/{person.pk}/deactivate/")
        assert response.status_code == 400
        person.refresh_from_db()
        assert person.is_active
    assert not account_events("account_deactivated")


def test_an_unknown_person_is_a_404(manager_client):
    assert manager_client.get("/desk/people/999999/").status_code == 404
    assert manager_client.post("/desk/people/999999/deactivate/").status_code == 404


def test_the_people_page_reads_a_constant_number_of_queries(manager_client, make_staff, roles):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert manager_client.get("/desk/people/").status_code == 200
        return len(queries)

    make_staff("one", EDITOR)
    few = count()
    for number in range(12):
        make_staff(f"many{number}", REVIEWER, PUBLISHER)
    invite(manager_client)
    assert count() == few


def test_someone_signed_out_is_sent_to_sign_in_first(client, db):
    response = client.get("/desk/people/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/desk/people/"
    assert Client().post("/desk/people/", {"email": "x@example.org"}).status_code == 302
    assert not get_user_model().objects.exists()
