"""Signing in, failing to and signing out are events in the trail's "sign-in" chain,
with the client's address and, for a failure, the login name tried."""

import pytest
from axes.exceptions import AxesBackendRequestParameterRequired
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.management import call_command

from articles.models import Event
from tests.conftest import PERSONA_PASSWORD


def sign_in_events():
    return list(Event.objects.filter(chain="sign-in").order_by("seq"))


def test_a_sign_in_through_the_form_is_an_event_with_the_address(client, editor, settings):
    settings.PROXY_COUNT = 1
    response = client.post(
        "/accounts/login/",
        {"username": "edna", "password": PERSONA_PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.20",
    )
    assert response.status_code == 302
    [event] = sign_in_events()
    assert (event.action, event.actor, event.actor_username, event.subject_id, event.client_ip) == (
        "sign_in",
        editor,
        "edna",
        str(editor.pk),
        "203.0.113.20",
    )


def test_a_failed_sign_in_names_the_login_tried_and_the_address_and_no_actor(client, editor, capsys):
    response = client.post("/accounts/login/", {"username": "edna", "password": "a guess"}, REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 200  # the form again, with the reason
    [event] = sign_in_events()
    assert (event.action, event.actor, event.client_ip) == ("sign_in_failed", None, "198.51.100.3")
    assert event.details == {"username": "edna", "page": "/accounts/login/"} and event.subject_id == str(editor.pk)
    assert "edna" in event.comment
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_a_failed_sign_in_as_nobody_known_keeps_the_name_tried(client, db):
    client.post("/accounts/login/", {"username": "mallory", "password": "x"}, REMOTE_ADDR="198.51.100.3")
    [event] = sign_in_events()
    assert event.details == {"username": "mallory", "page": "/accounts/login/"} and event.subject_id == ""


def test_a_failure_outside_a_request_is_recorded_without_an_address(editor):
    user_login_failed.send(sender=__name__, credentials={"username": "edna"}, request=None)
    [event] = sign_in_events()
    assert (event.action, event.client_ip, event.details["username"]) == ("sign_in_failed", None, "edna")


def test_signing_out_is_an_event(client, editor):
    client.force_login(editor)
    client.post("/accounts/logout/", REMOTE_ADDR="192.0.2.1")
    assert [(event.action, event.actor) for event in sign_in_events()] == [("sign_in", editor), ("sign_out", editor)]
    assert sign_in_events()[-1].client_ip == "192.0.2.1"


def test_signing_out_when_nobody_is_signed_in_writes_nothing(client, db):
    client.post("/accounts/logout/")
    assert sign_in_events() == []


def test_a_password_is_not_checked_outside_a_request_where_no_lock_can_be_counted(editor):
    with pytest.raises(AxesBackendRequestParameterRequired):
        authenticate(username="edna", password="wrong")
