"""The reminder sweep.

Each kind of reminder is found with one query whatever the number of articles, and
every reminder is keyed by what it is about and which interval it belongs to: running
the sweep twice, or a retried task, writes nothing new.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR, PUBLISHER, active_members
from articles.lifecycle import State
from articles.models import (
    Article,
    ReaderReport,
    ReviewAssignment,
    ReviewRound,
    Signature,
    rereview_due_at,
    rereview_due_q,
)
from articles.services import article_open_rereview
from notifications.services import Outgoing, existing_keys, write

DAY = timedelta(days=1)


@dataclass
class Planned:
    outgoing: Outgoing
    why: str


@dataclass
class Sweep:
    planned: list = field(default_factory=list)
    rereviews: list = field(default_factory=list)  # (article_id, reason)
    written: int = 0

    def counts(self):
        return {
            "written": self.written,
            "rereviews": len(self.rereviews),
            **Counter(item.outgoing.kind for item in self.planned),
        }


def _interval(since, now, every_days):
    """Which reminder interval `now` falls in, counting from `since` (1 for the first)."""
    return int((now - since) / (every_days * DAY)) + 1


def _url(article_id):
    return reverse("articles:article", args=[article_id])


def _role_ids(role):
    return list(active_members(role).values_list("pk", flat=True))


def _escalated(kind, subject_key, publishers, article_id, url, facts, what):
    """The publishers told once that something stayed overdue past the reminders."""
    for publisher_id in publishers:
        yield Planned(
            Outgoing(
                key=f"{kind}:{subject_key}:{publisher_id}",
                kind=kind,
                recipient_id=publisher_id,
                article_id=article_id,
                url=url,
                facts=facts,
            ),
            why=f"{what} overdue after {facts['reminders']} reminders",
        )


def overdue_reviews(now, publishers):
    every, escalate_after = settings.REMIND_OVERDUE_REVIEW_EVERY_DAYS, settings.ESCALATE_AFTER_REMINDERS
    rows = ReviewAssignment.objects.filter(review_round__outcome=ReviewRound.OPEN, due_at__lt=now).values_list(
        "pk",
        "reviewer_id",
        "due_at",
        "review_round__article_id",
        "review_round__article__working_version__title",
    )
    for assignment_id, reviewer_id, due_at, article_id, title in rows.iterator(chunk_size=5000):
        interval = _interval(due_at, now, every)
        facts = {"title": title, "due_at": due_at, "days": (now - due_at).days, "reminders": escalate_after}
        yield Planned(
            Outgoing(
                key=f"review_overdue:a{assignment_id}:{interval}:{reviewer_id}",
                kind="review_overdue",
                recipient_id=reviewer_id,
                article_id=article_id,
                url=_url(article_id),
                facts=facts,
            ),
            why=f"review due {due_at:%Y-%m-%d}, reminder {interval} (every {every} days)",
        )
        if interval > escalate_after:
            yield from _escalated(
                "review_escalated", f"a{assignment_id}", publishers, article_id, _url(article_id), facts, "review"
            )


def overdue_reader_reports(now, editors, publishers):
    """Readers' reports past their triage date: the editors are reminded every
    REMIND_OVERDUE_REVIEW_EVERY_DAYS, the publishers told after ESCALATE_AFTER_REMINDERS."""
    every, escalate_after = settings.REMIND_OVERDUE_REVIEW_EVERY_DAYS, settings.ESCALATE_AFTER_REMINDERS
    rows = ReaderReport.objects.filter(state=ReaderReport.OPEN, due_at__lt=now).values_list(
        "pk", "due_at", "article_id", "version__title"
    )
    for report_id, due_at, article_id, title in rows.iterator(chunk_size=5000):
        interval = _interval(due_at, now, every)
        url = reverse("articles:reader_report", args=[report_id])
        facts = {"title": title, "due_at": due_at, "reminders": escalate_after}
        for editor_id in editors:
            yield Planned(
                Outgoing(
                    key=f"report_overdue:r{report_id}:{interval}:{editor_id}",
                    kind="report_overdue",
                    recipient_id=editor_id,
                    article_id=article_id,
                    url=url,
                    facts=facts,
                ),
                why=f"reader report due {due_at:%Y-%m-%d}, reminder {interval} (every {every} days)",
            )
        if interval > escalate_after:
            yield from _escalated(
                "report_escalated", f"r{report_id}", publishers, article_id, url, facts, "reader report"
            )


def untouched_changes(now):
    every = settings.REMIND_CHANGES_REQUESTED_AFTER_DAYS
    rows = Article.objects.filter(state=State.CHANGES_REQUESTED, state_changed_at__lt=now - every * DAY).values_list(
        "pk",
        "state_changed_at",
        "working_version__created_by_id",
        "working_version__title",
    )
    for article_id, since, editor_id, title in rows.iterator(chunk_size=5000):
        interval = _interval(since, now, every) - 1
        yield Planned(
            Outgoing(
                key=f"changes_untouched:{article_id}:{since.timestamp():.0f}:{interval}:{editor_id}",
                kind="changes_untouched",
                recipient_id=editor_id,
                article_id=article_id,
                url=_url(article_id),
                facts={"title": title, "since": since},
            ),
            why=f"changes requested {since:%Y-%m-%d}, untouched for {(now - since).days} days",
        )


def approved_unpublished(now, publishers):
    every = settings.REMIND_APPROVED_UNPUBLISHED_AFTER_DAYS
    rows = Article.objects.filter(state=State.APPROVED, state_changed_at__lt=now - every * DAY).values_list(
        "pk",
        "state_changed_at",
        "working_version_id",
        "working_version__title",
    )
    for article_id, since, version_id, title in rows.iterator(chunk_size=5000):
        interval = _interval(since, now, every) - 1
        facts = {"title": title, "since": since}
        for publisher_id in publishers:
            yield Planned(
                Outgoing(
                    key=f"approved_unpublished:v{version_id}:{interval}:{publisher_id}",
                    kind="approved_unpublished",
                    recipient_id=publisher_id,
                    article_id=article_id,
                    url=_url(article_id),
                    facts=facts,
                ),
                why=f"approved {since:%Y-%m-%d}, unpublished for {(now - since).days} days",
            )


def rereview_due(now):
    """Published, approved articles whose last approval is older than their interval."""
    rows = (
        Article.objects.filter(rereview_due_q(now))
        .exclude(state__in=(State.SUBMITTED, State.UNDER_REVIEW))
        .values_list("pk", "public_reviewed_at", "rereview_months", "published_version__title")
    )
    for article_id, last_approved, months_between, title in rows.iterator(chunk_size=5000):
        yield article_id, rereview_due_at(last_approved, months_between), title


def rereview_notices(due):
    """Tell the reviewers who signed the live version that its re-review is due."""
    signers = {}
    for article_id, signer_id in Signature.objects.filter(
        kind=Signature.APPROVAL,
        version__article_id__in=[article_id for article_id, _, _ in due],
        version__article__published_version=F("version"),
    ).values_list("version__article_id", "signer_id"):
        signers.setdefault(article_id, set()).add(signer_id)
    for article_id, due_date, title in due:
        facts = {"title": title, "due_on": due_date}
        for reviewer_id in sorted(signers.get(article_id, ())):
            yield Planned(
                Outgoing(
                    key=f"rereview_due:{article_id}:{due_date:%Y-%m-%d}:{reviewer_id}",
                    kind="rereview_due",
                    recipient_id=reviewer_id,
                    article_id=article_id,
                    url=_url(article_id),
                    facts=facts,
                ),
                why=f"re-review due {due_date:%Y-%m-%d}",
            )


def plan(now):
    """Everything the sweep would send now that has not been sent, with the reason."""
    publishers = _role_ids(PUBLISHER)
    due = list(rereview_due(now))
    planned = [
        *overdue_reviews(now, publishers),
        *overdue_reader_reports(now, _role_ids(EDITOR), publishers),
        *untouched_changes(now),
        *approved_unpublished(now, publishers),
        *rereview_notices(due),
    ]
    already = existing_keys(item.outgoing.key for item in planned)
    return Sweep(
        planned=[item for item in planned if item.outgoing.key not in already],
        rereviews=[(article_id, f"Re-review due since {due_date:%Y-%m-%d}") for article_id, due_date, _ in due],
    )


def sweep(now=None, dry_run=False):
    """Find and (unless dry_run) send every due reminder and open due re-reviews."""

    now = now or timezone.now()
    result = plan(now)
    if dry_run:
        return result
    for article_id, reason in result.rereviews:
        article_open_rereview(article_id=article_id, reason=reason, now=now)
    with transaction.atomic():
        result.written = write([item.outgoing for item in result.planned], now)
    return result
