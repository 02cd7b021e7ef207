"""The notice watch: ask Crossref and PubMed whether cited sources have been retracted,
withdrawn or corrected, or are under an expression of concern.

Crossref lists a notice on the original work as an `updated-by` entry, and the notice's
own record names the work it updates in `update-to` (found with the `updates:` filter).
PubMed's summary gives the publication types ("Retracted Publication") and the
comment/correction links ("Retraction in", "Erratum in", ...). Both base URLs are
settings so tests (and mirrors) can answer. A source that answers 429 is left alone for
as long as its Retry-After says: the run waits when that is short, else stops asking it.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from references.models import Reference, SourceNotice
from references.services import reference_record_notice

log = logging.getLogger(__name__)

# Crossref's update types, and PubMed's link types, for each kind of notice.
CROSSREF_KINDS = {
    "retraction": SourceNotice.RETRACTION,
    "withdrawal": SourceNotice.WITHDRAWAL,
    "removal": SourceNotice.WITHDRAWAL,
    "correction": SourceNotice.CORRECTION,
    "corrigendum": SourceNotice.CORRECTION,
    "partial_retraction": SourceNotice.CORRECTION,
    "erratum": SourceNotice.ERRATUM,
    "expression_of_concern": SourceNotice.CONCERN,
}
PUBMED_LINKS = {
    "retraction in": SourceNotice.RETRACTION,
    "retracted and republished in": SourceNotice.RETRACTION,
    "partial retraction in": SourceNotice.CORRECTION,
    "corrected and republished in": SourceNotice.CORRECTION,
    "erratum in": SourceNotice.ERRATUM,
    "expression of concern in": SourceNotice.CONCERN,
}


class SourceUnavailable(Exception):
    """The source could not be asked; `retry_after` (seconds) when it asked us to wait."""

    def __init__(self, message, retry_after=None):
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(value, now=None):
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date); None if unreadable."""
    value = (value or "").strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0, int((when - (now or timezone.now())).total_seconds()))


def _agent():
    return "Imprimatur notice watch" + (f" (mailto:{settings.CROSSREF_MAILTO})" if settings.CROSSREF_MAILTO else "")


class Backoff:
    """When each source may be asked again in this run: a 429 with Retry-After sets it."""

    def __init__(self):
        self.resume_at = {}

    def wait_or_skip(self, service):
        """Sleep until the source may be asked when that is near, else raise SourceUnavailable."""
        remaining = self.resume_at.get(service, 0) - time.monotonic()
        if remaining <= 0:
            return
        if remaining > settings.NOTICE_RETRY_WAIT_MAX_SECONDS:
            raise SourceUnavailable(f"{service} asked us to wait {int(remaining) + 1} s more")
        time.sleep(remaining)

    def hold(self, service, seconds):
        self.resume_at[service] = time.monotonic() + seconds


def _get_json(url, service, backoff):
    """The JSON answer at `url`, None on 404. Honours 429 + Retry-After: waits and asks
    once more when the wait is short, else raises SourceUnavailable for the run."""
    for attempt in (1, 2):
        backoff.wait_or_skip(service)
        request = urllib.request.Request(url, headers={"User-Agent": _agent(), "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=settings.REFERENCE_LOOKUP_TIMEOUT) as response:
                return json.loads(response.read(5_000_000))
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            if error.code != 429:
                raise SourceUnavailable(f"{service} answered {error.code}") from None
            wait = _retry_after(error.headers.get("Retry-After"))
            wait = 60 if wait is None else wait
            backoff.hold(service, wait)
            if attempt == 2 or wait > settings.NOTICE_RETRY_WAIT_MAX_SECONDS:
                raise SourceUnavailable(f"{service} answered 429: asked to wait {wait} s", retry_after=wait) from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
            raise SourceUnavailable(f"{service} could not be reached: {error}") from None
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class FoundNotice:
    kind: str
    source: str
    identifier: str
    url: str = ""
    published_on: date | None = None


def _date_parts(value):
    try:
        parts = (value or {}).get("date-parts", [[]])[0]
        return date(*(list(parts) + [1, 1])[:3]) if parts and parts[0] else None
    except (TypeError, ValueError, AttributeError, IndexError):
        return None


def _crossref_update(update, doi_of_notice=None):
    if not isinstance(update, dict):
        return None
    kind = CROSSREF_KINDS.get(str(update.get("type", "")).lower().replace("-", "_").replace(" ", "_"))
    if kind is None:
        return None
    identifier = doi_of_notice or update.get("DOI") or update.get("label") or kind
    url = f"https://doi.org/{quote(identifier, safe='/:;()')}" if "/" in str(identifier) else ""
    return FoundNotice(kind, SourceNotice.CROSSREF, str(identifier)[:300], url, _date_parts(update.get("updated")))


def crossref_work(doi, backoff=None):
    """Crossref's record for a DOI, None when Crossref does not know it."""
    url = f"{settings.CROSSREF_API_URL}/works/{quote(doi, safe='')}"
    answer = _get_json(url, "Crossref", backoff or Backoff())
    return None if answer is None else answer.get("message") or {}


def crossref_notices(doi, backoff):
    """Every notice Crossref knows about the work: its `updated-by` entries, and the
    `update-to` entries of the notices that name it."""
    found = []
    work = crossref_work(doi, backoff)
    for update in (work or {}).get("updated-by", []) or []:
        found.append(_crossref_update(update))
    query = urlencode({"filter": f"updates:{doi}", "rows": 20})
    answer = _get_json(f"{settings.CROSSREF_API_URL}/works?{query}", "Crossref", backoff) or {}
    for item in (answer.get("message") or {}).get("items", []) or []:
        for update in item.get("update-to", []) or []:
            if isinstance(update, dict) and str(update.get("DOI", "")).lower() == doi.lower():
                found.append(_crossref_update(update, doi_of_notice=item.get("DOI")))
    return [notice for notice in found if notice is not None]


def pubmed_notices(pmid, backoff):
    """The notices PubMed links to the record: comment/correction links, and its
    publication type when it says "Retracted Publication" with no link."""
    query = {"db": "pubmed", "id": pmid, "retmode": "json", "tool": "imprimatur"}
    if settings.CROSSREF_MAILTO:
        query["email"] = settings.CROSSREF_MAILTO
    answer = _get_json(f"{settings.NCBI_EUTILS_URL}/esummary.fcgi?{urlencode(query)}", "PubMed", backoff)
    record = ((answer or {}).get("result") or {}).get(str(pmid)) or {}
    found = []
    for link in record.get("references", []) or []:
        kind = PUBMED_LINKS.get(str((link or {}).get("reftype", "")).strip().lower())
        if kind is None or not link.get("pmid"):
            continue
        notice_pmid = str(link["pmid"])
        url = f"https://pubmed.ncbi.nlm.nih.gov/{quote(notice_pmid)}/"
        found.append(FoundNotice(kind, SourceNotice.PUBMED, f"PMID {notice_pmid}", url))
    types = {str(value).lower() for value in record.get("pubtype", []) or []}
    if "retracted publication" in types and not any(n.kind == SourceNotice.RETRACTION for n in found):
        url = f"https://pubmed.ncbi.nlm.nih.gov/{quote(str(pmid))}/"
        found.append(FoundNotice(SourceNotice.RETRACTION, SourceNotice.PUBMED, f"PMID {pmid}", url))
    return found


class Checked(StrEnum):
    NO_DOI = "no_doi"  # neither a DOI nor a PubMed ID: nothing to ask
    UNAVAILABLE = "unavailable"  # a source could not be asked; try again later
    CLEAR = "clear"
    NOTICE = "notice"  # a correction, erratum or expression of concern, not a retraction
    RETRACTED = "retracted"


@dataclass(frozen=True)
class CheckOutcome:
    """What asking about one reference found; the page and the log word it."""

    result: Checked
    key: str
    detail: str = ""  # the notices found, or why a source could not be asked
    flagged: int = 0  # articles flagged for re-review
    notices: tuple = field(default_factory=tuple)  # the new SourceNotice rows


def _describe(notice):
    return f"{notice.kind.replace('_', ' ')} notice {notice.identifier}"


def check_reference(reference, now=None, actor=None, backoff=None):
    """Ask every source that knows the reference (Crossref by DOI, PubMed by PMID) and
    record each new notice. `actor` is the person who asked for the check, named on what
    it changes; None for the watch. A source that could not be asked leaves the
    reference due, but what the other one said is kept."""
    now = now or timezone.now()
    backoff = backoff or Backoff()
    if not reference.doi and not reference.pmid:
        return CheckOutcome(Checked.NO_DOI, reference.key)
    found, failures = [], []
    for identifier, ask in ((reference.doi, crossref_notices), (reference.pmid, pubmed_notices)):
        if identifier:
            try:
                found.extend(ask(identifier, backoff))
            except SourceUnavailable as error:
                failures.append(str(error))
    new, flagged = [], 0
    for item in dict.fromkeys(found):
        notice, flagged_ids = reference_record_notice(
            reference_id=reference.pk,
            kind=item.kind,
            source=item.source,
            identifier=item.identifier,
            url=item.url,
            published_on=item.published_on,
            actor=actor,
            now=now,
        )
        flagged += len(flagged_ids)
        if notice is not None:
            new.append(notice)
    if failures:
        return CheckOutcome(Checked.UNAVAILABLE, reference.key, detail="; ".join(failures), notices=tuple(new))
    Reference.objects.filter(pk=reference.pk).update(retraction_checked_at=now)
    reopening = [item for item in found if item.kind in SourceNotice.REOPENING]
    if reopening:
        detail = ", ".join(dict.fromkeys(_describe(item) for item in reopening))
        return CheckOutcome(Checked.RETRACTED, reference.key, detail=detail, flagged=flagged, notices=tuple(new))
    if new:
        detail = ", ".join(_describe(notice) for notice in new)
        return CheckOutcome(Checked.NOTICE, reference.key, detail=detail, notices=tuple(new))
    return CheckOutcome(Checked.CLEAR, reference.key)


def due_for_check(now):
    """Cited references with a DOI or PubMed ID, not known retracted, not checked recently."""
    since = now - timedelta(hours=settings.RETRACTION_CHECK_HOURS)
    cited = Q(citations__version__article__working_version=F("citations__version")) | Q(
        citations__version__article__published_version=F("citations__version")
    )
    return (
        Reference.objects.filter(cited, retracted=False)
        .exclude(doi="", pmid="")
        .filter(Q(retraction_checked_at__isnull=True) | Q(retraction_checked_at__lt=since))
        .distinct()
        .order_by(F("retraction_checked_at").asc(nulls_first=True), "pk")
    )


def check_cited_references(now=None, limit=500):
    """Check every due reference (at most `limit` a run); returns {"checked", "retracted",
    "notices", "failed"}: counts, and the keys of references newly retracted or noticed."""
    now = now or timezone.now()
    summary = {"checked": 0, "retracted": [], "notices": [], "failed": 0}
    backoff = Backoff()
    for reference in due_for_check(now)[:limit]:
        outcome = check_reference(reference, now=now, backoff=backoff)
        if outcome.result == Checked.UNAVAILABLE:
            summary["failed"] += 1
            log.warning("@%s was not checked: %s.", outcome.key, outcome.detail)
            continue
        summary["checked"] += 1
        if outcome.result == Checked.RETRACTED:
            summary["retracted"].append(reference.key)
        elif outcome.result == Checked.NOTICE:
            summary["notices"].append(reference.key)
    return summary
