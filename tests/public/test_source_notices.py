"""A notice on a cited source reaches the live page at once, outside the signed content,
and a retraction or withdrawal sends the live version back to the people who signed it."""

import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import services
from articles.models import Event, ReviewRound, Signature
from articles.services import Content
from notifications.models import Notification
from references.models import Reference
from references.retractions import check_cited_references
from tests.references.conftest import (  # noqa: F401  (fixtures)
    NOTICES_NAMING,
    PUBMED,
    RETRACTED_DOI,
    add_reference,
    crossref,
)
from tests.workflow import approve, claim, publish, submit

URL = "/articles/sample-condition/"


@pytest.fixture
def live(draft, editor, reviewer, publisher, add_reference, shared_cache):
    add_reference(key="bad", doi=RETRACTED_DOI)
    add_reference(key="fine", title="A sound sample", family="Fine", doi="10.5555/fine")
    add_reference(key="pubmedonly", title="Only in PubMed", family="Pub", pmid="4242")
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="cite the evidence",
        content=Content(title="What is sample condition?", body="Evidence [@bad] [@fine] [@pubmedonly]."),
    )
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    publish(draft, publisher)
    draft.refresh_from_db()
    return draft


def shown(label, url):
    """A notice as the reference list shows it (the sanitiser adds rel to links)."""
    return f'{label}, <a href="{url}" rel="noopener noreferrer">see notice</a>.'


def json_ld(page):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))


def run_watch(capture):
    with capture(execute=True):
        return check_cited_references()


def test_a_retraction_shows_on_the_live_page_at_once_without_a_new_signature(
    client, live, crossref, reviewer, django_capture_on_commit_callbacks
):
    before = client.get(URL).content.decode()  # now in the shared cache
    assert "see notice" not in before
    signed_hash, signatures = live.published_version.content_hash, Signature.objects.count()

    assert run_watch(django_capture_on_commit_callbacks)["retracted"] == ["bad"]

    page = client.get(URL).content.decode()
    assert shown("Retracted 2026-11-01", "https://doi.org/10.5555/retraction-notice") in page
    assert "Corrected, " in page  # the erratum Crossref lists on the sound sample
    cited = {c["name"]: c for c in json_ld(page)["citation"]}
    assert cited["A sample trial"]["correction"] == [
        {
            "@type": "CorrectionComment",
            "name": "Retracted",
            "datePublished": "2026-11-01",
            "url": "https://doi.org/10.5555/retraction-notice",
        }
    ]
    live.refresh_from_db()
    assert live.published_version.content_hash == signed_hash  # the signed text is untouched
    assert Signature.objects.count() == signatures
    assert live.published_version_id == live.working_version_id


def test_a_retraction_opens_a_round_assigned_to_the_signers_with_a_due_date(
    live, crossref, reviewer, settings, django_capture_on_commit_callbacks
):
    settings.NOTICE_REVIEW_DUE_DAYS = 10
    started = timezone.now()
    run_watch(django_capture_on_commit_callbacks)
    live.refresh_from_db()
    assert live.state == "submitted"
    review_round = ReviewRound.objects.get(article=live, outcome=ReviewRound.OPEN)
    assert review_round.version_id == live.published_version_id
    assert started + timedelta(days=10) <= review_round.due_at <= timezone.now() + timedelta(days=10)
    (assignment,) = review_round.assignments.all()
    assert assignment.reviewer == reviewer and assignment.due_at == review_round.due_at
    told = Notification.objects.filter(kind="assigned", recipient_id=reviewer.pk).get()
    assert "It is due" in told.message
    recorded = Event.objects.filter(chain="reference", action="record_notice", actor__isnull=True)
    assert sorted(event.details["notice"]["kind"] for event in recorded) == ["correction", "retraction"]
    call_command("verify_audit")  # exits 1 on any problem


def test_a_correction_or_concern_shows_and_tells_signers_and_editors_without_reopening_review(
    client, live, crossref, reviewer, editor, django_capture_on_commit_callbacks
):
    Reference.objects.filter(key="bad").update(doi="10.5555/other")  # only the correction remains
    PUBMED["4242"] = {
        "uid": "4242",
        "pubtype": ["Journal Article"],
        "references": [{"refsource": "J Pub. 2026", "reftype": "Expression of concern in", "pmid": "5151"}],
    }
    try:
        summary = run_watch(django_capture_on_commit_callbacks)
    finally:
        PUBMED.clear()
    assert summary["retracted"] == [] and sorted(summary["notices"]) == ["fine", "pubmedonly"]
    assert crossref.pubmed == ["4242"]
    page = client.get(URL).content.decode()
    assert shown("Expression of concern", "https://pubmed.ncbi.nlm.nih.gov/5151/") in page
    live.refresh_from_db()
    assert live.state == "published" and not ReviewRound.objects.filter(article=live, outcome="open").exists()
    told = set(Notification.objects.filter(kind="reference_flag").values_list("recipient_id", flat=True))
    assert {reviewer.pk, editor.pk} <= told


def test_a_withdrawal_named_only_in_a_notices_update_to_reopens_review(
    client, live, crossref, django_capture_on_commit_callbacks
):
    Reference.objects.filter(key="bad").update(doi="10.5555/quiet")
    NOTICES_NAMING["10.5555/quiet"] = [
        {
            "DOI": "10.5555/withdrawal-notice",
            "update-to": [{"DOI": "10.5555/QUIET", "type": "withdrawal", "updated": {"date-parts": [[2026, 3, 2]]}}],
        }
    ]
    try:
        assert run_watch(django_capture_on_commit_callbacks)["retracted"] == ["bad"]
    finally:
        NOTICES_NAMING.clear()
    assert "Withdrawn 2026-03-02, " in client.get(URL).content.decode()
    live.refresh_from_db()
    assert live.state == "submitted"


def test_a_pubmed_only_source_marked_retracted_reopens_review(
    client, live, crossref, django_capture_on_commit_callbacks
):
    Reference.objects.filter(key="bad").update(doi="10.5555/other")
    PUBMED["4242"] = {"uid": "4242", "pubtype": ["Journal Article", "Retracted Publication"], "references": []}
    try:
        assert run_watch(django_capture_on_commit_callbacks)["retracted"] == ["pubmedonly"]
    finally:
        PUBMED.clear()
    assert Reference.objects.get(key="pubmedonly").retracted
    assert shown("Retracted", "https://pubmed.ncbi.nlm.nih.gov/4242/") in client.get(URL).content.decode()
    live.refresh_from_db()
    assert live.state == "submitted"
