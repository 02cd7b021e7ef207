"""Schedules are pinned to a version and its hash: at the due time they publish (or
unpublish) that version only if it is still what was scheduled, else nothing, with
the reason recorded and the publisher who set it told."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, Schedule
from articles.services import Content
from notifications.models import Notification
from tests.workflow import approve, claim, fast_track, publish, submit

LATER = timedelta(hours=1)


def schedule_publication(article, publisher, now):
    article.refresh_from_db()
    return services.article_schedule(
        article_id=article.pk,
        actor=publisher,
        expected_version_id=article.working_version_id,
        publish_at=now + LATER,
        now=now,
    )


def save_500_mg(article, editor):
    article.refresh_from_db()
    return services.article_save_version(
        article_id=article.pk,
        actor=editor,
        base_version_id=article.working_version_id,
        content=Content(**{**Content.of(article.working_version).__dict__, "body": "## Dosage\n\nTake 500 mg."}),
        note="Dose raised to 500 mg",
    )


def set_policy(article, publisher, **changes):
    article.refresh_from_db()
    policy = {
        "review_policy": article.review_policy,
        "approvals_required": article.approvals_required,
        "rereview_months": article.rereview_months,
        **changes,
    }
    services.article_set_policy(article_id=article.pk, actor=publisher, **policy)


def told(user, outcome_words):
    rows = Notification.objects.filter(kind="schedule", recipient=user)
    return [row for row in rows if outcome_words in row.subject]


# ---------------------------------------------------------------- case 5


def test_a_version_saved_on_fast_track_after_scheduling_never_goes_live_unapproved(
    approved, editor, reviewer, publisher
):
    now = timezone.now()
    schedule = schedule_publication(approved, publisher, now)
    fast_track(approved, publisher, reviewer)  # asked by the publisher, confirmed by a board member
    save_500_mg(approved, editor)
    submit(approved, editor)

    runs = services.publish_due_articles(now=now + LATER)

    approved.refresh_from_db()
    assert runs == [] and approved.published_version is None and approved.state == "submitted"
    assert not Event.objects.filter(article=approved, action="publish").exists()
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.CANCELLED and "Version 2 was saved" in schedule.outcome_note
    cancel = Event.objects.get(article=approved, action="cancel_schedule")
    assert cancel.actor == editor and cancel.version == schedule.version
    assert "Version 2 was saved" in told(publisher, "cancelled")[0].message


def test_a_version_approved_after_scheduling_is_not_published_by_the_old_schedule(
    approved, editor, reviewer, publisher
):
    now = timezone.now()
    schedule = schedule_publication(approved, publisher, now)
    save_500_mg(approved, editor)
    submit(approved, editor)
    claim(approved, reviewer)
    approve(approved, reviewer)

    runs = services.publish_due_articles(now=now + LATER)

    approved.refresh_from_db()
    assert runs == [] and approved.published_version is None and approved.state == "approved"
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.CANCELLED
    assert told(publisher, "cancelled")


# ---------------------------------------------------------------- at the due time


def test_a_scheduled_publication_publishes_the_pinned_version_when_due_and_not_before(approved, publisher, editor):
    now = timezone.now()
    schedule = schedule_publication(approved, publisher, now)
    assert services.publish_due_articles(now=now + LATER - timedelta(seconds=1)) == []

    [run] = services.publish_due_articles(now=now + LATER)

    assert (run.outcome, run.article_id) == (Schedule.DONE, approved.pk)
    approved.refresh_from_db()
    assert approved.state == "published" and approved.published_version == schedule.version
    event = Event.objects.get(article=approved, action="publish")
    assert event.actor == publisher and "scheduled publication of version 1" in event.comment
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.DONE and schedule.closed_at == now + LATER
    assert told(publisher, "done") and Notification.objects.filter(kind="published", recipient=editor).exists()


def test_running_the_due_schedules_again_publishes_nothing_twice(approved, publisher):
    now = timezone.now()
    schedule_publication(approved, publisher, now)
    assert len(services.publish_due_articles(now=now + LATER)) == 1
    assert services.publish_due_articles(now=now + LATER + timedelta(minutes=1)) == []
    assert Event.objects.filter(article=approved, action="publish").count() == 1


def _raise_quorum(article, publisher, make_staff):
    set_policy(article, publisher, approvals_required=2)


def _scheduler_loses_the_publisher_role(article, publisher, make_staff):
    publisher.groups.remove(Group.objects.get(name="Publisher"))


def _pinned_hash_tampered(article, publisher, make_staff):
    Schedule.objects.filter(article=article).update(content_hash="0" * 64)


@pytest.mark.parametrize(
    "change, reason",
    [
        (_raise_quorum, "no longer has the approvals"),
        (_scheduler_loses_the_publisher_role, "Only a publisher can publish"),
        (_pinned_hash_tampered, "no longer matches the hash pinned"),
    ],
)
def test_a_due_publication_that_no_longer_holds_publishes_nothing_records_why_and_tells_the_publisher(
    approved, publisher, make_staff, change, reason
):
    now = timezone.now()
    schedule = schedule_publication(approved, publisher, now)
    change(approved, publisher, make_staff)

    [run] = services.publish_due_articles(now=now + LATER)

    assert run.outcome == Schedule.REFUSED and reason in run.note
    approved.refresh_from_db()
    assert approved.published_version is None and approved.state == "approved"
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.REFUSED and reason in schedule.outcome_note
    event = Event.objects.get(article=approved, action="schedule_refused")
    assert event.actor is None and reason in event.comment and event.version == schedule.version
    [notice] = told(publisher, "not carried out")
    assert reason in notice.message
    assert services.publish_due_articles(now=now + LATER) == []  # refused once, not again each minute


def test_publishing_by_hand_before_the_time_closes_the_schedule(approved, publisher):
    now = timezone.now()
    schedule = schedule_publication(approved, publisher, now)
    publish(approved, publisher)
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.DONE and "by hand" in schedule.outcome_note
    assert services.publish_due_articles(now=now + LATER) == []


# ---------------------------------------------------------------- setting and cancelling


def test_a_schedule_pins_the_working_version_and_its_hash_and_a_new_one_replaces_it(approved, publisher):
    now = timezone.now()
    first = schedule_publication(approved, publisher, now)
    assert (first.version, first.content_hash) == (approved.working_version, approved.working_version.content_hash)
    assert Event.objects.filter(article=approved, action="schedule").exists()
    second = services.article_schedule(
        article_id=approved.pk,
        actor=publisher,
        expected_version_id=approved.working_version_id,
        publish_at=now + 2 * LATER,
        now=now,
    )
    first.refresh_from_db()
    assert first.outcome == Schedule.CANCELLED and "Replaced" in first.outcome_note
    assert list(Schedule.objects.filter(outcome=Schedule.PENDING)) == [second]


def test_the_database_allows_one_pending_schedule_of_each_kind_per_article(approved, publisher):
    from django.db import IntegrityError, transaction

    schedule = schedule_publication(approved, publisher, timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Schedule.objects.create(
            article=approved,
            kind=Schedule.PUBLISH,
            version=schedule.version,
            content_hash=schedule.content_hash,
            due_at=schedule.due_at,
            created_by=publisher,
            created_at=schedule.created_at,
        )


def test_a_time_in_the_past_or_a_draft_cannot_be_scheduled(approved, editor, publisher):
    now = timezone.now()
    with pytest.raises(TransitionNotAllowed, match="future"):
        services.article_schedule(
            article_id=approved.pk,
            actor=publisher,
            expected_version_id=approved.working_version_id,
            publish_at=now - LATER,
            now=now,
        )
    save_500_mg(approved, editor)
    with pytest.raises(TransitionNotAllowed, match="draft cannot be scheduled"):
        schedule_publication(approved, publisher, now)
    assert not Schedule.objects.exists()


def test_a_publisher_cancels_another_publishers_schedule_and_they_are_told(approved, publisher, make_staff):
    other = make_staff("pat", "Publisher")
    schedule = schedule_publication(approved, publisher, timezone.now())
    services.article_cancel_schedule(article_id=approved.pk, actor=other, schedule_id=schedule.pk)
    schedule.refresh_from_db()
    assert (schedule.outcome, schedule.closed_by) == (Schedule.CANCELLED, other)
    assert Event.objects.get(article=approved, action="cancel_schedule").actor == other
    assert "Cancelled by" in told(publisher, "cancelled")[0].message


def test_editors_and_reviewers_cannot_cancel_a_schedule(approved, publisher, editor, reviewer):
    schedule = schedule_publication(approved, publisher, timezone.now())
    for person in (editor, reviewer):
        with pytest.raises(TransitionNotAllowed, match="Only a publisher can cancel a schedule"):
            services.article_cancel_schedule(article_id=approved.pk, actor=person, schedule_id=schedule.pk)
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.PENDING


# ---------------------------------------------------------------- expiry


def schedule_expiry(article, publisher, now, reason="Guidance withdrawn"):
    return services.article_schedule_unpublish(
        article_id=article.pk, actor=publisher, unpublish_at=now + LATER, reason=reason, now=now
    )


def test_a_scheduled_unpublication_takes_the_live_version_down_with_its_reason(published, publisher):
    now = timezone.now()
    schedule = schedule_expiry(published, publisher, now)
    assert schedule.version == published.published_version

    [run] = services.publish_due_articles(now=now + LATER)

    assert run.outcome == Schedule.DONE
    published.refresh_from_db()
    assert (published.state, published.published_version) == ("unpublished", None)
    event = Event.objects.get(article=published, action="unpublish")
    assert (event.actor, event.comment, event.version) == (publisher, "Guidance withdrawn", schedule.version)


def test_a_scheduled_unpublication_is_refused_when_another_version_went_live(published, editor, reviewer2, publisher):
    now = timezone.now()
    schedule_expiry(published, publisher, now)
    save_500_mg(published, editor)
    submit(published, editor)
    claim(published, reviewer2)
    approve(published, reviewer2)
    publish(published, publisher)

    [run] = services.publish_due_articles(now=now + LATER)

    assert run.outcome == Schedule.REFUSED and "Another version went live" in run.note
    published.refresh_from_db()
    assert published.state == "published" and published.published_version.number == 2
    assert "Another version went live" in Event.objects.get(article=published, action="schedule_refused").comment
    assert "Another version went live" in told(publisher, "not carried out")[0].message


def test_unpublishing_by_hand_before_the_time_closes_the_expiry(published, publisher):
    now = timezone.now()
    schedule = schedule_expiry(published, publisher, now)
    services.article_unpublish(article_id=published.pk, actor=publisher, reason="Withdrawn early")
    schedule.refresh_from_db()
    assert schedule.outcome == Schedule.DONE and "by hand" in schedule.outcome_note
    assert services.publish_due_articles(now=now + LATER) == []


def test_an_unpublication_needs_a_reason(published, publisher):
    now = timezone.now()
    with pytest.raises(TransitionNotAllowed, match="reason"):
        schedule_expiry(published, publisher, now, reason=" ")


def test_an_article_that_is_not_live_cannot_be_scheduled_for_unpublication(approved, publisher):
    with pytest.raises(TransitionNotAllowed, match="not published"):
        schedule_expiry(approved, publisher, timezone.now())


def test_the_management_command_says_what_each_due_schedule_came_to(approved, publisher, capsys, monkeypatch):
    now = timezone.now()
    schedule_publication(approved, publisher, now)
    monkeypatch.setattr(timezone, "now", lambda: now + LATER)
    call_command("publish_scheduled")
    assert f"article {approved.pk}: scheduled publication done" in capsys.readouterr().out
