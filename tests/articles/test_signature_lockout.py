"""A wrong signing password counts with failed sign-ins: one counter per login name (and
one per address), so five wrong passwords, at signing or at sign-in, lock the account,
and a locked account can neither sign in nor sign, even with the right password."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from accounts.lockout import SignerLocked
from articles import services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, FastTrackRequest, Signature
from notifications.models import Notification
from tests.conftest import PERSONA_PASSWORD
from tests.workflow import ask_fast_track, claim, refused, signing_code, submit

IP = "198.51.100.40"


@pytest.fixture
def in_review(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    draft.refresh_from_db()
    return draft


def sign(article, reviewer, password, ip=IP):
    return services.article_approve(
        article_id=article.pk,
        actor=reviewer,
        password=password,
        code=signing_code(reviewer),
        expected_hash=article.working_version.content_hash,
        conflict="none",
        ip=ip,
    )


def test_a_wrong_two_factor_code_at_signing_counts_toward_the_lock(in_review, reviewer):
    for _ in range(4):
        with pytest.raises(TransitionNotAllowed, match="two-factor code"):
            services.article_approve(
                article_id=in_review.pk,
                actor=reviewer,
                password=PERSONA_PASSWORD,
                code="000000" if signing_code(reviewer) != "000000" else "111111",
                expected_hash=in_review.working_version.content_hash,
                ip=IP,
            )
    with pytest.raises(SignerLocked, match="The two-factor code is wrong"):
        services.article_approve(
            article_id=in_review.pk,
            actor=reviewer,
            password=PERSONA_PASSWORD,
            code="000000" if signing_code(reviewer) != "000000" else "111111",
            expected_hash=in_review.working_version.content_hash,
            ip=IP,
        )
    assert not Signature.objects.exists()


def wrong_signatures(article, reviewer, times, ip=IP):
    messages = []
    for _ in range(times):
        with pytest.raises(TransitionNotAllowed) as refusal:
            sign(article, reviewer, "wrong", ip)
        messages.append(refusal.value.message)
    return messages


def test_the_fifth_wrong_signing_password_locks_and_says_until_when(in_review, reviewer):
    messages = wrong_signatures(in_review, reviewer, 5)
    assert all("password" in message and "locked" not in message for message in messages[:4])
    assert messages[4].startswith("The password is wrong. Too many wrong passwords: the login name “rhea” is locked")
    assert "ask a publisher or an administrator" in messages[4]


def test_a_locked_signer_is_refused_with_the_right_password(in_review, reviewer):
    start = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        wrong_signatures(in_review, reviewer, 5)
        with pytest.raises(SignerLocked, match=r"locked until 10:15 UTC") as refusal:
            sign(in_review, reviewer, PERSONA_PASSWORD)
    assert "publisher or an administrator" in refusal.value.message
    assert not Signature.objects.exists()
    in_review.refresh_from_db()
    assert in_review.state == "under_review"
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        sign(in_review, reviewer, PERSONA_PASSWORD)
    assert Signature.objects.count() == 1


def test_wrong_signing_passwords_lock_the_login_too(client, in_review, reviewer):
    wrong_signatures(in_review, reviewer, 5, ip="203.0.113.8")
    response = client.post(
        "/accounts/login/", {"username": "rhea", "password": PERSONA_PASSWORD}, REMOTE_ADDR="192.0.2.33"
    )
    assert response.status_code == 429


def test_failed_sign_ins_count_toward_signing(client, in_review, reviewer):
    for _ in range(4):
        client.post("/accounts/login/", {"username": "rhea", "password": "guess"}, REMOTE_ADDR="192.0.2.33")
    [message] = wrong_signatures(in_review, reviewer, 1)
    assert "is locked until" in message
    with pytest.raises(SignerLocked):
        sign(in_review, reviewer, PERSONA_PASSWORD)


def test_a_lock_on_the_address_stops_signing_from_it(client, in_review, reviewer):
    for n in range(5):
        client.post("/accounts/login/", {"username": f"guess-{n}", "password": "x"}, REMOTE_ADDR=IP)
    with pytest.raises(SignerLocked, match=f"the address {IP} is locked"):
        sign(in_review, reviewer, PERSONA_PASSWORD)
    sign(in_review, reviewer, PERSONA_PASSWORD, ip="192.0.2.34")


def test_a_wrong_confirmation_password_counts_too(draft, publisher, make_staff):
    second = make_staff("pablo", "Publisher")
    request = ask_fast_track(draft, publisher)
    for _ in range(5):
        with pytest.raises(TransitionNotAllowed) as refusal:
            services.article_confirm_fast_track(
                article_id=draft.pk, actor=second, request_id=request.pk, password="wrong", ip=IP
            )
    assert "“pablo” is locked" in refusal.value.message
    with pytest.raises(SignerLocked):
        services.article_confirm_fast_track(
            article_id=draft.pk, actor=second, request_id=request.pk, password=PERSONA_PASSWORD, ip=IP
        )
    request.refresh_from_db()
    assert request.status == FastTrackRequest.PENDING


def test_failures_lockout_and_refusal_are_events_that_verify(in_review, reviewer, publisher, capsys):
    wrong_signatures(in_review, reviewer, 5)
    with pytest.raises(SignerLocked):
        sign(in_review, reviewer, PERSONA_PASSWORD)
    article_events = Event.objects.filter(article=in_review, action="signature_failed")
    assert article_events.count() == 5 and {event.actor for event in article_events} == {reviewer}
    sign_ins = list(Event.objects.filter(chain="sign-in").order_by("seq"))
    assert [event.action for event in sign_ins] == ["locked_out", "locked_out", "signature_refused_locked"]
    account_lock = next(event for event in sign_ins if event.details.get("scope") == "account")
    assert account_lock.subject_id == str(reviewer.pk) and account_lock.details["page"] == "(signature password)"
    assert account_lock.client_ip == IP
    refused = sign_ins[-1]
    assert (refused.actor, refused.client_ip, refused.details["username"]) == (reviewer, IP, "rhea")
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_the_signer_and_the_publishers_are_told(in_review, reviewer, publisher):
    wrong_signatures(in_review, reviewer, 5)
    recipients = {notice.recipient for notice in Notification.objects.filter(kind="lockout")}
    assert recipients == {reviewer, publisher}


def test_the_approve_page_shows_the_lock_and_keeps_the_page(client, in_review, reviewer):
    wrong_signatures(in_review, reviewer, 5)
    client.force_login(reviewer)
    response = client.post(
        f"/desk/{in_review.pk}/approve/",
        {"password": PERSONA_PASSWORD, "content_hash": in_review.working_version.content_hash},
        REMOTE_ADDR=IP,
    )
    page = refused(client, response, in_review)
    assert "the login name “rhea” is locked until" in page
    assert in_review.working_version.title in page  # the article page, with its navigation
    assert not Signature.objects.exists()
