"""The notice watch reads every kind of notice, asks PubMed about PubMed IDs, and honours
a source's 429 with Retry-After."""

import time

import pytest

from references.models import Reference, SourceNotice
from references.retractions import Checked, check_cited_references, check_reference
from tests.references.conftest import PUBMED, RECORDED
from tests.references.test_retractions import cite_all


@pytest.mark.parametrize(
    ("crossref_type", "kind", "retracted"),
    [
        ("retraction", "retraction", True),
        ("withdrawal", "withdrawal", True),
        ("correction", "correction", False),
        ("erratum", "erratum", False),
        ("expression_of_concern", "expression_of_concern", False),
    ],
)
def test_each_kind_of_crossref_notice_is_recorded(crossref, add_reference, crossref_type, kind, retracted):
    doi = f"10.5555/{crossref_type}"
    RECORDED[doi] = {"message": {"DOI": doi, "updated-by": [{"DOI": f"{doi}-notice", "type": crossref_type}]}}
    try:
        reference = add_reference(key="src", doi=doi)
        outcome = check_reference(reference)
    finally:
        del RECORDED[doi]
    assert outcome.result == (Checked.RETRACTED if retracted else Checked.NOTICE)
    notice = SourceNotice.objects.get(reference=reference)
    assert (notice.kind, notice.identifier, notice.url) == (kind, f"{doi}-notice", f"https://doi.org/{doi}-notice")
    assert Reference.objects.get(pk=reference.pk).retracted is retracted
    check_reference(reference)
    assert SourceNotice.objects.count() == 1  # asked again: recorded once


def test_a_reference_with_only_a_pubmed_id_is_asked_of_pubmed(crossref, draft, editor, add_reference):
    add_reference(key="pm", pmid="777")
    cite_all(draft, editor, ["pm"])
    PUBMED["777"] = {
        "uid": "777",
        "pubtype": ["Journal Article"],
        "references": [
            {"refsource": "J. 2026", "reftype": "Erratum in", "pmid": "778"},
            {"refsource": "J. 2026", "reftype": "Comment in", "pmid": "779"},
        ],
    }
    try:
        summary = check_cited_references()
    finally:
        PUBMED.clear()
    assert summary == {"checked": 1, "retracted": [], "notices": ["pm"], "failed": 0}
    assert crossref.pubmed == ["777"] and crossref.requests == []
    notice = SourceNotice.objects.get()
    assert (notice.kind, notice.source, notice.identifier) == ("erratum", "pubmed", "PMID 778")


def test_a_short_retry_after_is_waited_out_and_the_source_asked_again(crossref, add_reference):
    reference = add_reference(key="bad", doi="10.5555/retracted")
    crossref.throttle = {"/works/": ["1"]}
    assert check_reference(reference).result == Checked.RETRACTED
    (first, _), (second, _) = crossref.times[:2]
    assert second - first >= 1


def test_a_long_retry_after_ends_the_runs_questions_to_that_source(crossref, draft, editor, add_reference, settings):
    settings.NOTICE_RETRY_WAIT_MAX_SECONDS = 5
    add_reference(key="one", doi="10.5555/retracted")
    add_reference(key="two", title="Second", family="Two", doi="10.5555/fine")
    cite_all(draft, editor, ["one", "two"])
    crossref.throttle = {"/works": ["3600"]}
    started = time.monotonic()
    assert check_cited_references() == {"checked": 0, "retracted": [], "notices": [], "failed": 2}
    assert time.monotonic() - started < 5
    assert len(crossref.times) == 1  # the second reference was not asked about
    assert not Reference.objects.filter(retraction_checked_at__isnull=False).exists()  # both due next run
