"""Looking a reference up by identifier: a DOI at Crossref's works API, a PubMed ID at
NCBI's E-utilities (efetch, as MEDLINE text). Both base URLs are settings, so tests and
mirrors serve the answers. The answers go through the importers' own record checks."""

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlencode

from django.conf import settings

from core.errors import DomainError
from references import parsing
from references.models import Reference
from references.normalize import InvalidIdentifier, normalize_doi, normalize_pmid
from references.services import find_duplicate

MAX_ANSWER_BYTES = 5_000_000
PUBMED_ADDRESS = re.compile(
    r"^https?://(?:pubmed\.ncbi\.nlm\.nih\.gov|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed)/(\d{1,9})/?(?:[?#].*)?$", re.I
)
DOI_ADDRESS = re.compile(r"^https?://(?:dx\.)?doi\.org/(.+)$", re.I)


class LookupFailed(DomainError):
    """The identifier could not be turned into a reference; `status` is the page's."""

    status = 502


class NotAnIdentifier(LookupFailed):
    status = 400


class NotFound(LookupFailed):
    status = 404


class ServiceTimeout(LookupFailed):
    status = 504


class UnusableRecord(LookupFailed):
    status = 422


@dataclass(frozen=True)
class Identifier:
    kind: str  # "doi" or "pmid"
    value: str

    @property
    def label(self):
        return "DOI" if self.kind == "doi" else "PubMed ID"

    @property
    def service(self):
        return "Crossref" if self.kind == "doi" else "PubMed"


def parse_identifier(text):
    """A DOI, DOI address (https://doi.org/…), PMID or PubMed address as an Identifier;
    NotAnIdentifier for anything else."""
    raw = " ".join(str(text or "").split())
    if not raw:
        raise NotAnIdentifier("Type a DOI (10.1234/abc or its https://doi.org/ address) or a PubMed ID.")
    address = PUBMED_ADDRESS.match(raw)
    if address:
        return Identifier("pmid", str(int(address.group(1))))
    doi_address = DOI_ADDRESS.match(raw)
    candidate = unquote(doi_address.group(1)) if doi_address else raw
    try:
        if re.match(r"^(?:pmid:?\s*)?\d+$", candidate, re.I):
            return Identifier("pmid", normalize_pmid(candidate))
        return Identifier("doi", normalize_doi(candidate))
    except InvalidIdentifier:
        raise NotAnIdentifier(
            f"“{raw[:200]}” is not a DOI (10.1234/abc, or its https://doi.org/ address), a PubMed ID (a number)"
            " or a PubMed address (https://pubmed.ncbi.nlm.nih.gov/…)."
        ) from None


def fetch(url, *, service, what, accept):
    """The body of a GET, or LookupFailed saying what went wrong in words: NotFound for
    a 404, ServiceTimeout, or LookupFailed for other answers and unreachable hosts."""
    agent = "Imprimatur reference desk" + (f" (mailto:{settings.CROSSREF_MAILTO})" if settings.CROSSREF_MAILTO else "")
    request = urllib.request.Request(url, headers={"User-Agent": agent, "Accept": accept})
    timeout = settings.REFERENCE_LOOKUP_TIMEOUT
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(MAX_ANSWER_BYTES)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise NotFound(f"{service} has no record of {what}.") from None
        raise LookupFailed(
            f"{service} answered with an error ({error.code}) about {what}; try again in a few minutes."
        ) from None
    except TimeoutError:
        raise ServiceTimeout(f"{service} did not answer within {timeout:g} seconds; try again later.") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise ServiceTimeout(f"{service} did not answer within {timeout:g} seconds; try again later.") from None
        raise LookupFailed(f"{service} could not be reached ({error.reason}); try again later.") from None
    except OSError as error:
        raise LookupFailed(f"{service} could not be reached ({error}); try again later.") from None


def crossref_work(doi):
    """Crossref's work for a DOI (the API's `message`)."""
    body = fetch(
        f"{settings.CROSSREF_API_URL}/works/{quote(doi, safe='')}",
        service="Crossref",
        what=f"DOI {doi}",
        accept="application/json",
    )
    try:
        work = json.loads(body).get("message")
    except (ValueError, AttributeError):
        work = None
    if not isinstance(work, dict):
        raise LookupFailed(f"Crossref's answer about DOI {doi} could not be read; try again later.")
    return work


def pubmed_medline(pmid):
    """PubMed's record for a PMID as MEDLINE text (efetch)."""
    query = urlencode({"db": "pubmed", "id": pmid, "rettype": "medline", "retmode": "text"})
    body = fetch(
        f"{settings.NCBI_EUTILS_URL}/efetch.fcgi?{query}", service="PubMed", what=f"PMID {pmid}", accept="text/plain"
    )
    text = body.decode("utf-8", errors="replace")
    if not re.search(r"^PMID- ", text, re.MULTILINE):
        # efetch answers an unknown PMID with 200 and no record (or an error line).
        raise NotFound(f"PubMed has no record of PMID {pmid}.")
    return text


def look_up(identifier):
    """The reference fields for an Identifier, checked like an imported record.
    LookupFailed (or a subclass) when it cannot be fetched or its record is unusable."""
    if identifier.kind == "doi":
        record = parsing.csl_record(f"Crossref's record for DOI {identifier.value}", crossref_work(identifier.value))
    else:
        try:
            records = parsing.parse_pubmed(pubmed_medline(identifier.value))
        except parsing.FileRejected:
            records = []
        record = next(
            (r for r in records if r.error or r.fields.get("pmid") == identifier.value),
            None,
        )
        if record is None:
            raise LookupFailed(f"PubMed's answer about PMID {identifier.value} could not be read; try again later.")
        record.location = f"PubMed's record for PMID {identifier.value}"
    if record.error:
        raise UnusableRecord(f"{record.location} cannot be used: {record.error}. Add it with the full form instead.")
    return record.fields


@dataclass(frozen=True)
class Found:
    """What a lookup found: the fields to confirm, or the reference already stored."""

    identifier: Identifier
    fields: dict | None = None
    existing: Reference | None = None
    why: str = ""


def find_by_identifier(text):
    """Look up what was typed. A DOI or PMID already in the library is named without
    asking the service; an answer that duplicates a stored reference (same title and
    year, or the other identifier) is named too. LookupFailed when nothing usable is found."""
    identifier = parse_identifier(text)
    stored = Reference.objects.filter(**{identifier.kind: identifier.value}).first()
    if stored:
        return Found(identifier, existing=stored, why=f"same {identifier.label}")
    fields = look_up(identifier)
    existing, why = find_duplicate(fields)
    return Found(identifier, fields=fields, existing=existing, why=why)
