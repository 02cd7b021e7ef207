"""Normalising identifiers and titles so duplicates are found however they are written."""

import re
import unicodedata

DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|doi\s+)", re.IGNORECASE)
DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_SHAPE = re.compile(r"^\d{1,9}$")


class InvalidIdentifier(ValueError):
    pass


def normalize_doi(raw):
    """'https://doi.org/10.5555/ABC ' -> '10.5555/abc'; '' for nothing; InvalidIdentifier for garbage."""
    value = (raw or "").strip()
    if not value:
        return ""
    value = DOI_PREFIXES.sub("", value).strip().lower()
    if not DOI_SHAPE.match(value):
        raise InvalidIdentifier(f"“{raw}” is not a DOI (they look like 10.1234/abc)")
    return value


def normalize_pmid(raw):
    value = str(raw or "").strip()
    value = re.sub(r"^(?:pmid:?\s*)", "", value, flags=re.IGNORECASE)
    if not value:
        return ""
    if not PMID_SHAPE.match(value):
        raise InvalidIdentifier(f"“{raw}” is not a PubMed ID (a number)")
    return str(int(value))


def normalize_title(title):
    """Lowercase letters and digits only, accents removed: the duplicate-detection form."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def key_base(first_author_family, year):
    """'Okafor', 2021 -> 'okafor2021'."""
    text = unicodedata.normalize("NFKD", first_author_family or "ref")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    word = re.sub(r"[^a-z0-9]+", "", text.split()[0] if text.split() else "") or "ref"
    return f"{word[:30]}{year or ''}"
