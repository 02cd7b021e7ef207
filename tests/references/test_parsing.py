from pathlib import Path

import pytest

from references.parsing import MAX_BYTES, FileRejected, parse

SAMPLES = Path(__file__).with_name("samples")


def sample(name):
    return (SAMPLES / name).read_bytes()


def test_ris_sample_reads_every_field_and_normalises_the_doi():
    fmt, records = parse(sample("references.ris"), filename="references.ris")
    assert fmt == "ris" and [r.error for r in records] == ["", "", ""]
    okafor, guideline, statins = (r.fields for r in records)
    assert okafor["authors"][0] == {"family": "Okafor", "given": "Adaeze N."}
    assert (okafor["year"], okafor["pages"], okafor["pmid"]) == (2021, "101-109", "99000001")
    assert (guideline["kind"], guideline["organisation"]) == ("guideline", "Sample Society of Respiratory Medicine")
    assert statins["doi"] == "10.5555/sample.2019.0055" and statins["kind"] == "systematic_review"


def test_bibtex_sample_decodes_latex_and_keeps_an_organisation_whole():
    fmt, records = parse(sample("references.bib"), filename="references.bib")
    assert fmt == "bibtex"
    okafor, schmidt, body = (r.fields for r in records)
    assert schmidt["authors"] == [{"family": "Schmidt", "given": "Jürgen"}] and schmidt["kind"] == "textbook"
    assert body["organisation"] == "Sample World Health Body" and body["url"] == "https://guidance.example.org/activity"
    assert str(body["accessed"]) == "2026-11-01"
    assert [r.suggested_key for r in records] == ["okafor2021", "schmidt2018", "who-sample-2020"]


def test_csl_json_sample_prefers_the_short_journal_title():
    fmt, records = parse(sample("references.json"), filename="references.json")
    assert fmt == "csl-json"
    assert records[0].fields["source"] == "J Sample Geriatr Med"
    assert len(records[1].fields["authors"]) == 7


def test_pubmed_sample_marks_the_retracted_publication():
    fmt, records = parse(sample("pubmed.nbib"), filename="pubmed.nbib")
    assert fmt == "pubmed"
    assert [r.fields["retracted"] for r in records] == [False, True]
    assert records[0].fields["title"].endswith("postmenopausal women")
    assert records[0].location == "record 1 (line 1)" and records[1].location == "record 2 (line 25)"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"TY  - JOUR\x00\x01", "binary"),
        ("TY  - JOUR\nTI  - Caf\xe9\nER  - \n".encode("latin-1"), "not UTF-8"),
        (b"x" * (MAX_BYTES + 1), "larger than"),
        (b"just some words", "could not be recognised"),
        (b'[{"title": "x",', "not valid JSON"),
    ],
)
def test_unusable_files_are_refused_with_a_clear_reason(data, message):
    with pytest.raises(FileRejected, match=message):
        parse(data, filename="upload")


def test_a_bad_record_is_rejected_with_its_place_and_the_rest_are_kept():
    ris = (
        b"TY  - JOUR\nAU  - Doe, Jane\nPY  - 2020\nER  - \n\n"
        b"TY  - JOUR\nTI  - Fine\nAU  - Roe, Jo\nPY  - 2021\nDO  - not-a-doi\nER  - \n\n"
        b"TY  - JOUR\nTI  - Good\nAU  - Poe, Al\nPY  - 2022\nER  - \n"
    )
    _, records = parse(ris, filename="x.ris")
    assert [(r.location, r.error) for r in records[:2]] == [
        ("record 1 (line 1)", "it has no title"),
        ("record 2 (line 6)", "“not-a-doi” is not a DOI (they look like 10.1234/abc)"),
    ]
    assert records[2].fields["title"] == "Good"


def test_a_broken_bibtex_entry_is_reported_with_its_line():
    _, records = parse(
        b"@article{ok, title={T}, author={Doe, J}, year={2020}}\n\n@article{broken, title={x\n", filename="x.bib"
    )
    assert records[0].error.startswith("it is not a valid BibTeX entry") and records[0].location.startswith("line ")
    assert records[1].fields["title"] == "T"
