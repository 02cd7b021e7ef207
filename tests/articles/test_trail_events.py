"""What surrounds the workflow is in the trail too: policy changes with their old values,
site page edits, and signatures refused for a wrong password (which roll back)."""

import hashlib

import pytest
from django.core.management import call_command

from articles import services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, SitePage
from tests.conftest import PERSONA_PASSWORD
from tests.workflow import approve, ask_fast_track, claim, refused, signing_code, submit


@pytest.fixture
def publisher2(make_staff):
    return make_staff("pablo", "Publisher")


def assert_trail_intact(capsys):
    call_command("verify_audit")  # exits 1 on any problem
    assert "intact" in capsys.readouterr().out


def test_a_policy_change_records_the_old_and_the_new_values(draft, publisher, capsys):
    services.article_set_policy(
        article_id=draft.pk, actor=publisher, review_policy="before", approvals_required=2, rereview_months=24
    )
    event = Event.objects.get(article=draft, action="set_policy")
    assert event.details == {
        "old": {"review_policy": "before", "approvals_required": 1, "rereview_months": 12},
        "new": {"review_policy": "before", "approvals_required": 2, "rereview_months": 24},
    }
    assert event.actor == publisher
    assert_trail_intact(capsys)


def test_an_edit_of_the_editorial_policy_records_old_and_new_title_and_body(client, publisher, capsys):
    page = SitePage.objects.get(key="editorial-policy")
    old_title, old_body = page.title, page.body
    client.force_login(publisher)
    response = client.post(
        "/desk/pages/editorial-policy/", {"title": "Our review rules", "body": "## New rules"}, REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 302
    event = Event.objects.get(chain="site")
    assert (event.action, event.subject_id, event.actor, event.client_ip) == (
        "edit_page",
        "editorial-policy",
        publisher,
        "192.0.2.7",
    )
    assert event.details["old"] == {
        "title": old_title,
        "body": old_body,
        "body_sha256": hashlib.sha256(old_body.encode()).hexdigest(),
    }
    assert event.details["new"] == {
        "title": "Our review rules",
        "body": "## New rules",
        "body_sha256": hashlib.sha256(b"## New rules").hexdigest(),
    }
    assert_trail_intact(capsys)


def test_saving_a_site_page_unchanged_writes_no_event(publisher):
    page = SitePage.objects.get(key="editorial-policy")
    services.site_page_update(actor=publisher, key=page.key, title=page.title, body=page.body)
    assert not Event.objects.filter(chain="site").exists()


def test_a_wrong_password_at_approval_is_recorded_after_the_refusal_rolled_back(draft, editor, reviewer, capsys):
    submit(draft, editor)
    claim(draft, reviewer)
    with pytest.raises(TransitionNotAllowed, match="password was not correct"):
        approve(draft, reviewer, password="a guess")
    event = Event.objects.get(article=draft, action="signature_failed")
    assert event.actor == reviewer and event.actor_username == "rhea"
    assert "Rhea Tester, M.D., FACP entered a wrong password" in event.comment
    assert event.details == {
        "attempt": "approval",
        "refusal": "Your password was not correct, so the approval was not signed.",
    }
    assert event.version_id == draft.working_version_id
    draft.refresh_from_db()
    assert draft.state == "under_review" and not draft.working_version.signatures.exists()
    assert_trail_intact(capsys)


def test_a_right_password_at_approval_records_no_failed_signature(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    assert not Event.objects.filter(article=draft, action="signature_failed").exists()


def test_a_wrong_password_at_fast_track_confirmation_is_recorded(draft, publisher, publisher2, capsys):
    pending = ask_fast_track(draft, publisher, reason="Outbreak")
    with pytest.raises(TransitionNotAllowed, match="password was not correct"):
        services.article_confirm_fast_track(
            article_id=draft.pk, actor=publisher2, request_id=pending.pk, password="wrong", ip="198.51.100.4"
        )
    event = Event.objects.get(article=draft, action="signature_failed")
    assert (event.actor, event.client_ip) == (publisher2, "198.51.100.4")
    assert event.details["attempt"] == "confirmation of review after publication"
    assert services.pending_fast_track(draft) == pending
    services.article_confirm_fast_track(
        article_id=draft.pk,
        actor=publisher2,
        request_id=pending.pk,
        password=PERSONA_PASSWORD,
        code=signing_code(publisher2),
    )
    assert Event.objects.filter(article=draft, action="signature_failed").count() == 1
    assert_trail_intact(capsys)


def test_a_wrong_password_in_the_approval_form_shows_the_reason_and_is_in_the_trail(client, draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    draft.refresh_from_db()
    client.force_login(reviewer)
    response = client.post(
        f"/desk/{draft.pk}/approve/",
        {"password": "nope", "content_hash": draft.working_version.content_hash},
        REMOTE_ADDR="203.0.113.5",
    )
    assert "password was not correct" in refused(client, response, draft)
    assert Event.objects.get(article=draft, action="signature_failed").client_ip == "203.0.113.5"
