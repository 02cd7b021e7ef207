"""Formatting references with CSL (citeproc-py), AMA by default, NLM/Vancouver optional.

citeproc-py's known flaws are handled here: field values are HTML-escaped before
formatting (its HTML output does not escape them) and the result is sanitised; the
entry's own leading number is removed (the page numbers the list itself).
"""

import html
import re
from functools import lru_cache
from pathlib import Path

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from core.html import sanitise
from references.kinds import CSL_TYPES

STYLES = {
    "ama": Path(__file__).with_name("csl") / "american-medical-association.csl",
    "vancouver": Path(__file__).with_name("csl") / "nlm-citation-sequence.csl",
}
STYLE_NAMES = {"ama": "AMA", "vancouver": "Vancouver (NLM)"}
LEADING_NUMBER = re.compile(r"^\s*\d+\.\s*")


@lru_cache(maxsize=None)
def _style(name):
    return CitationStylesStyle(str(STYLES[name]), validate=False)


def _escaped(value):
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return value


def to_csl(reference):
    """CSL-JSON for a reference-like object (model or snapshot namespace)."""
    item = {"id": "item", "type": CSL_TYPES.get(reference.kind, "document"), "title": reference.title}
    if reference.authors:
        item["author"] = [{"family": a.get("family", ""), "given": a.get("given", "")} for a in reference.authors]
    elif reference.organisation:
        item["author"] = [{"literal": reference.organisation}]
    if reference.source:
        item["publisher" if reference.kind in ("textbook", "guideline", "website", "other") else "container-title"] = (
            reference.source
        )
    if reference.year:
        item["issued"] = {"date-parts": [[int(reference.year)]]}
    for field, csl_name in (
        ("volume", "volume"),
        ("issue", "issue"),
        ("pages", "page"),
        ("url", "URL"),
        ("language", "language"),
    ):
        value = getattr(reference, field, "")
        if value:
            item[csl_name] = value
    if reference.doi:
        item["DOI"] = reference.doi
    if reference.pmid:
        item["PMID"] = reference.pmid
    if reference.accessed:
        accessed = reference.accessed
        item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    return item


def nlm_pages(pages):
    """NLM's minimal page range: 101-109 -> 101-9, 1-12 -> 1-12, 55-70 -> 55-70."""
    match = re.fullmatch(r"\s*(\d+)\s*[-–—]+\s*(\d+)\s*", pages or "")
    if not match:
        return pages
    start, end = match.groups()
    if len(start) == len(end):
        common = 0
        while common < len(end) - 1 and start[common] == end[common]:
            common += 1
        end = end[common:]
    return f"{start}-{end}"


def format_reference(reference, style="ama"):
    """One bibliography entry as safe HTML, without its number."""
    item = to_csl(reference)
    if style == "vancouver" and "page" in item:
        item["page"] = nlm_pages(item["page"])
    source = CiteProcJSON([_escaped(item)])
    bibliography = CitationStylesBibliography(_style(style), source, formatter.html)
    bibliography.register(Citation([CitationItem("item")]))
    entry = str(bibliography.bibliography()[0])
    # citeproc-py joins the number straight onto the text ("1.Smith"); the list numbers itself.
    return sanitise(LEADING_NUMBER.sub("", entry).strip())


def entries(reference, stored=True):
    """{style: entry} of a reference: the ones stored with it, or, for one imported a
    moment ago whose entries the background task has not made yet, made now."""
    if stored and reference.formatted:
        return reference.formatted
    return {style: format_reference(reference, style) for style in STYLES}
