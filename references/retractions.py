"""Retraction watch: ask Crossref whether cited DOIs have been retracted.

Crossref lists a retraction notice on the original work as an `updated-by` entry
of type "retraction". The base URL is a setting so tests (and mirrors) can serve
recorded responses.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from references import lookup
from references.models import Reference
from references.services import reference_mark_retracted

log = logging.getLogger(__name__)


class CrossrefUnavailable(Exception):
    pass


def crossref_work(doi):
    """Crossref's record for a DOI, None when Crossref does not know it."""
    try:
        return lookup.crossref_work(doi)
    except lookup.NotFound:
        return None
    except lookup.LookupFailed as error:
        raise CrossrefUnavailable(error.message) from None


def retraction_notice(work):
    """A description of the retraction notice in a Crossref work, or None."""
    for update in (work or {}).get("updated-by", []) or []:
        if isinstance(update, dict) and str(update.get("type", "")).lower() == "retraction":
            notice = update.get("DOI") or update.get("label") or "retraction"
            return f"retraction notice {notice}"
    return None


class Checked(StrEnum):
    NO_DOI = "no_doi"
    UNAVAILABLE = "unavailable"  # the source could not be asked; try again later
    CLEAR = "clear"
    RETRACTED = "retracted"


@dataclass(frozen=True)
class CheckOutcome:
    """What asking about one reference found; the page and the log word it."""

    result: Checked
    key: str
    detail: str = ""  # the retraction notice, or why the source could not be asked
    flagged: int = 0  # articles flagged for re-review


def check_reference(reference, now=None, actor=None):
    """Check one reference; returns a CheckOutcome. `actor` is the person who asked for
    the check, named on what it changes; None for the watch."""
    now = now or timezone.now()
    if not reference.doi:
        return CheckOutcome(Checked.NO_DOI, reference.key)
    try:
        work = crossref_work(reference.doi)
    except CrossrefUnavailable as error:
        return CheckOutcome(Checked.UNAVAILABLE, reference.key, detail=str(error))
    notice = retraction_notice(work)
    if notice is None:
        Reference.objects.filter(pk=reference.pk).update(retraction_checked_at=now)
        return CheckOutcome(Checked.CLEAR, reference.key)
    flagged = reference_mark_retracted(reference_id=reference.pk, notice=notice, actor=actor, now=now)
    return CheckOutcome(Checked.RETRACTED, reference.key, detail=notice, flagged=len(flagged))


def due_for_check(now):
    """Cited references with a DOI, not known retracted, not checked recently."""
    since = now - timedelta(hours=settings.RETRACTION_CHECK_HOURS)
    cited = Q(citations__version__article__working_version=F("citations__version")) | Q(
        citations__version__article__published_version=F("citations__version")
    )
    return (
        Reference.objects.filter(cited, retracted=False)
        .exclude(doi="")
        .filter(Q(retraction_checked_at__isnull=True) | Q(retraction_checked_at__lt=since))
        .distinct()
        .order_by(F("retraction_checked_at").asc(nulls_first=True), "pk")
    )


def check_cited_references(now=None, limit=500):
    """Check every due reference (at most `limit` a run); returns {"checked", "retracted", "failed"}."""
    now = now or timezone.now()
    summary = {"checked": 0, "retracted": [], "failed": 0}
    for reference in due_for_check(now)[:limit]:
        outcome = check_reference(reference, now=now)
        if outcome.result == Checked.UNAVAILABLE:
            summary["failed"] += 1
            log.warning("@%s was not checked: %s.", outcome.key, outcome.detail)
            continue
        summary["checked"] += 1
        if outcome.result == Checked.RETRACTED:
            summary["retracted"].append(reference.key)
    return summary
