import pytest
from django.core import mail

from articles import services as article_services
from articles.lifecycle import TransitionNotAllowed
from articles.models import Citation, Event
from articles.services import Content
from references import importing, services
from references.models import Reference
from tests.references.conftest import SAMPLES, reference_fields
from tests.workflow import approve, claim, publish, submit


def test_a_new_reference_gets_a_key_from_first_author_and_year_and_its_formatting(editor):
    reference = services.reference_create(actor=editor, fields=reference_fields(family="Müller", year=2019))
    assert reference.key == "muller2019"
    assert reference.formatted["ama"].startswith("Müller J. A sample trial.")
    assert set(reference.formatted) == {"ama", "vancouver"}


def test_the_same_doi_written_differently_is_a_duplicate_naming_the_stored_one(smith, editor):
    with pytest.raises(services.DuplicateReference) as duplicate:
        services.reference_create(actor=editor, fields=reference_fields(title="Other", doi="10.5555/smith"))
    assert duplicate.value.existing == smith and "same DOI" in duplicate.value.message


def test_the_same_title_and_year_is_a_duplicate(smith, editor):
    with pytest.raises(services.DuplicateReference, match="same title and year"):
        services.reference_create(actor=editor, fields=reference_fields(title="A SAMPLE trial!", family="Else"))


def test_reviewers_cannot_change_the_library(reviewer):
    with pytest.raises(TransitionNotAllowed):
        services.reference_create(actor=reviewer, fields=reference_fields())


def test_importing_the_same_record_from_three_formats_stores_it_once(editor):
    ris = importing.import_references(
        actor=editor, data=(SAMPLES / "references.ris").read_bytes(), filename="r.ris", commit=True
    )
    assert len(ris.created) == 3
    bib = importing.import_references(
        actor=editor, data=(SAMPLES / "references.bib").read_bytes(), filename="r.bib", commit=True
    )
    json_report = importing.import_references(
        actor=editor, data=(SAMPLES / "references.json").read_bytes(), filename="r.json", commit=True
    )
    okafor = Reference.objects.get(doi="10.5555/sample.2021.0101")
    assert [(title, existing, why) for _, title, existing, why in bib.duplicates] == [
        ("Early mobilisation and delirium in older inpatients: a randomised trial", okafor, "same DOI")
    ]
    assert [existing for _, _, existing, _ in json_report.duplicates] == [okafor]
    assert Reference.objects.filter(title_key__startswith="early mobilisation").count() == 1
    assert Reference.objects.count() == 3 + 2 + 1


def test_a_record_repeated_inside_one_file_is_reported_once(editor):
    text = (SAMPLES / "references.ris").read_bytes()
    report = importing.import_references(actor=editor, data=text + b"\n" + text, filename="twice.ris")
    assert len(report.created) == 3
    assert all("repeats record" in why for *_, why in report.duplicates) and len(report.duplicates) == 3


def test_a_preview_stores_nothing_and_a_pubmed_retraction_is_kept(editor):
    report = importing.import_references(actor=editor, data=(SAMPLES / "pubmed.nbib").read_bytes(), filename="p.nbib")
    assert len(report.created) == 2 and not Reference.objects.exists()
    importing.import_references(
        actor=editor, data=(SAMPLES / "pubmed.nbib").read_bytes(), filename="p.nbib", commit=True
    )
    assert Reference.objects.get(pmid="99000003").retracted is True


def test_a_body_citing_an_unknown_key_cannot_be_submitted_and_the_key_and_line_are_named(draft, editor, smith):
    article_services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="cite",
        content=Content(title="T", body="Known [@smith2020].\nUnknown [@ghost2019]."),
    )
    with pytest.raises(TransitionNotAllowed) as refusal:
        submit(draft, editor)
    assert refusal.value.message == "1 problem blocks submission."
    assert refusal.value.problems == ("line 2: unknown reference key @ghost2019",)


def test_citing_a_retracted_reference_blocks_submission(draft, editor, add_reference):
    add_reference(key="bad2001", title="Withdrawn", retracted=True)
    article_services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="cite",
        content=Content(title="T", body="See [@bad2001]."),
    )
    with pytest.raises(TransitionNotAllowed, match="1 problem blocks submission") as refusal:
        submit(draft, editor)
    assert "retracted" in refusal.value.problems[0]


def cite(article, editor, body):
    article.refresh_from_db()
    return article_services.article_save_version(
        article_id=article.pk,
        actor=editor,
        note="cite",
        base_version_id=article.working_version_id,
        content=Content(title="T", body=body),
    )


def test_a_version_freezes_its_references_in_citation_order(draft, editor, smith, jones):
    version = cite(draft, editor, "B [@jones2021] then A [@smith2020; @jones2021].")
    assert [item["key"] for item in version.references] == ["jones2021", "smith2020"]
    assert list(Citation.objects.filter(version=version).values_list("reference__key", "number")) == [
        ("jones2021", 1),
        ("smith2020", 2),
    ]


def test_editing_a_reference_changes_neither_an_approved_version_nor_its_hash_but_flags_the_article(
    draft, editor, reviewer, publisher, smith
):
    version = cite(draft, editor, "Claim [@smith2020].")
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    publish(draft, publisher)
    signed_hash = version.content_hash
    services.reference_update(
        actor=editor,
        reference_id=smith.pk,
        fields=reference_fields(title="A corrected title", doi="10.5555/smith"),
        key="smith2020",
        expected_updated_at=None,
    )
    version.refresh_from_db()
    draft.refresh_from_db()
    assert version.content_hash == signed_hash and version.references[0]["title"] == "A sample trial"
    assert "@smith2020 was edited" in draft.attention
    new = cite(draft, editor, "Claim [@smith2020]!")
    assert new.references[0]["title"] == "A corrected title" and new.content_hash != signed_hash


def test_a_stale_reference_form_is_refused(smith, editor):
    with pytest.raises(TransitionNotAllowed, match="changed this reference"):
        services.reference_update(
            actor=editor,
            reference_id=smith.pk,
            fields=reference_fields(),
            key="smith2020",
            expected_updated_at="2000-01-01T00:00:00+00:00",
        )


def test_marking_a_reference_retracted_flags_citing_articles_with_an_event_and_mails_editors(
    draft, editor, smith, django_capture_on_commit_callbacks
):
    cite(draft, editor, "Claim [@smith2020].")
    with django_capture_on_commit_callbacks(execute=True):
        flagged = services.reference_mark_retracted(reference_id=smith.pk, notice="retraction notice 10.5555/r")
    assert flagged == [draft.pk]
    draft.refresh_from_db()
    assert "retracted" in draft.attention
    assert Event.objects.filter(article=draft, action="flag").count() == 1
    assert len(mail.outbox) == 1 and editor.email in mail.outbox[0].to
    assert services.reference_mark_retracted(reference_id=smith.pk, notice="again") == []


def test_a_reference_retracted_during_review_blocks_the_approval(draft, editor, reviewer, smith):
    cite(draft, editor, "Claim [@smith2020].")
    submit(draft, editor)
    claim(draft, reviewer)
    services.reference_mark_retracted(reference_id=smith.pk, notice="retraction notice 10.5555/r")
    with pytest.raises(TransitionNotAllowed, match="1 problem blocks approval") as refusal:
        approve(draft, reviewer)
    assert "@smith2020" in refusal.value.problems[0] and "retracted" in refusal.value.problems[0]
