"""Separation of duties: review after publication takes two people, and whoever signed
an approval does not publish it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, FastTrackRequest
from articles.services import StaleVersion
from tests.conftest import PERSONA_PASSWORD
from tests.workflow import approve, claim, publish, signing_code, submit


@pytest.fixture
def publisher2(make_staff):
    return make_staff("pablo", "Publisher")


def ask(article, publisher, reason="Outbreak: readers need this now", approvals_required=1, rereview_months=12):
    return services.article_set_policy(
        article_id=article.pk,
        actor=publisher,
        review_policy="after",
        approvals_required=approvals_required,
        rereview_months=rereview_months,
        reason=reason,
    )


def confirm(article, person, request_id=None, password=PERSONA_PASSWORD):
    if request_id is None:
        request_id = services.pending_fast_track(article).pk
    return services.article_confirm_fast_track(
        article_id=article.pk, actor=person, request_id=request_id, password=password, code=signing_code(person)
    )


def test_one_publisher_alone_cannot_switch_to_fast_track_and_publish_without_a_signature(draft, editor, publisher):
    ask(draft, publisher)
    submit(draft, editor)
    draft.refresh_from_db()
    assert draft.review_policy == "before"
    with pytest.raises(TransitionNotAllowed, match="matches its approvals"):
        publish(draft, publisher)
    with pytest.raises(TransitionNotAllowed, match="another publisher or a member"):
        confirm(draft, publisher)
    draft.refresh_from_db()
    assert draft.published_version is None and draft.review_policy == "before"


@pytest.mark.parametrize("confirmer", ["publisher2", "reviewer"])
def test_fast_track_asked_by_one_publisher_and_confirmed_by_another_person_works(
    request, draft, editor, publisher, confirmer
):
    second = request.getfixturevalue(confirmer)
    ask(draft, publisher, reason="Outbreak guidance")
    confirm(draft, second)
    draft.refresh_from_db()
    assert draft.review_policy == "after"
    submit(draft, editor)
    publish(draft, publisher)
    draft.refresh_from_db()
    assert draft.published_version == draft.working_version and draft.state == "submitted"
    fast = FastTrackRequest.objects.get(article=draft)
    assert (fast.status, fast.decided_by, fast.signed_name) == ("confirmed", second, second.profile.printed_name)
    events = {e.action: e for e in Event.objects.filter(article=draft)}
    assert events["request_fast_track"].actor == publisher
    assert "Outbreak guidance" in events["request_fast_track"].comment
    assert events["confirm_fast_track"].actor == second
    assert events["confirm_fast_track"].actor_name == second.profile.printed_name


def test_asking_for_fast_track_needs_a_reason_and_saves_nothing_without_one(draft, publisher):
    with pytest.raises(TransitionNotAllowed, match="reason"):
        ask(draft, publisher, reason="  ", approvals_required=2)
    draft.refresh_from_db()
    assert draft.approvals_required == 1 and not FastTrackRequest.objects.exists()


def test_a_wrong_password_leaves_the_request_waiting(draft, publisher, publisher2):
    ask(draft, publisher)
    with pytest.raises(TransitionNotAllowed, match="password was not correct"):
        confirm(draft, publisher2, password="wrong")
    draft.refresh_from_db()
    assert draft.review_policy == "before"
    assert services.pending_fast_track(draft) is not None


def test_a_confirmation_of_a_request_withdrawn_meanwhile_is_refused_as_stale(draft, publisher, publisher2):
    ask(draft, publisher)
    first = services.pending_fast_track(draft)
    services.article_withdraw_fast_track(article_id=draft.pk, actor=publisher, request_id=first.pk)
    ask(draft, publisher, reason="Asked again")
    with pytest.raises(StaleVersion, match="withdrawn or decided"):
        confirm(draft, publisher2, request_id=first.pk)
    draft.refresh_from_db()
    assert draft.review_policy == "before"


def test_only_the_asker_withdraws_and_only_someone_else_declines(draft, publisher, publisher2):
    ask(draft, publisher)
    pending = services.pending_fast_track(draft)
    with pytest.raises(TransitionNotAllowed, match="Only the publisher who asked"):
        services.article_withdraw_fast_track(article_id=draft.pk, actor=publisher2, request_id=pending.pk)
    with pytest.raises(TransitionNotAllowed, match="withdraw it instead"):
        services.article_decline_fast_track(article_id=draft.pk, actor=publisher, request_id=pending.pk)
    services.article_decline_fast_track(article_id=draft.pk, actor=publisher2, request_id=pending.pk, note="Not urgent")
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.decision_note) == ("declined", publisher2, "Not urgent")
    declined = Event.objects.get(article=draft, action="decline_fast_track")
    assert declined.actor == publisher2 and "Not urgent" in declined.comment


def test_a_second_request_while_one_waits_is_refused(draft, publisher, publisher2):
    ask(draft, publisher)
    with pytest.raises(TransitionNotAllowed, match="already waiting"):
        ask(draft, publisher2)


def test_going_back_to_review_before_publication_takes_one_publisher(draft, publisher, reviewer):
    ask(draft, publisher)
    confirm(draft, reviewer)
    services.article_set_policy(
        article_id=draft.pk, actor=publisher, review_policy="before", approvals_required=1, rereview_months=12
    )
    draft.refresh_from_db()
    assert draft.review_policy == "before"


def test_the_asker_may_confirm_alone_only_where_the_setting_relaxes_it(draft, publisher, settings):
    settings.FAST_TRACK_NEEDS_SECOND_PERSON = False
    ask(draft, publisher)
    confirm(draft, publisher)
    draft.refresh_from_db()
    assert draft.review_policy == "after"


# ---------------------------------------------------------------- whoever signed does not publish


@pytest.fixture
def dual(make_staff):
    """One account that is both a board member and a publisher."""
    return make_staff("dana", "Reviewer", "Publisher", credentials="M.D.")


@pytest.fixture
def self_approved(draft, editor, dual):
    submit(draft, editor)
    claim(draft, dual)
    approve(draft, dual)
    draft.refresh_from_db()
    assert draft.state == "approved"
    return draft


def test_an_account_that_approved_a_version_cannot_publish_it(self_approved, dual, publisher):
    with pytest.raises(TransitionNotAllowed, match="another publisher must publish"):
        publish(self_approved, dual)
    self_approved.refresh_from_db()
    assert self_approved.published_version is None
    publish(self_approved, publisher)
    self_approved.refresh_from_db()
    assert self_approved.state == "published"


def test_an_account_that_approved_a_version_cannot_schedule_it(self_approved, dual):
    with pytest.raises(TransitionNotAllowed, match="another publisher must publish"):
        services.article_schedule(
            article_id=self_approved.pk,
            actor=dual,
            expected_version_id=self_approved.working_version_id,
            publish_at=timezone.now() + timedelta(hours=1),
        )


def test_the_signer_may_publish_only_where_the_setting_relaxes_it(self_approved, dual, settings):
    settings.SIGNER_MAY_PUBLISH = True
    publish(self_approved, dual)
    self_approved.refresh_from_db()
    assert self_approved.state == "published"
