"""Reading reference files (RIS, BibTeX, CSL-JSON, PubMed MEDLINE) into one record
shape. Pure: no database. Each record carries where it was found in the file, and a
record that cannot be used carries the reason instead of fields."""

import datetime
import json
import re
from dataclasses import dataclass, field

import bibtexparser
import nbib
import rispy
from bibtexparser import middlewares
from pylatexenc.latex2text import LatexNodes2Text

from core.errors import DomainError
from references.kinds import KINDS
from references.normalize import InvalidIdentifier, normalize_doi, normalize_pmid, normalize_title

MAX_BYTES = 2 * 1024 * 1024
MAX_RECORDS = 5000
FORMATS = {"ris": "RIS", "bibtex": "BibTeX", "csl-json": "CSL-JSON", "pubmed": "PubMed (MEDLINE .nbib)"}


class FileRejected(DomainError):
    """The whole file is unusable; nothing from it is stored."""


@dataclass
class Record:
    location: str
    fields: dict = field(default_factory=dict)
    error: str = ""
    suggested_key: str = ""
    identifier: str = ""  # a rejected record's DOI or PMID, to add it by looking that up


# ---------------------------------------------------------------- bytes to text


def decode(data):
    """The file's text, or FileRejected for empty, huge, binary or non-UTF-8 files."""
    if not data or not data.strip():
        raise FileRejected("The file is empty.")
    if len(data) > MAX_BYTES:
        raise FileRejected(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller files.")
    if b"\x00" in data:
        raise FileRejected("The file is binary, not a text reference file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRejected(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read). Save it as UTF-8 and try again."
        ) from None


def detect_format(text, filename=""):
    name = filename.lower()
    for suffix, fmt in (
        (".ris", "ris"),
        (".bib", "bibtex"),
        (".json", "csl-json"),
        (".nbib", "pubmed"),
        (".medline", "pubmed"),
    ):
        if name.endswith(suffix):
            return fmt
    head = text.lstrip()[:2000]
    if head.startswith("[") or head.startswith("{"):
        return "csl-json"
    if head.startswith("@"):
        return "bibtex"
    if re.search(r"^TY  - ", head, re.MULTILINE):
        return "ris"
    if re.search(r"^PMID- ", head, re.MULTILINE):
        return "pubmed"
    raise FileRejected("The format could not be recognised; choose RIS, BibTeX, CSL-JSON or PubMed.")


# ---------------------------------------------------------------- shared field handling


def _year(value):
    match = re.search(r"\b(1[5-9]\d\d|20\d\d|2100)\b", str(value or ""))
    return int(match.group(1)) if match else None


def _person(text):
    """'Okafor, Adaeze N.' -> {"family": "Okafor", "given": "Adaeze N."}."""
    family, _, given = str(text).partition(",")
    return {"family": family.strip(), "given": given.strip()}


def _kind_from_note(notes):
    for note in notes or []:
        match = re.search(r"kind:\s*([a-z_ ]+)", str(note), re.IGNORECASE)
        if match and match.group(1).strip().lower().replace(" ", "_") in KINDS:
            return match.group(1).strip().lower().replace(" ", "_")
    return None


def _refine_kind(kind, title):
    if kind == "research" and "systematic review" in (title or "").lower():
        return "systematic_review"
    return kind


def _date(value):
    match = re.search(r"(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def finish(location, fields, suggested_key=""):
    """Validate and normalise one record's fields into a Record."""
    fields = {name: value for name, value in fields.items() if value not in (None, "", [])}
    fields.setdefault("kind", "other")
    title = " ".join(str(fields.get("title", "")).split())
    if not title:
        return Record(location, error="it has no title")
    # PubMed ends titles with a full stop; the styles add their own.
    fields["title"] = title[:-1] if title.endswith(".") and not title.endswith("...") else title
    try:
        fields["doi"] = normalize_doi(fields.get("doi", ""))
        fields["pmid"] = normalize_pmid(fields.get("pmid", ""))
    except InvalidIdentifier as error:
        return Record(location, error=str(error))
    if not fields.get("authors") and not fields.get("organisation"):
        return Record(location, error="it names no author or organisation")
    fields["title_key"] = normalize_title(fields["title"])
    for text_field in ("source", "volume", "issue", "pages", "url", "language", "organisation"):
        if text_field in fields:
            fields[text_field] = " ".join(str(fields[text_field]).split())
    if fields.get("url") and not re.match(r"^https?://", fields["url"]):
        return Record(location, error=f"its URL “{fields['url']}” does not start with http:// or https://")
    return Record(location, fields=fields, suggested_key=suggested_key)


def _line_numbers(text, pattern):
    return [index + 1 for index, line in enumerate(text.splitlines()) if re.match(pattern, line)]


def _where(index, lines):
    line = lines[index] if index < len(lines) else None
    return f"record {index + 1}" + (f" (line {line})" if line else "")


def _checked_count(items):
    if len(items) > MAX_RECORDS:
        raise FileRejected(f"The file holds {len(items)} records; at most {MAX_RECORDS} can be imported at once.")
    if not items:
        raise FileRejected("The file holds no references.")
    return items


# ---------------------------------------------------------------- RIS

RIS_KINDS = {
    "JOUR": "research",
    "JFULL": "research",
    "BOOK": "textbook",
    "CHAP": "textbook",
    "ELEC": "website",
    "WEB": "website",
    "RPRT": "other",
    "GOVDOC": "guideline",
    "STAND": "guideline",
}


def parse_ris(text):

    if not re.search(r"^TY  - ", text, re.MULTILINE):
        raise FileRejected("This is not a RIS file: no record starts with “TY  - ”.")
    try:
        entries = rispy.loads(text, skip_unknown_tags=True)
    except Exception as error:  # rispy raises plain IOError/ValueError/KeyError on bad structure
        raise FileRejected(f"The RIS file could not be read: {error}") from None
    lines = _line_numbers(text, r"^TY  - ")
    records = []
    for index, entry in enumerate(_checked_count(entries)):
        authors = entry.get("authors") or entry.get("first_authors") or []
        organisation = ""
        if len(authors) == 1 and "," not in authors[0]:
            organisation, authors = authors[0], []
        pages = "-".join(p for p in (entry.get("start_page"), entry.get("end_page")) if p)
        accession = str(entry.get("accession_number", ""))
        kind = _kind_from_note(entry.get("notes")) or RIS_KINDS.get(entry.get("type_of_reference", ""), "other")
        records.append(
            finish(
                _where(index, lines),
                {
                    "kind": _refine_kind(kind, entry.get("title") or entry.get("primary_title")),
                    "title": entry.get("title") or entry.get("primary_title"),
                    "authors": [_person(a) for a in authors],
                    "organisation": organisation,
                    "source": entry.get("alternate_title2")
                    or entry.get("journal_name")
                    or entry.get("secondary_title")
                    or entry.get("publisher"),
                    "year": _year(entry.get("year") or entry.get("publication_year") or entry.get("date")),
                    "volume": entry.get("volume"),
                    "issue": entry.get("number"),
                    "pages": pages,
                    "doi": entry.get("doi"),
                    "pmid": accession if accession.isdigit() else "",
                    "url": (entry.get("urls") or [""])[0],
                    "language": entry.get("language"),
                    "accessed": _date(entry.get("access_date")),
                },
                suggested_key=str(entry.get("id") or ""),
            )
        )
    return records


# ---------------------------------------------------------------- BibTeX

BIB_KINDS = {
    "article": "research",
    "book": "textbook",
    "inbook": "textbook",
    "incollection": "textbook",
    "techreport": "other",
    "manual": "guideline",
    "online": "website",
    "misc": "other",
}


def _decode_latex(text):

    return LatexNodes2Text().latex_to_text(text).strip()


def _bib_names(names):
    people, organisation = [], ""
    for name in names:
        last = " ".join(name.last)
        if not name.first and not name.von and last.startswith("{") and last.endswith("}"):
            organisation = _decode_latex(last[1:-1])  # {{Body Name}} is an organisation
            continue
        people.append(
            {
                "family": _decode_latex(" ".join([*name.von, *name.last, *name.jr])),
                "given": _decode_latex(" ".join(name.first)),
            }
        )
    return people, organisation


def parse_bibtex(text):

    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[
                middlewares.SeparateCoAuthors(),
                middlewares.SplitNameParts(),
                middlewares.LatexDecodingMiddleware(),
            ],
        )
    except Exception as error:
        raise FileRejected(f"The BibTeX file could not be read: {error}") from None
    records = []
    for block in library.failed_blocks:
        records.append(
            Record(f"line {block.start_line + 1}", error=f"it is not a valid BibTeX entry ({type(block).__name__})")
        )
    _checked_count([*library.entries, *library.failed_blocks])
    for index, entry in enumerate(library.entries):
        values = {f.key.lower(): f.value for f in entry.fields}
        people, organisation = _bib_names(values.get("author", []) or [])
        url = values.get("url") or values.get("howpublished", "")
        url = re.sub(r"^\\url\{(.*)\}$", r"\1", str(url)).strip()
        kind = _kind_from_note([values.get("note"), values.get("keywords")]) or BIB_KINDS.get(
            entry.entry_type.lower(), "other"
        )
        if kind == "other" and url and not values.get("publisher"):
            kind = "website"
        location = f"entry {index + 1} “{entry.key}” (line {entry.start_line + 1})"
        records.append(
            finish(
                location,
                {
                    "kind": _refine_kind(kind, values.get("title")),
                    "title": values.get("title"),
                    "authors": people,
                    "organisation": organisation,
                    "source": values.get("journal") or values.get("publisher") or values.get("booktitle"),
                    "year": _year(values.get("year")),
                    "volume": values.get("volume"),
                    "issue": values.get("number"),
                    "pages": str(values.get("pages", "")).replace("–", "-").replace("--", "-"),
                    "doi": values.get("doi"),
                    "pmid": values.get("pmid"),
                    "url": url if url.startswith("http") else "",
                    "language": values.get("language"),
                    "accessed": _date(values.get("urldate") or values.get("note")),
                },
                suggested_key=entry.key,
            )
        )
    return records


# ---------------------------------------------------------------- CSL-JSON

CSL_KINDS = {
    "article-journal": "research",
    "article": "research",
    "book": "textbook",
    "chapter": "textbook",
    "report": "other",
    "webpage": "website",
    "post-weblog": "website",
    "legislation": "guideline",
}


def _csl_date(value):
    parts = (value or {}).get("date-parts") if isinstance(value, dict) else None
    return parts[0] if parts and isinstance(parts[0], list) and parts[0] else []


def parse_csl_json(text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileRejected(f"The CSL-JSON file is not valid JSON: {error.msg} at line {error.lineno}.") from None
    items = data if isinstance(data, list) else [data]
    records = []
    for index, item in enumerate(_checked_count(items)):
        location = f"item {index + 1}"
        if not isinstance(item, dict):
            records.append(Record(location, error="it is not a JSON object"))
            continue
        location += f" “{item.get('id')}”" if item.get("id") else ""
        names = item.get("author") if isinstance(item.get("author"), list) else []
        people = [
            {"family": str(n.get("family", "")), "given": str(n.get("given", ""))}
            for n in names
            if isinstance(n, dict) and n.get("family")
        ]
        literal = [str(n["literal"]) for n in names if isinstance(n, dict) and n.get("literal")]
        issued, accessed = _csl_date(item.get("issued")), _csl_date(item.get("accessed"))
        try:
            accessed_date = datetime.date(*[int(p) for p in accessed[:3]]) if len(accessed) >= 3 else None
        except (TypeError, ValueError):
            accessed_date = None
        kind = _kind_from_note([item.get("note")]) or CSL_KINDS.get(str(item.get("type", "")), "other")
        records.append(
            finish(
                location,
                {
                    "kind": _refine_kind(kind, item.get("title")),
                    "title": item.get("title"),
                    "authors": people,
                    "organisation": literal[0] if literal else "",
                    "source": item.get("container-title-short") or item.get("container-title") or item.get("publisher"),
                    "year": _year(issued[0] if issued else ""),
                    "volume": item.get("volume"),
                    "issue": item.get("issue"),
                    "pages": item.get("page"),
                    "doi": item.get("DOI"),
                    "pmid": item.get("PMID"),
                    "url": item.get("URL"),
                    "language": item.get("language"),
                    "accessed": accessed_date,
                },
                suggested_key=str(item.get("id", "")),
            )
        )
    return records


# ---------------------------------------------------------------- PubMed MEDLINE

PUBMED_KINDS = [
    ("Retracted Publication", None),
    ("Practice Guideline", "guideline"),
    ("Guideline", "guideline"),
    ("Systematic Review", "systematic_review"),
    ("Meta-Analysis", "systematic_review"),
]


def parse_pubmed(text):

    if not re.search(r"^PMID- ", text, re.MULTILINE):
        raise FileRejected("This is not a PubMed MEDLINE file: no record starts with “PMID- ”.")
    try:
        entries = nbib.read(text)
    except Exception as error:
        raise FileRejected(f"The PubMed file could not be read: {error}") from None
    lines = _line_numbers(text, r"^PMID- ")
    records = []
    for index, entry in enumerate(_checked_count(entries)):
        types = entry.get("publication_types", [])
        kind = next((k for name, k in PUBMED_KINDS if name in types and k), "research")
        records.append(
            finish(
                _where(index, lines),
                {
                    "kind": kind,
                    "title": entry.get("title"),
                    "authors": [
                        {"family": a.get("last_name", ""), "given": a.get("first_name", "")}
                        for a in entry.get("authors", [])
                        if a.get("last_name")
                    ],
                    "source": entry.get("journal_abbreviated") or entry.get("journal"),
                    "year": _year(entry.get("publication_date")),
                    "volume": entry.get("journal_volume"),
                    "issue": entry.get("journal_issue"),
                    "pages": entry.get("pages"),
                    "doi": entry.get("doi"),
                    "pmid": entry.get("pubmed_id"),
                    "language": entry.get("language"),
                    "retracted": "Retracted Publication" in types,
                },
            )
        )
    return records


PARSERS = {"ris": parse_ris, "bibtex": parse_bibtex, "csl-json": parse_csl_json, "pubmed": parse_pubmed}


def parse(data, fmt=None, filename=""):
    """Records from a file's bytes; FileRejected when the file as a whole is unusable."""
    text = decode(data)
    fmt = fmt or detect_format(text, filename)
    if fmt not in PARSERS:
        raise FileRejected(f"Unknown format “{fmt}”; choose one of: {', '.join(FORMATS)}.")
    return fmt, PARSERS[fmt](text)
