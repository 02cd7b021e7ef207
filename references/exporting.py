"""Exporting references as RIS and CSL-JSON."""

import json

import rispy
from django.http import HttpResponse

from references.formatting import to_csl

RIS_TYPES = {
    "guideline": "GOVDOC",
    "research": "JOUR",
    "systematic_review": "JOUR",
    "textbook": "BOOK",
    "website": "ELEC",
    "other": "GEN",
}


def to_ris(references):
    entries = []
    for reference in references:
        authors = [f"{a.get('family', '')}, {a.get('given', '')}".strip(", ") for a in reference.authors]
        start, _, end = (reference.pages or "").partition("-")
        entry = {
            "type_of_reference": RIS_TYPES.get(reference.kind, "GEN"),
            "title": reference.title,
            "authors": authors or ([reference.organisation] if reference.organisation else []),
            "year": str(reference.year or ""),
            "volume": reference.volume,
            "number": reference.issue,
            "start_page": start,
            "end_page": end,
            "doi": reference.doi,
            "urls": [reference.url] if reference.url else [],
            "language": reference.language,
            "id": reference.key,
            "notes": [f"Kind: {reference.kind}"],
        }
        if reference.pmid:
            entry["accession_number"] = reference.pmid
        if reference.source:
            entry["journal_name" if reference.kind in ("research", "systematic_review") else "publisher"] = (
                reference.source
            )
        entries.append({name: value for name, value in entry.items() if value not in ("", [], None)})
    return rispy.dumps(entries)


def to_csl_json(references):
    items = []
    for reference in references:
        item = to_csl(reference)
        item["id"] = reference.key
        items.append(item)
    return json.dumps(items, indent=2, ensure_ascii=False)


def download(references, fmt, name):
    """The references as a file to save: RIS for "ris", else CSL-JSON."""
    if fmt == "ris":
        content, content_type, filename = to_ris(references), "application/x-research-info-systems", f"{name}.ris"
    else:
        content, content_type = to_csl_json(references), "application/vnd.citationstyles.csl+json"
        filename = f"{name}.json"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
