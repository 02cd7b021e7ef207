"""Every file of the corpus (tests/references/corpus, exports in the shapes Zotero,
EndNote, Mendeley, JabRef, PubMed and Crossref write) imports record by record with the
fields expected, or names why a record is refused; never a traceback."""

from pathlib import Path

import pytest

from references import importing
from references.models import Reference
from references.parsing import MAX_KEY_LENGTH, parse
from tests.references.import_pages import confirm, upload

CORPUS = Path(__file__).with_name("corpus")
OKAFOR = "Early mobilisation and delirium in older inpatients: a randomised trial"
CDC = "Centers for Disease Control and Prevention"
WHO = "World Health Organization"
ZOTERO_DOI = "10.5555/corpus.zotero.1"


def record(key, title, creators, year, *, doi="", pmid="", **fields):
    """What one record must carry: its key from the file ("" when a key is made), title,
    family names of its authors (or the organisation, as a string), year and identifiers."""
    return {"key": key, "title": title, "creators": creators, "year": year, "doi": doi, "pmid": pmid, **fields}


def rejected(reason, identifier=""):
    return {"rejected": reason, "identifier": identifier}


OKAFOR_ZOTERO = dict(doi=ZOTERO_DOI, pmid="99000201", pages="101-109", volume="14", issue="2")
EXPECTED = {
    "zotero.ris": [
        record("", OKAFOR, ["Okafor", "Lindqvist"], 2021, **OKAFOR_ZOTERO, source="J Sample Geriatr Med"),
        record(
            "",
            "Influenza (flu) vaccination: who should get it",
            CDC,
            2024,
            kind="website",
            accessed="2026-11-02",
            url="https://www.cdc.example.gov/flu/vaccines",
        ),
        record("", "Fluid balance in the elderly", ["Nakamura"], 2019, kind="textbook", pages="45-67"),
    ],
    "zotero.bib": [
        record(
            "okafor_early_2021",
            OKAFOR,
            ["Okafor", "Lindqvist", "Müller"],
            2021,
            **OKAFOR_ZOTERO,
            accessed="2026-11-01",
        ),
        record("noauthor_influenza_2024", "Influenza (Flu) Vaccination: Who Should Get It", CDC, 2024),
        record("nakamura_fluid_2019", "Fluid balance in the elderly", ["Nakamura"], 2019, source="Sample Press"),
    ],
    "zotero.json": [
        record("", OKAFOR, ["Okafor", "Lindqvist"], 2021, **OKAFOR_ZOTERO, accessed="2026-11-01"),
        record("cdcFluVaccination2024", "Influenza (flu) vaccination: who should get it", CDC, 2024, kind="website"),
        record("", "Fluid balance in the elderly", ["Nakamura"], 2019, kind="textbook"),
    ],
    "endnote.ris": [
        record("", OKAFOR, ["Okafor", "Lindqvist"], 2021, **OKAFOR_ZOTERO),
        record("", "Guidelines on physical activity and sedentary behaviour", WHO, 2020, kind="guideline"),
        record("", "Statins for primary prevention", ["Moreau"], 2019, source="Sample Rev Cardiol"),
        rejected("it has no title (its DOI is 10.5555/corpus.endnote.notitle)", "10.5555/corpus.endnote.notitle"),
        rejected("it has no title"),
    ],
    "mendeley.bib": [
        record("Okafor2021", OKAFOR, ["Okafor", "Lindqvist"], 2021, **OKAFOR_ZOTERO),
        record("Schmidt2018", "Clinical Pharmacology for Sample Practitioners", ["Schmidt"], 2018, kind="textbook"),
    ],
    "mendeley.ris": [
        record("Okafor2021", OKAFOR, ["Okafor", "Lindqvist"], 2021, **OKAFOR_ZOTERO),
        record("Schmidt2018", "Clinical Pharmacology for Sample Practitioners", ["Schmidt"], 2018),
    ],
    "jabref.bib": [
        record(
            "Yablon2005",
            "Optical fibre splicing in sample endoscopes",
            ["Yablon", "Okafor"],
            2005,
            doi="10.5555/corpus.jabref.1",
            pages="1-9",
            source="J Sample Instrum",
        ),
        record("Doe2010", "Handbook of Sample Nursing", ["Doe", "Roe"], 2010, kind="textbook"),
        record("WHO2020", "Guidelines on physical activity and sedentary behaviour", WHO, 2020, kind="guideline"),
        record("Sample2023", "Sample Society handbook", "Sample Society of Respiratory Medicine", 2023),
    ],
    "pubmed.nbib": [
        record(
            "",
            "Early mobilisation and delirium in older inpatients: a randomised trial",
            ["Okafor", "Lindqvist"],
            2021,
            doi="10.5555/corpus.pubmed.1",
            pmid="99000301",
        ),
        record(
            "",
            "Consensus statement on sample sepsis care",
            "Sample Sepsis Consensus Group",
            2020,
            doi="10.5555/corpus.pubmed.2",
            pmid="99000302",
            kind="guideline",
        ),
        rejected("it has no title (its PubMed ID is 99000303)", "99000303"),
    ],
    "crossref.json": [
        record(
            "",
            "Early mobilisation and delirium in older inpatients: a crossref copy",
            ["Okafor", "Lindqvist"],
            2021,
            doi="10.5555/corpus.crossref.1",
            source="J Sample Geriatr Med",
        ),
    ],
    "crossref-api.json": [
        record(
            "",
            "Statins for primary prevention: a systematic review and meta-analysis",
            ["Moreau", "Haddad"],
            2019,
            doi="10.5555/corpus.crossref.2",
            kind="systematic_review",
            source="Sample Rev Cardiol",
        ),
    ],
    "broken.bib": [
        rejected("it is not a valid BibTeX entry (ParsingFailedBlock)"),
        record("good2020", "A good entry", ["Doe"], 2020),
    ],
}


def check_record(found, expected, where):
    """The checks every format shares: a refusal and its reason, or the fields."""
    if "rejected" in expected:
        assert (found.error, found.identifier) == (expected["rejected"], expected["identifier"]), where
        return
    assert not found.error, f"{where}: {found.error}"
    fields = found.fields
    creators = [a["family"] for a in fields.get("authors", [])] or fields.get("organisation")
    assert found.suggested_key == expected["key"], where
    assert (fields["title"], creators, fields.get("year")) == (
        expected["title"],
        expected["creators"],
        expected["year"],
    ), where
    assert (fields["doi"], fields["pmid"]) == (expected["doi"], expected["pmid"]), where
    for name, value in expected.items():
        if name not in ("key", "title", "creators", "year", "doi", "pmid"):
            assert str(fields.get(name)) == value, f"{where}: {name}"


def test_every_corpus_file_is_in_the_table():
    assert {path.name for path in CORPUS.iterdir() if path.suffix != ".md"} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_file_yields_the_expected_records(name):
    _, records = parse((CORPUS / name).read_bytes(), filename=name)
    assert len(records) == len(EXPECTED[name])
    for found, expected in zip(records, EXPECTED[name], strict=True):
        check_record(found, expected, f"{name} {found.location}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_corpus_file_previews_and_imports_in_the_browser(client, editor, name):
    client.force_login(editor)
    preview = upload(client, (CORPUS / name).read_bytes(), name)
    assert preview.status_code == 200
    kept = [e for e in EXPECTED[name] if "rejected" not in e]
    page = preview.content.decode()
    assert f"{len(kept)} to add, 0 already in the library, {len(EXPECTED[name]) - len(kept)} rejected" in page
    for expected in EXPECTED[name]:
        if "rejected" in expected:
            assert expected["rejected"] in page
        if expected.get("identifier"):
            link = f"/desk/references/lookup/?identifier={expected['identifier'].replace('/', '%2F')}"
            assert f'href="{link}">Add it by looking up {expected["identifier"]}</a>' in page
    done = confirm(client, page) if kept else None
    stored = {reference.key: reference for reference in Reference.objects.all()}
    assert len(stored) == len(kept)
    for expected in kept:
        if expected["key"]:
            assert stored[expected["key"]].title == expected["title"]
            assert (
                f'<a href="{stored[expected["key"]].get_absolute_url()}">@{expected["key"]}</a>'
                in done.content.decode()
            )


def test_the_same_work_from_five_tools_is_stored_once(editor):
    for name in ("zotero.ris", "zotero.bib", "zotero.json", "endnote.ris", "mendeley.bib", "mendeley.ris"):
        importing.import_references(actor=editor, data=(CORPUS / name).read_bytes(), filename=name, commit=True)
    assert Reference.objects.filter(doi=ZOTERO_DOI).count() == 1


def test_a_bibtex_file_with_capitalised_fields_keeps_them_all(editor):
    bib = b"@ARTICLE{Up2020,\n  AUTHOR = {Doe, Jane},\n  TITLE = {Loud fields},\n  YEAR = 2020,\n  DOI = {10.5555/up}}"
    [found] = parse(bib, filename="up.bib")[1]
    assert (found.fields["authors"], found.fields["doi"], found.fields["year"]) == (
        [{"family": "Doe", "given": "Jane"}],
        "10.5555/up",
        2020,
    )


def test_the_key_length_the_parser_allows_is_the_one_the_library_stores():
    assert MAX_KEY_LENGTH == Reference._meta.get_field("key").max_length
