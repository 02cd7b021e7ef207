"""The reminder sweep with a fixed clock, on PostgreSQL."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Article
from articles.reminders import sweep
from notifications.models import Notification
from public.pages import review_facts
from tests.workflow import approve, claim, submit

NOW = timezone.now().replace(microsecond=0)


@pytest.fixture
def overdue(draft, editor, reviewer, publisher):
    """A review assigned with a due date ten days before NOW."""
    submit(draft, editor)
    services.article_assign(
        article_id=draft.pk, actor=publisher, reviewer_id=reviewer.pk, due_at=NOW - timedelta(days=10)
    )
    Notification.objects.all().delete()
    return draft


def kinds():
    return sorted(Notification.objects.values_list("kind", "recipient__username"))


def test_an_overdue_review_gets_one_reminder_per_interval(overdue, settings):
    settings.REMIND_OVERDUE_REVIEW_EVERY_DAYS, settings.ESCALATE_AFTER_REMINDERS = 3, 5
    sweep(now=NOW - timedelta(days=10) + timedelta(hours=1))
    sweep(now=NOW - timedelta(days=10) + timedelta(hours=2))
    assert kinds() == [("review_overdue", "rhea")]
    sweep(now=NOW - timedelta(days=6))
    assert len(kinds()) == 2


def test_running_the_sweep_twice_sends_nothing_twice(overdue, settings):
    settings.ESCALATE_AFTER_REMINDERS = 2
    first = sweep(now=NOW)
    second = sweep(now=NOW)
    assert first.written == 2 and second.written == 0
    assert kinds() == [("review_escalated", "paula"), ("review_overdue", "rhea")]


def test_escalation_to_publishers_waits_for_m_reminders(overdue, settings):
    settings.REMIND_OVERDUE_REVIEW_EVERY_DAYS, settings.ESCALATE_AFTER_REMINDERS = 3, 3
    sweep(now=NOW - timedelta(days=10) + timedelta(days=8))  # interval 3: no escalation yet
    assert ("review_escalated", "paula") not in kinds()
    sweep(now=NOW - timedelta(days=10) + timedelta(days=9, hours=1))  # interval 4
    assert ("review_escalated", "paula") in kinds()


def test_untouched_changes_and_unpublished_approvals_are_chased(draft, editor, reviewer, publisher, settings):
    settings.REMIND_CHANGES_REQUESTED_AFTER_DAYS = settings.REMIND_APPROVED_UNPUBLISHED_AFTER_DAYS = 7
    submit(draft, editor)
    claim(draft, reviewer)
    services.article_request_changes(
        article_id=draft.pk, actor=reviewer, body="Fix", expected_version_id=draft.working_version_id
    )
    other = services.article_create(
        actor=editor, slug="other", topic="", note="n", content=services.Content(title="Other", body="Body")
    )
    submit(other, editor)
    claim(other, reviewer)
    approve(other, reviewer)
    Notification.objects.all().delete()
    sweep(now=timezone.now() + timedelta(days=6))
    assert kinds() == []
    sweep(now=timezone.now() + timedelta(days=8))
    assert kinds() == [("approved_unpublished", "paula"), ("changes_untouched", "edna")]


def test_a_published_article_past_its_interval_goes_back_to_review_and_its_reviewers_are_told(published, reviewer):
    later = timezone.now() + timedelta(days=370)
    result = sweep(now=later)
    published.refresh_from_db()
    assert published.state == "submitted" and published.published_version == published.working_version
    assert published.attention.startswith("Re-review due since")
    assert ("rereview_due", "rhea") in kinds()
    assert result.rereviews and sweep(now=later).written == 0
    assert published.rounds.filter(outcome="open").count() == 1


def test_send_reminders_dry_run_lists_what_and_why_and_sends_nothing(overdue, capsys):
    call_command("send_reminders", "--dry-run")
    out = capsys.readouterr().out
    assert "would send review_overdue" in out and "review due" in out and "reminder 4 (every 3 days)" in out
    assert not Notification.objects.exists()


def test_the_sweep_runs_a_bounded_number_of_queries(editor, reviewer, publisher, django_assert_max_num_queries):
    counts = []
    for size in (3, 30):
        for index in range(Article.objects.count(), size):
            article = services.article_create(
                actor=editor,
                slug=f"s{index}",
                topic="",
                note="n",
                content=services.Content(title=f"A{index}", body="B"),
            )
            submit(article, editor)
            services.article_assign(
                article_id=article.pk, actor=publisher, reviewer_id=reviewer.pk, due_at=NOW - timedelta(days=20)
            )
        Notification.objects.all().delete()
        with django_assert_max_num_queries(30) as captured:
            result = sweep(now=NOW)
        assert result.counts()["review_overdue"] == size
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], counts


def test_the_sweep_and_the_public_page_name_the_same_re_review_due_date(published):
    due_at = review_facts(published).due_at
    assert due_at is not None
    sweep(now=due_at + timedelta(days=1))
    published.refresh_from_db()
    assert published.attention.startswith(f"Re-review due since {due_at:%Y-%m-%d}")
