"""Figures belong to the signed content: a version freezes the figures it shows with
the SHA-256 of their files, a replaced image needs a new version and a new review, and
the files are hashed again wherever the signature is re-proved."""

import json
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.utils import DatabaseError

from articles import figure_services, services
from articles.lifecycle import State, TransitionNotAllowed
from articles.models import ArticleVersion, Event, VersionPage, canonical_content, content_hash
from figures.models import Figure
from figures.processing import FigureRefused
from figures.services import FigureText
from tests.figures.images import image_bytes, png_upload
from tests.figures.workflow import add_figure, save
from tests.workflow import approve, claim, publish, submit


def test_an_editor_adds_a_figure_and_the_audit_trail_records_its_hash(draft, editor):
    figure = add_figure(draft, editor, caption="Doses by weight band.", credit="Imprimatur", licence="CC BY 4.0")
    assert (figure.key, figure.alt, figure.licence) == ("dosing-chart", "Doses by body weight", "CC BY 4.0")
    event = Event.objects.filter(article=draft).order_by("-seq").first()
    assert event.action == "figure_added"
    assert event.details == {"key": "dosing-chart", "sha256": figure.sha256, "new_image": True}


@pytest.mark.parametrize("persona", ["reviewer", "publisher", "outsider"])
def test_only_those_who_may_edit_the_article_change_its_figures(draft, persona, request):
    with pytest.raises(TransitionNotAllowed):
        add_figure(draft, request.getfixturevalue(persona))
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ({"key": "dosing chart"}, "A figure key is made of letters, digits, hyphens"),
        ({"alt": "  "}, "Describe the image in its alt text"),
        ({"caption": "x" * 1001}, "The caption may be at most 1000 characters."),
    ],
)
def test_a_figure_needs_a_usable_key_and_alt_text(draft, editor, words, message):
    with pytest.raises(FigureRefused, match=message) as refused:
        add_figure(draft, editor, **words)
    assert refused.value.status == 400
    assert not Figure.objects.exists() and not default_storage.exists("figures")


def test_a_key_is_taken_once_unless_the_figure_is_replaced(draft, editor):
    first = add_figure(draft, editor)
    with pytest.raises(FigureRefused, match="tick “Replace”") as refused:
        add_figure(draft, editor, color=(200, 0, 0))
    assert refused.value.status == 409
    replaced = add_figure(draft, editor, color=(200, 0, 0), replace=True, alt="Doses, new chart")
    assert replaced.pk == first.pk and replaced.sha256 != first.sha256 and replaced.alt == "Doses, new chart"
    assert Event.objects.filter(article=draft, action="figure_changed").count() == 1


def test_replacing_a_figure_that_does_not_exist_is_refused(draft, editor):
    with pytest.raises(FigureRefused, match="no figure with the key") as refused:
        add_figure(draft, editor, replace=True)
    assert refused.value.status == 404


def test_a_new_figure_needs_a_file(draft, editor):
    with pytest.raises(FigureRefused, match="Choose the image file"):
        figure_services.article_figure_put(
            article_id=draft.pk, actor=editor, text=FigureText(key="chart", alt="A chart"), upload=None
        )


def test_an_article_has_at_most_the_set_number_of_figures(draft, editor, settings):
    settings.FIGURES_PER_ARTICLE = 2
    add_figure(draft, editor, key="one")
    add_figure(draft, editor, key="two")
    with pytest.raises(FigureRefused, match="at most 2 figures") as refused:
        add_figure(draft, editor, key="three")
    assert refused.value.status == 409
    add_figure(draft, editor, key="two", replace=True)  # replacing one stays possible


def test_saving_a_version_freezes_the_cited_figures_with_their_files_hashes(draft, editor):
    figure = add_figure(draft, editor, key="unused-figure")
    figure = add_figure(draft, editor)
    version = save(draft, editor)
    [frozen] = version.figures
    assert frozen == figure.snapshot()
    assert frozen["sha256"] == figure.sha256 and [r["width"] for r in frozen["renditions"]] == [480, 960, 1200]
    assert content_hash(version.canonical_content()) == version.content_hash
    assert '"figures":[{' in version.canonical_content()


def test_a_version_without_figures_hashes_as_before_figures_existed(draft):
    version = draft.working_version
    assert version.figures == []
    assert "figures" not in json.loads(version.canonical_content())
    before = canonical_content(
        title=version.title,
        summary=version.summary,
        body=version.body,
        key_points=version.key_points,
        faq=version.faq,
        aliases=version.aliases,
    )
    assert content_hash(before) == version.content_hash


def test_a_replaced_image_needs_a_new_version_and_voids_the_approval(draft, editor, reviewer):
    add_figure(draft, editor)
    signed = save(draft, editor)
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    add_figure(draft, editor, color=(200, 0, 0), replace=True)
    draft.refresh_from_db()
    assert draft.working_version == signed and draft.state == State.APPROVED  # nothing changed yet
    replaced = save(draft, editor, note="New chart")  # the text is the same; the image is not
    draft.refresh_from_db()
    assert replaced.content_hash != signed.content_hash
    assert replaced.figures[0]["sha256"] != signed.figures[0]["sha256"]
    assert draft.state == State.DRAFT
    assert services._valid_approvals(replaced) == 0
    # The signed version still shows the image it was signed with.
    assert default_storage.exists(signed.figures[0]["name"])
    with pytest.raises(TransitionNotAllowed, match="Nothing changed"):
        save(draft, editor, note="Again")


def test_an_unknown_figure_key_blocks_submission(draft, editor):
    save(draft, editor)  # cites dosing-chart, which was never uploaded
    with pytest.raises(TransitionNotAllowed, match="1 problem blocks submission") as refused:
        submit(draft, editor)
    assert any("no figure has the key “dosing-chart”" in problem for problem in refused.value.problems)
    add_figure(draft, editor)
    save(draft, editor, note="Figure uploaded")
    submit(draft, editor)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED


@pytest.mark.parametrize(
    "image", ["![Dosing chart](https://example.org/chart.png)", "![Chart](chart.png)", "![Chart](figure:)"]
)
def test_an_image_that_is_not_a_figure_is_refused_at_save_with_how_to_add_it(draft, editor, image):
    with pytest.raises(services.ForeignImages, match=r"upload it in the Figures section of the edit page"):
        save(draft, editor, body=f"## Dosage\n\n{image}\n")
    assert draft.versions.count() == 1


def test_an_image_in_code_is_text_not_a_figure(draft, editor):
    version = save(draft, editor, body="Write `![alt](https://example.org/x.png)` in a code span.")
    assert version.figures == []


def test_the_database_refuses_to_change_a_versions_figures(draft, editor):
    add_figure(draft, editor)
    version = save(draft, editor)
    with pytest.raises(DatabaseError, match="signed content is immutable"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE articles_articleversion SET figures = '[]' WHERE id = %s", [version.pk])
    assert ArticleVersion.objects.get(pk=version.pk).figures == version.figures


def overwrite(name, content):
    """Swap a stored file's bytes behind the application's back."""
    default_storage.delete(name)
    default_storage.save(name, BytesIO(content))


def test_publishing_is_refused_when_a_figure_file_changed_behind_the_desk(draft, editor, reviewer, publisher):
    add_figure(draft, editor)
    version = save(draft, editor)
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    rendition = version.figures[0]["renditions"][1]["name"]
    overwrite(rendition, image_bytes("PNG", (960, 640), (255, 0, 0)))
    with pytest.raises(services.ContentMismatch, match="figure files do not match") as refused:
        publish(draft, publisher)
    assert rendition in refused.value.message
    draft.refresh_from_db()
    assert draft.published_version is None
    assert Event.objects.filter(article=draft, action="integrity_alert").exists()


def test_a_live_page_is_withheld_when_a_figure_file_changes_afterwards(draft, editor, reviewer, publisher):
    from public import changes

    add_figure(draft, editor)
    version = save(draft, editor)
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    publish(draft, publisher)
    overwrite(version.figures[0]["name"], png_upload((1200, 800), (0, 0, 0)).read())
    problem = changes.store_version_pages(version)
    assert "figure files do not match" in problem
    assert set(VersionPage.objects.filter(version=version).values_list("html", flat=True)) == {""}


def test_removing_a_figure_leaves_the_versions_that_froze_it(draft, editor):
    add_figure(draft, editor)
    version = save(draft, editor)
    figure_services.article_figure_remove(article_id=draft.pk, actor=editor, key="dosing-chart")
    assert not Figure.objects.exists()
    assert default_storage.exists(version.figures[0]["name"])
    assert Event.objects.filter(article=draft, action="figure_removed").exists()
    with pytest.raises(FigureRefused, match="no figure with the key") as refused:
        figure_services.article_figure_remove(article_id=draft.pk, actor=editor, key="dosing-chart")
    assert refused.value.status == 404
