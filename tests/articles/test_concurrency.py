"""Two people acting at the same instant yield exactly one transition.
Each thread has its own real PostgreSQL connection; the article row lock decides."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from articles.lifecycle import TransitionNotAllowed
from articles.models import Event, Signature
from tests.workflow import approve, claim, publish, submit

pytestmark = pytest.mark.django_db(transaction=True)


def race(*calls):
    """Run the calls at once; return (successes, refusals)."""
    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except TransitionNotAllowed as refusal:
            outcomes.append(refusal.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes.count("ok"), [o for o in outcomes if o != "ok"]


def schedule_publication(article, publisher):
    """Schedule the approved working version five minutes from now; returns the due time."""
    from articles import services

    now = timezone.now()
    services.article_schedule(
        article_id=article.pk,
        actor=publisher,
        expected_version_id=article.working_version_id,
        publish_at=now + timedelta(minutes=5),
        now=now,
    )
    return now + timedelta(minutes=5)


def test_two_reviewers_approving_at_once_make_exactly_one_transition(draft, editor, reviewer, reviewer2, publisher):
    from articles import services

    submit(draft, editor)
    claim(draft, reviewer)
    services.article_assign(article_id=draft.pk, actor=publisher, reviewer_id=reviewer2.pk)
    successes, refusals = race(lambda: approve(draft, reviewer), lambda: approve(draft, reviewer2))
    assert successes == 1 and len(refusals) == 1
    assert "approved" in refusals[0]
    assert Signature.objects.filter(version=draft.working_version).count() == 1
    assert Event.objects.filter(article=draft, action="approve").count() == 1
    draft.refresh_from_db()
    assert draft.state == "approved"


def test_two_publishers_publishing_at_once_make_exactly_one_transition(approved, make_staff, publisher):
    other = make_staff("pat", "Publisher")
    successes, refusals = race(lambda: publish(approved, publisher), lambda: publish(approved, other))
    assert successes == 1 and len(refusals) == 1
    assert Event.objects.filter(article=approved, action="publish").count() == 1
    approved.refresh_from_db()
    assert approved.state == "published"


def test_two_workers_running_the_due_schedules_at_once_publish_once(approved, publisher):
    from articles import services
    from articles.models import Schedule

    due = schedule_publication(approved, publisher)
    runs = []
    successes, refusals = race(*[lambda: runs.extend(services.publish_due_articles(now=due))] * 2)
    assert (successes, refusals) == (2, [])
    assert [run.outcome for run in runs] == ["done"]
    assert Event.objects.filter(article=approved, action="publish").count() == 1
    assert Schedule.objects.get(article=approved).outcome == Schedule.DONE
    approved.refresh_from_db()
    assert approved.state == "published"


def test_events_of_one_kind_written_at_once_each_get_their_own_place_in_the_chain(publisher, capsys):
    from django.core.management import call_command
    from django.utils import timezone

    from articles.audit import record_trail_event

    def sign_in_event():
        record_trail_event(kind="sign-in", action="login", actor=publisher, now=timezone.now())

    successes, _ = race(*[sign_in_event] * 4)
    assert successes == 4
    assert sorted(Event.objects.filter(chain="sign-in").values_list("seq", flat=True)) == [1, 2, 3, 4]
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_a_due_schedule_on_an_article_someone_holds_is_skipped_and_run_next_time(approved, publisher):
    from django.db import transaction

    from articles import services
    from articles.models import Article, Schedule

    due = schedule_publication(approved, publisher)
    held, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Article.objects.select_for_update().get(pk=approved.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30)
        assert services.publish_due_articles(now=due) == []  # no wait, no change
        assert Schedule.objects.get(article=approved).outcome == Schedule.PENDING
    finally:
        release.set()
        holder.join(timeout=30)
    runs = services.publish_due_articles(now=due + timedelta(minutes=1))
    assert [run.outcome for run in runs] == ["done"]
    approved.refresh_from_db()
    assert approved.state == "published"
