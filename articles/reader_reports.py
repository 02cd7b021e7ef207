"""Readers' error reports: sent from a public page, triaged at the desk by a due date,
accepted (the next version saved is the correction, reviewed as usual) or declined with
a reason; the reader hears the outcome if they left an address. Each step is an event
in the article's trail, which keeps no reader's text or address."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import EDITOR, active_members, roles_of
from articles.audit import record_decision
from articles.lifecycle import SYSTEM, Action, decide, may_triage_reader_reports, situation
from articles.models import Article, ReaderReport
from core.errors import DomainError, TransitionNotAllowed
from notifications.services import notify

log = logging.getLogger(__name__)


class ReportRefused(DomainError):
    """A report that cannot be taken: `status` is the HTTP answer the form gets."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def _live_article(slug):
    article = Article.objects.select_for_update(of=("self",)).filter(slug=slug, published_version__isnull=False)
    return article.select_related("published_version").first()


def report_submit(*, slug, text, source="", email="", ip=None, now=None):
    """Take a reader's report on the live page `slug`; returns it. Refuses an empty or
    oversized text (400), and more than REPORTS_PER_ADDRESS_PER_HOUR from one address
    (429). The editors are told; the article's trail records that a report came."""
    now = now or timezone.now()
    text, source, email = (text or "").strip(), (source or "").strip(), (email or "").strip()
    if not text:
        raise ReportRefused("Say what is wrong on the page.")
    if len(text) > ReaderReport.MAX_TEXT or len(source) > ReaderReport.MAX_SOURCE:
        raise ReportRefused(
            f"Keep the report under {ReaderReport.MAX_TEXT} characters and the source under {ReaderReport.MAX_SOURCE}."
        )
    with transaction.atomic():
        article = _live_article(slug)
        if article is None:
            raise ReportRefused("This article is not published.", status=404)
        if ip and (
            ReaderReport.objects.filter(client_ip=ip, created_at__gte=now - timedelta(hours=1)).count()
            >= settings.REPORTS_PER_ADDRESS_PER_HOUR
        ):
            raise ReportRefused("Too many reports from your address in the last hour. Try again later.", 429)
        report = ReaderReport.objects.create(
            article=article,
            version=article.published_version,
            text=text,
            source=source,
            email=email,
            client_ip=ip,
            created_at=now,
            due_at=now + timedelta(days=settings.REPORT_TRIAGE_DAYS),
        )
        taken = situation(article.state, {SYSTEM}, is_live=bool(article.published_version_id))
        decision = decide(Action.READER_REPORT, taken)
        record_decision(
            article,
            decision,
            None,
            now,
            version=article.published_version,
            ip=ip,
            comment=f"reader report {report.pk} received, triage due {report.due_at:%Y-%m-%d}",
        )
        notify(
            kind="reader_report",
            recipients=list(active_members(EDITOR)),
            article=article,
            facts={"title": article.published_version.title, "due_at": report.due_at},
            url=reverse("articles:reader_report", args=[report.pk]),
            key=f"reader_report:{report.pk}",
            now=now,
        )
    return report


def _decide(actor, report_id, state, note, now, ip):
    roles = roles_of(actor)
    if not may_triage_reader_reports(roles):
        raise TransitionNotAllowed("Only editors and publishers answer readers' reports.")
    action = Action.REPORT_ACCEPTED if state == ReaderReport.ACCEPTED else Action.REPORT_DECLINED
    with transaction.atomic():
        report = ReaderReport.objects.select_for_update().get(pk=report_id)
        article = Article.objects.select_for_update(of=("self",)).get(pk=report.article_id)
        if report.state != ReaderReport.OPEN:
            raise TransitionNotAllowed(f"This report was {report.get_state_display().lower()} already.")
        decision = decide(action, situation(article.state, roles, has_reason=bool(note)))
        report.state, report.decided_by, report.decided_at, report.decision_note = state, actor, now, note
        report.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        verb = "accepted" if state == ReaderReport.ACCEPTED else "declined"
        record_decision(
            article,
            decision,
            actor,
            now,
            version=article.working_version,
            ip=ip,
            comment=f"reader report {report.pk} {verb}" + (f": {note[:500]}" if note else ""),
        )
        if report.email:
            transaction.on_commit(lambda: _tell_reader(report))
    return report


def report_accept(*, actor, report_id, note="", ip=None, now=None):
    """An editor accepts a report: the next version saved of the article is linked to it
    as its correction and goes through review as usual."""
    return _decide(actor, report_id, ReaderReport.ACCEPTED, (note or "").strip()[:2000], now or timezone.now(), ip)


def report_decline(*, actor, report_id, reason, ip=None, now=None):
    """An editor declines a report, with the reason the reader is told."""
    reason = (reason or "").strip()
    if not reason:
        raise TransitionNotAllowed("Give the reason for declining; the reader is told it.")
    return _decide(actor, report_id, ReaderReport.DECLINED, reason[:2000], now or timezone.now(), ip)


def link_correction(article, version):
    """Called when a version is saved: it is the correction of every accepted report
    still waiting for one."""
    ReaderReport.objects.filter(article=article, state=ReaderReport.ACCEPTED, correction__isnull=True).update(
        correction=version
    )


def _tell_reader(report):
    title = report.version.title
    if report.state == ReaderReport.ACCEPTED:
        outcome = (
            "Thank you: the editors agree and are correcting the article. The correction is "
            "medically reviewed before it is published, and the page's history will list it."
        )
    else:
        outcome = (
            "Thank you for writing. The editors looked into it and made no change, because:\n\n" + report.decision_note
        )
    try:
        send_mail(f"Your report on “{title}”", outcome, None, [report.email])
    except Exception as error:  # an outage of the mail server must not undo the decision
        log.warning("outcome of reader report %s not mailed: %s", report.pk, error)
