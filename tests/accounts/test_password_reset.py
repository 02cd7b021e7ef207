"""Password reset: by default an account manager sends a one-time link (PASSWORD_RESET=
managed); "off" sends none; "self-service" lets anyone ask by e-mail, throttled. Every
step is an event; Django's own reset pages are gone."""

import pytest
from django.core import mail
from django.test import Client

from articles.models import Event
from tests.accounts.people_helpers import last_link, mail_is_sent_on_commit  # noqa: F401
from tests.conftest import PERSONA_PASSWORD

NEW_PASSWORD = "a fresh and longer passphrase"


def events(chain, action):
    return list(Event.objects.filter(chain=chain, action=action).order_by("seq"))


def test_self_service_reset_is_off_by_default_and_says_whom_to_ask(client, editor):
    page = client.get("/accounts/password_reset/")
    assert page.status_code == 200 and "Ask an account manager" in page.content.decode()
    response = client.post("/accounts/password_reset/", {"email": "edna@example.org"})
    assert response.status_code == 403
    assert not mail.outbox and not events("sign-in", "password_reset_requested")


def test_djangos_own_reset_pages_are_not_served(client, db):
    assert client.get("/accounts/reset/MQ/set-password/").status_code == 404
    assert client.get("/accounts/password_reset/done/").status_code == 404


def test_the_sign_in_page_points_to_the_reset_page(client, db):
    assert 'href="/accounts/password_reset/"' in client.get("/accounts/login/").content.decode()


def test_an_account_manager_sends_a_reset_link_that_works_once_and_ends_old_sessions(client, account_manager, reviewer):
    reviewer_browser = Client()
    reviewer_browser.force_login(reviewer)
    client.force_login(account_manager)
    response = client.post(f"/desk/people/{reviewer.pk}/reset-link/")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [reviewer.email] and "Reset your Imprimatur password" in message.subject
    assert "/accounts/link/" not in client.get(response["Location"]).content.decode()  # never shown to the manager
    [sent] = events("account", "password_reset_link_sent")
    assert sent.actor == account_manager and sent.subject_id == str(reviewer.pk)
    link = last_link()
    response = Client().post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 302
    reviewer.refresh_from_db()
    assert reviewer.check_password(NEW_PASSWORD)
    [done] = events("account", "password_reset_done")
    assert done.actor == reviewer and done.details["link_issued_by"] == account_manager.pk
    assert reviewer_browser.get("/dashboard/").status_code == 302  # the old session is over
    assert Client().get(link).status_code == 410


def test_nobody_sends_a_reset_link_when_reset_is_off(client, account_manager, reviewer, settings):
    settings.PASSWORD_RESET = "off"
    client.force_login(account_manager)
    assert "Send a password reset link" not in client.get(f"/desk/people/{reviewer.pk}/").content.decode()
    response = client.post(f"/desk/people/{reviewer.pk}/reset-link/")
    assert response.status_code == 400 and "not sent by account managers" in response.content.decode()
    assert not mail.outbox and not events("account", "password_reset_link_sent")


def test_only_account_managers_send_reset_links(client, publisher, reviewer):
    client.force_login(publisher)
    assert client.post(f"/desk/people/{reviewer.pk}/reset-link/").status_code == 403
    assert not mail.outbox


@pytest.fixture
def self_service(settings):
    settings.PASSWORD_RESET = "self-service"
    settings.PASSWORD_RESET_PER_HOUR = 3


def test_self_service_reset_mails_a_link_and_is_recorded(client, editor, self_service):
    response = client.post("/accounts/password_reset/", {"email": "EDNA@example.org"}, REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 200 and "a one-time link" in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["edna@example.org"]
    [asked] = events("sign-in", "password_reset_requested")
    assert (asked.actor, asked.client_ip, asked.details["accounts"]) == (None, "198.51.100.9", [editor.pk])
    [sent] = events("account", "password_reset_link_sent")
    assert sent.actor is None
    Client().post(last_link(), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    editor.refresh_from_db()
    assert editor.check_password(NEW_PASSWORD)


def test_self_service_reset_answers_alike_for_an_unknown_address(client, editor, self_service):
    known = client.post("/accounts/password_reset/", {"email": "edna@example.org"}, REMOTE_ADDR="198.51.100.1")
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"}, REMOTE_ADDR="198.51.100.2")
    assert known.status_code == unknown.status_code == 200
    assert known.content.decode().replace("edna", "nobody") == unknown.content.decode()
    assert len(mail.outbox) == 1 and len(events("sign-in", "password_reset_requested")) == 2


def test_self_service_reset_is_throttled_per_address_and_per_email(client, editor, self_service):
    for number in range(3):
        assert client.post("/accounts/password_reset/", {"email": f"x{number}@example.org"}).status_code == 200
    response = client.post("/accounts/password_reset/", {"email": "edna@example.org"})
    assert response.status_code == 429 and "Too many" in response.content.decode()
    assert 'value="edna@example.org"' in response.content.decode()
    for number in range(3):
        client.post("/accounts/password_reset/", {"email": "edna@example.org"}, REMOTE_ADDR=f"192.0.2.{number}")
    response = client.post("/accounts/password_reset/", {"email": "edna@example.org"}, REMOTE_ADDR="192.0.2.99")
    assert response.status_code == 429
    assert len(mail.outbox) == 3


def test_a_malformed_address_is_refused_with_the_reason(client, self_service, db):
    response = client.post("/accounts/password_reset/", {"email": "edna"})
    assert response.status_code == 400 and "Enter the e-mail address" in response.content.decode()
    assert 'value="edna"' in response.content.decode()


def test_a_deactivated_persons_reset_link_does_not_work(client, account_manager, reviewer):
    client.force_login(account_manager)
    client.post(f"/desk/people/{reviewer.pk}/reset-link/")
    link = last_link()
    client.post(f"/desk/people/{reviewer.pk}/deactivate/")
    response = Client().post(link, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 410
    reviewer.refresh_from_db()
    assert reviewer.check_password(PERSONA_PASSWORD)
