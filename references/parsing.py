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
from references.citations import KEY
from references.kinds import KINDS
from references.normalize import InvalidIdentifier, normalize_doi, normalize_pmid, normalize_title

MAX_BYTES = 2 * 1024 * 1024
MAX_RECORDS = 5000
MAX_KEY_LENGTH = 80  # Reference.key
USABLE_KEY = re.compile(rf"^{KEY}$")
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


def usable_key(text):
    """The file's key when it can be cited as [@key]: not an item URI such as Zotero's
    http://zotero.org/users/1/items/ABCD1234, and short enough to store; else ''."""
    text = str(text or "").strip()
    if len(text) > MAX_KEY_LENGTH or not USABLE_KEY.match(text) or re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        return ""
    return text


def _first(value):
    """The first of a list (Crossref and some CSL writers give titles as lists), or the value."""
    if isinstance(value, list):
        return next((item for item in value if item not in (None, "")), "")
    return value


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
    match = re.search(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", str(value or ""))
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _identifier(fields):
    """(what it is, value) for the record's DOI or PubMed ID when valid, to look it up."""
    for name, label, normalise in (("doi", "DOI", normalize_doi), ("pmid", "PubMed ID", normalize_pmid)):
        try:
            value = normalise(fields.get(name, ""))
        except InvalidIdentifier:
            continue
        if value:
            return label, value
    return "", ""


WEB_KINDS = ("website", "guideline", "other")


def finish(location, fields, suggested_key=""):
    """Validate and normalise one record's fields into a Record. Every format hands its
    fields here; `publisher` (a web page's site or a report's body) names the
    organisation of a record that names no author."""
    fields = {name: value for name, value in fields.items() if value not in (None, "", [])}
    fields.setdefault("kind", "other")
    publisher = fields.pop("publisher", "")
    title = " ".join(str(_first(fields.get("title", ""))).split())
    if not title:
        label, identifier = _identifier(fields)
        if identifier:
            return Record(location, error=f"it has no title (its {label} is {identifier})", identifier=identifier)
        return Record(location, error="it has no title")
    # PubMed ends titles with a full stop; the styles add their own.
    fields["title"] = title[:-1] if title.endswith(".") and not title.endswith("...") else title
    try:
        fields["doi"] = normalize_doi(fields.get("doi", ""))
        fields["pmid"] = normalize_pmid(fields.get("pmid", ""))
    except InvalidIdentifier as error:
        return Record(location, error=str(error))
    if not fields.get("authors") and not fields.get("organisation"):
        if not (publisher and fields["kind"] in WEB_KINDS):
            return Record(location, error="it names no author or organisation")
        fields["organisation"] = str(publisher)
    fields["title_key"] = normalize_title(fields["title"])
    for text_field in ("source", "volume", "issue", "pages", "url", "language", "organisation"):
        if text_field in fields:
            fields[text_field] = " ".join(str(fields[text_field]).split())
    if fields.get("url") and not re.match(r"^https?://", fields["url"]):
        return Record(location, error=f"its URL “{fields['url']}” does not start with http:// or https://")
    return Record(location, fields=fields, suggested_key=usable_key(suggested_key))


def _line_numbers(text, pattern):
    starts = re.compile(pattern)  # once: re.match(pattern, ...) per line looked it up 100,000 times a file
    return [index + 1 for index, line in enumerate(text.splitlines()) if starts.match(line)]


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


# Tags rispy does not know that carry a title: EndNote's CT (caption/title) and BT (book title).
RIS_MAPPING = {**rispy.TAG_KEY_MAPPING, "CT": "caption_title", "BT": "book_title"}
RIS_TITLES = ("title", "primary_title", "caption_title", "book_title", "short_title")
# Abbreviated journal names first (what the styles print), then full names, then the publisher.
RIS_SOURCES = ("alternate_title2", "alternate_title1", "journal_name", "alternate_title3", "secondary_title")


def _ris_people(entry):
    """People and an organisation: a lone author without a given name ('World Health
    Organization' or EndNote's 'World Health Organization,') is an organisation."""
    authors = [str(a) for a in (entry.get("authors") or entry.get("first_authors") or []) if str(a).strip()]
    if len(authors) == 1 and not authors[0].partition(",")[2].strip():
        return [], authors[0].strip().rstrip(",").strip()
    return [_person(a) for a in authors], ""


def _ris_pmid(entry):
    accession = str(entry.get("accession_number", "")).strip()
    if accession.isdigit():
        return accession
    for note in [*(entry.get("notes") or []), entry.get("note")]:
        match = re.search(r"\bPMID:?\s*(\d+)", str(note or ""))
        if match:
            return match.group(1)
    return ""


def _ris_doi(entry):
    if entry.get("doi"):
        return entry["doi"]
    return next((url for url in entry.get("urls") or [] if re.match(r"^https?://(dx\.)?doi\.org/", url)), "")


def parse_ris(text):
    if not re.search(r"^TY  - ", text, re.MULTILINE):
        raise FileRejected("This is not a RIS file: no record starts with “TY  - ”.")
    try:
        entries = rispy.loads(text, mapping=RIS_MAPPING, skip_unknown_tags=True)
    except Exception as error:  # rispy raises plain IOError/ValueError/KeyError on bad structure
        raise FileRejected(f"The RIS file could not be read: {error}") from None
    lines = _line_numbers(text, r"^TY  - ")
    records = []
    for index, entry in enumerate(_checked_count(entries)):
        people, organisation = _ris_people(entry)
        title = next((entry[name] for name in RIS_TITLES if entry.get(name)), "")
        pages = "-".join(p for p in (entry.get("start_page"), entry.get("end_page")) if p)
        kind = _kind_from_note(entry.get("notes")) or RIS_KINDS.get(entry.get("type_of_reference", ""), "other")
        records.append(
            finish(
                _where(index, lines),
                {
                    "kind": _refine_kind(kind, title),
                    "title": title,
                    "authors": people,
                    "organisation": organisation,
                    "source": next((entry[name] for name in RIS_SOURCES if entry.get(name)), "")
                    or entry.get("publisher"),
                    "publisher": entry.get("publisher") or entry.get("secondary_title"),
                    "year": _year(entry.get("year") or entry.get("publication_year") or entry.get("date")),
                    "volume": entry.get("volume"),
                    "issue": entry.get("number"),
                    "pages": pages,
                    "doi": _ris_doi(entry),
                    "pmid": _ris_pmid(entry),
                    "url": next((url for url in entry.get("urls") or [] if url != _ris_doi(entry)), ""),
                    "language": entry.get("language"),
                    "accessed": _date(entry.get("access_date")),
                },
                # EndNote writes its record numbers as ID; they are no citation keys.
                suggested_key="" if str(entry.get("id") or "").isdigit() else str(entry.get("id") or ""),
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
    """People and an organisation from a split name list; {{Body Name}} is an
    organisation and "and others" adds nobody."""
    people, organisation = [], ""
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, middlewares.NameParts):
            continue
        last = " ".join(name.last)
        if not name.first and not name.von and last.startswith("{") and last.endswith("}"):
            organisation = organisation or _decode_latex(last[1:-1])
            continue
        if not name.first and not name.von and last.lower() == "others":
            continue
        people.append(
            {
                "family": _decode_latex(" ".join([*name.von, *name.last, *name.jr])),
                "given": _decode_latex(" ".join(name.first)),
            }
        )
    return people, organisation


def _bib_creators(values):
    """Authors, else editors (an edited book is cited by its editors); an organisation
    from braces in those lists, else the organization or institution field."""
    people, organisation = _bib_names(values.get("author"))
    if not people and not organisation:
        people, organisation = _bib_names(values.get("editor"))
    if not people and not organisation:
        organisation = values.get("organization") or values.get("institution") or ""
    return people, organisation


def _bib_pmid(values):
    if values.get("pmid"):
        return values["pmid"]
    if str(values.get("eprinttype", "")).lower() == "pubmed":  # biblatex
        return values.get("eprint")
    return ""


def parse_bibtex(text):
    try:
        library = bibtexparser.parse_string(
            text,
            append_middleware=[
                # JabRef writes Author = {...}; the name middlewares read lower-case keys only.
                middlewares.NormalizeFieldKeys(),
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
        people, organisation = _bib_creators(values)
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
                    "source": values.get("journal")
                    or values.get("journaltitle")
                    or values.get("publisher")
                    or values.get("booktitle"),
                    "publisher": values.get("publisher") or values.get("organization") or values.get("institution"),
                    "year": _year(values.get("year") or values.get("date")),
                    "volume": values.get("volume"),
                    "issue": values.get("number"),
                    "pages": str(values.get("pages", "")).replace("–", "-").replace("--", "-"),
                    "doi": values.get("doi"),
                    "pmid": _bib_pmid(values),
                    "url": url if url.startswith("http") else "",
                    "language": values.get("language") or values.get("langid"),
                    "accessed": _date(values.get("urldate") or values.get("note")),
                },
                suggested_key=entry.key,
            )
        )
    return records


# ---------------------------------------------------------------- CSL-JSON

CSL_KINDS = {
    "article-journal": "research",
    "journal-article": "research",  # Crossref's works API
    "book-chapter": "textbook",
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


def _csl_people(item):
    """People and an organisation (a `literal` name) from the authors, else the editors."""
    for role in ("author", "editor"):
        names = [n for n in item.get(role) or [] if isinstance(n, dict)] if isinstance(item.get(role), list) else []
        people = [{"family": str(n["family"]), "given": str(n.get("given", ""))} for n in names if n.get("family")]
        # Crossref names a body as {"name": ...}; CSL-JSON as {"literal": ...}.
        literal = [str(n.get("literal") or n["name"]) for n in names if n.get("literal") or n.get("name")]
        if people or literal:
            return people, literal[0] if literal else ""
    return [], ""


def _csl_key(item):
    """`citation-key` (Zotero, Better BibTeX) when present, else the `id` if it can be cited."""
    return usable_key(item.get("citation-key")) or usable_key(item.get("id"))


def csl_record(location, item):
    """One CSL-JSON item (or a Crossref work, which has the same names) as a Record."""
    people, organisation = _csl_people(item)
    issued, accessed = _csl_date(item.get("issued")), _csl_date(item.get("accessed"))
    try:
        accessed_date = datetime.date(*[int(p) for p in accessed[:3]]) if len(accessed) >= 3 else None
    except (TypeError, ValueError):
        accessed_date = None
    kind = _kind_from_note([item.get("note")]) or CSL_KINDS.get(str(item.get("type", "")), "other")
    issued_raw = item.get("issued") if isinstance(item.get("issued"), dict) else {}
    # Crossref marks up titles (<i>, <sub>); the library keeps plain text.
    title = re.sub(r"<[^>]+>", "", str(_first(item.get("title")) or ""))
    return finish(
        location,
        {
            "kind": _refine_kind(kind, title),
            "title": title,
            "authors": people,
            "organisation": organisation,
            "source": _first(item.get("container-title-short"))
            or _first(item.get("short-container-title"))
            or _first(item.get("journalAbbreviation"))
            or _first(item.get("container-title"))
            or item.get("publisher"),
            "publisher": item.get("publisher") or _first(item.get("container-title")),
            "year": _year(issued[0] if issued else issued_raw.get("raw") or issued_raw.get("literal")),
            "volume": item.get("volume"),
            "issue": item.get("issue"),
            "pages": item.get("page"),
            "doi": item.get("DOI"),
            "pmid": item.get("PMID"),
            "url": item.get("URL"),
            "language": item.get("language"),
            "accessed": accessed_date,
        },
        suggested_key=_csl_key(item),
    )


def parse_csl_json(text):
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FileRejected(f"The CSL-JSON file is not valid JSON: {error.msg} at line {error.lineno}.") from None
    if isinstance(data, dict) and isinstance(data.get("message"), dict) and "message-type" in data:
        data = data["message"]  # a Crossref works API answer holds one work
    items = data if isinstance(data, list) else [data]
    records = []
    for index, item in enumerate(_checked_count(items)):
        location = f"item {index + 1}"
        if not isinstance(item, dict):
            records.append(Record(location, error="it is not a JSON object"))
            continue
        location += f" “{item.get('citation-key') or item.get('id')}”" if item.get("id") else ""
        records.append(csl_record(location, item))
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
                    "organisation": entry.get("corporate_author"),
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
