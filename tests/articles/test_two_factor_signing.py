"""Signing asks for a fresh two-factor code as well as the password: an approval and the
second person's fast-track confirmation are refused without one, with a wrong, reused or
malformed one, and recorded; a recovery code signs once."""

import time

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.roles import REVIEWER
from articles import services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, Signature
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import code_at, fresh_code
from tests.workflow import approve, claim, refused, submit

pytestmark = pytest.mark.django_db

REFUSED = "two-factor code was not accepted, so the approval was not signed"


@pytest.fixture
def reviewing(draft, editor, reviewer):
    submit(draft, editor)
    claim(draft, reviewer)
    draft.refresh_from_db()
    return draft


def nothing_signed(article):
    article.refresh_from_db()
    return article.state == "under_review" and not Signature.objects.filter(version__article=article).exists()


def test_approval_with_the_password_and_a_fresh_code_is_signed(reviewing, reviewer):
    approve(reviewing, reviewer, code=fresh_code(reviewer))
    reviewing.refresh_from_db()
    assert reviewing.state == "approved"
    assert not Event.objects.filter(action="signature_failed").exists()


@pytest.mark.parametrize("code", ["", "wrong"])
def test_approval_without_a_code_or_with_a_wrong_one_is_refused_and_recorded(reviewing, reviewer, code):
    device = two_factor.authenticator_of(reviewer)
    typed = "" if code == "" else f"{(int(code_at(device, 0)) + 500_000) % 1_000_000:06d}"
    with pytest.raises(TransitionNotAllowed, match=REFUSED):
        approve(reviewing, reviewer, code=typed)
    assert nothing_signed(reviewing)
    event = Event.objects.get(article=reviewing, action="signature_failed")
    assert "Rhea Tester, M.D., FACP entered a wrong two-factor code to sign (approval)" in event.comment
    assert REFUSED in event.details["refusal"]


def test_a_code_spent_at_sign_in_cannot_sign_and_the_next_one_can(client, reviewing, reviewer):
    device = two_factor.authenticator_of(reviewer)
    code = code_at(device, 0)
    login = Client()
    login.post("/accounts/login/", {"username": "rhea", "password": PERSONA_PASSWORD})
    assert login.post("/accounts/two-factor/", {"code": code}).status_code == 302
    with pytest.raises(TransitionNotAllowed, match=REFUSED):
        approve(reviewing, reviewer, code=code)
    assert nothing_signed(reviewing)
    time.sleep(1.1)  # django-otp's throttle after the refused try
    approve(reviewing, reviewer, code=code_at(device, 1))
    reviewing.refresh_from_db()
    assert reviewing.state == "approved"


@pytest.mark.parametrize("typed", ["12345", "12 34 5a", "drop table", "9" * 40])
def test_a_malformed_code_is_refused_with_a_message_and_nothing_is_stored(reviewing, reviewer, typed):
    before = Event.objects.count()
    with pytest.raises(two_factor.MalformedCode, match="A code is the 6 digits"):
        approve(reviewing, reviewer, code=typed)
    assert nothing_signed(reviewing) and Event.objects.count() == before
    device = TOTPDevice.objects.get(user=reviewer)
    assert device.throttling_failure_count == 0 and device.last_t == -1


def test_a_wrong_password_spends_no_code(reviewing, reviewer):
    device = two_factor.authenticator_of(reviewer)
    code = code_at(device, 0)
    with pytest.raises(TransitionNotAllowed, match="password was not correct"):
        approve(reviewing, reviewer, password="a guess", code=code)
    assert TOTPDevice.objects.get(pk=device.pk).last_t == -1
    assert "wrong password" in Event.objects.get(action="signature_failed").comment
    approve(reviewing, reviewer, code=code)
    reviewing.refresh_from_db()
    assert reviewing.state == "approved"


def test_a_recovery_code_signs_once(draft, editor, reviewer, reviewer2, publisher):
    codes = two_factor._replace_recovery_codes(reviewer)
    draft.approvals_required = 2
    draft.save(update_fields=["approvals_required"])
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer, code=codes[0])
    assert Signature.objects.filter(signer=reviewer).count() == 1
    services.article_assign(article_id=draft.pk, actor=publisher, reviewer_id=reviewer2.pk)
    # reviewer2 holds none of reviewer's codes: the same code from them is wrong, and from
    # reviewer it is spent.
    with pytest.raises(TransitionNotAllowed, match=REFUSED):
        approve(draft, reviewer2, code=codes[0])
    assert two_factor._accepting_device(reviewer, codes[0].replace("-", "")) is None
    assert two_factor.recovery_codes_left(reviewer) == 9


def test_a_signer_who_must_but_did_not_enrol_cannot_sign(draft, editor, make_staff):
    newcomer = make_staff("nora", REVIEWER, enrolled=False)
    submit(draft, editor)
    claim(draft, newcomer)
    with pytest.raises(TransitionNotAllowed, match=REFUSED):
        approve(draft, newcomer, code="123456")
    assert nothing_signed(draft)


def test_with_the_setting_off_an_unenrolled_reviewer_signs_with_the_password(settings, draft, editor, make_staff):
    settings.REQUIRE_TWO_FACTOR = False
    newcomer = make_staff("nora", REVIEWER)
    submit(draft, editor)
    claim(draft, newcomer)
    approve(draft, newcomer, code="")
    draft.refresh_from_db()
    assert draft.state == "approved"


def test_the_fast_track_confirmation_needs_a_fresh_code_too(draft, publisher, reviewer):
    services.article_set_policy(
        article_id=draft.pk,
        actor=publisher,
        review_policy="after",
        approvals_required=1,
        rereview_months=6,
        reason="Outbreak",
    )
    pending = services.pending_fast_track(draft)
    with pytest.raises(TransitionNotAllowed, match="code was not accepted, so the switch was not confirmed"):
        services.article_confirm_fast_track(
            article_id=draft.pk, actor=reviewer, request_id=pending.pk, password=PERSONA_PASSWORD, code=""
        )
    assert services.pending_fast_track(draft) == pending
    assert "wrong two-factor code" in Event.objects.get(article=draft, action="signature_failed").comment
    services.article_confirm_fast_track(
        article_id=draft.pk, actor=reviewer, request_id=pending.pk, password=PERSONA_PASSWORD, code=fresh_code(reviewer)
    )
    draft.refresh_from_db()
    assert draft.review_policy == "after"


def test_the_approval_form_asks_for_the_code_and_refuses_a_malformed_one(client, reviewing, reviewer):
    client.force_login(reviewer)
    page = client.get(f"/desk/{reviewing.pk}/").content.decode()
    assert 'id="approve-code"' in page and "A code works once" in page
    before = Event.objects.count()
    response = client.post(
        f"/desk/{reviewing.pk}/approve/",
        {"password": PERSONA_PASSWORD, "code": "12-34", "content_hash": reviewing.working_version.content_hash},
    )
    assert "A code is the 6 digits" in refused(client, response, reviewing)
    assert nothing_signed(reviewing) and Event.objects.count() == before
    response = client.post(
        f"/desk/{reviewing.pk}/approve/",
        {
            "password": PERSONA_PASSWORD,
            "code": fresh_code(reviewer),
            "content_hash": reviewing.working_version.content_hash,
            "conflict": "none",
        },
    )
    assert response.status_code == 302
    reviewing.refresh_from_db()
    assert reviewing.state == "approved"


def test_an_editor_sees_no_code_field(client, draft, editor):
    client.force_login(editor)
    assert 'id="approve-code"' not in client.get(f"/desk/{draft.pk}/").content.decode()
