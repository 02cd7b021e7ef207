"""A signed-in session ends after SESSION_IDLE_MINUTES without a request and
SESSION_MAX_HOURS after sign-in; the end is a sign-out event, and a form sent on an
ended session (a signature above all) is refused and comes back after the sign-in."""

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.people_models import SignedInSession
from accounts.sessions import expiry_reason
from articles.models import Signature
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code
from tests.workflow import claim, submit

HOUR = 3600


@pytest.mark.parametrize(
    "now, started, seen, expected",
    [
        (100, 0, 90, None),
        (1799, 0, 0, None),
        (1800, 0, 0, "idle"),
        (12 * HOUR - 1, 0, 12 * HOUR - 60, None),
        (12 * HOUR, 0, 12 * HOUR - 60, "lifetime"),
        (13 * HOUR, 0, 0, "lifetime"),  # both over: the lifetime is the reason given
    ],
)
def test_a_session_is_over_at_the_idle_limit_or_its_lifetime(now, started, seen, expected):
    reason = expiry_reason(now=now, started=started, seen=seen, idle_seconds=1800, lifetime_seconds=12 * HOUR)
    assert reason == expected


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's clock forward: clock.advance(minutes=31)."""
    real_now = timezone.now

    class Clock:
        offset = timedelta()

        def now(self):
            return real_now() + self.offset

        def advance(self, **delta):
            self.offset += timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr(timezone, "now", fake.now)
    return fake


def expiries():
    from articles.models import Event

    return list(Event.objects.filter(chain="sign-in", action="session_expired").order_by("seq"))


def test_a_session_idle_past_the_limit_ends_as_a_recorded_sign_out(client, editor, clock, capsys):
    client.force_login(editor)
    assert client.get("/dashboard/").status_code == 200
    clock.advance(minutes=29)
    assert client.get("/dashboard/").status_code == 200
    clock.advance(minutes=31)
    response = client.get("/dashboard/", REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    [event] = expiries()
    assert (event.actor, event.details["reason"], event.client_ip) == (editor, "idle", "192.0.2.7")
    assert "30 minutes without activity" in event.comment
    assert client.get("/dashboard/").status_code == 302  # stays signed out
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_the_idle_limit_is_a_setting(client, editor, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    client.force_login(editor)
    client.get("/dashboard/")
    clock.advance(minutes=6)
    assert client.get("/dashboard/").status_code == 302
    assert expiries()[0].details["reason"] == "idle"


def test_a_session_ends_at_its_lifetime_however_active(client, editor, clock, settings):
    settings.SESSION_MAX_HOURS = 1
    client.force_login(editor)
    for _ in range(3):
        assert client.get("/dashboard/").status_code == 200
        clock.advance(minutes=20)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    [event] = expiries()
    assert event.details["reason"] == "lifetime" and "1 hours after sign-in" in event.comment


def test_an_ended_session_is_removed_from_the_store_and_the_persons_sessions(client, editor, clock):
    client.force_login(editor)
    key = client.session.session_key
    assert SignedInSession.objects.filter(user=editor, session_key=key).exists()
    clock.advance(minutes=31)
    client.get("/dashboard/")
    assert not Session.objects.filter(session_key=key).exists()
    assert not SignedInSession.objects.filter(user=editor).exists()


def test_signing_out_forgets_the_session_among_the_persons_sessions(client, editor):
    client.force_login(editor)
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not SignedInSession.objects.filter(session_key=key).exists()


@pytest.fixture
def under_review(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    draft.refresh_from_db()
    return draft


def test_a_signature_sent_on_an_ended_session_is_refused_and_comes_back_after_signing_in(
    client, reviewer, under_review, clock
):
    client.force_login(reviewer)
    page = f"/desk/{under_review.pk}/"
    assert client.get(page).status_code == 200
    clock.advance(minutes=45)
    response = client.post(
        f"/desk/{under_review.pk}/approve/",
        {"password": PERSONA_PASSWORD, "content_hash": under_review.working_version.content_hash},
        HTTP_REFERER=f"http://testserver{page}",
    )
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/desk/{under_review.pk}/"
    assert not Signature.objects.exists()
    assert expiries()[0].actor == reviewer
    # The full sign-in (password, then code), then back to the article page with the form's
    # fields kept, not the password.
    response = client.post(
        "/accounts/login/", {"username": "rhea", "password": PERSONA_PASSWORD, "next": page}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/accounts/two-factor/?next=%2Fdesk%2F{under_review.pk}%2F"
    response = client.post("/accounts/two-factor/", {"code": fresh_code(reviewer), "next": page}, follow=True)
    assert response.redirect_chain[-1][0] == page
    resumed = response.context["resumed_form"]
    assert resumed["action"] == f"/desk/{under_review.pk}/approve/"
    assert resumed["fields"] == {"content_hash": [under_review.working_version.content_hash]}
    body = response.content.decode()
    assert 'id="resumed-form"' in body and "resume-form.js" in body
    assert PERSONA_PASSWORD not in body
    # Shown once only.
    assert 'id="resumed-form"' not in client.get(page).content.decode()


def test_a_form_sent_on_an_ended_session_without_a_referer_goes_back_to_the_dashboard(client, editor, clock):
    client.force_login(editor)
    clock.advance(minutes=31)
    response = client.post("/desk/profile/", {"display_name": "Edna T."})
    assert response["Location"] == "/accounts/login/?next=/dashboard/"
    editor.profile.refresh_from_db()
    assert editor.profile.display_name == ""


def test_kept_fields_leave_out_secrets_and_tokens(rf):
    from accounts.sessions import kept_fields

    request = rf.post(
        "/x/",
        {
            "body": "typed",
            "password": "p",
            "password_again": "p",
            "csrfmiddlewaretoken": "t",
            "otp_token": "123456",
            "code": "654321",
            "identity_token": "ab12",
            "tags": ["a", "b"],
        },
    )
    assert kept_fields(request.POST) == {"body": ["typed"], "identity_token": ["ab12"], "tags": ["a", "b"]}
    assert json.dumps(kept_fields(request.POST))


def test_sessions_past_their_lifetime_are_forgotten_at_the_next_sign_in(client, editor, clock):
    client.force_login(editor)
    clock.advance(hours=13)
    Client().force_login(editor)
    assert SignedInSession.objects.filter(user=editor).count() == 1
