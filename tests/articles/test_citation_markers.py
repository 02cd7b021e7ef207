"""The desk renders citation markers against the library as it is now, a version saved
before its reference existed cannot go further as it is, and a refusal for citation
problems is one short summary beside one list."""

import re

import pytest

from articles import citing, services
from articles.lifecycle import TransitionNotAllowed
from articles.services import Content
from references.services import reference_create
from tests.references.conftest import reference_fields
from tests.workflow import submit

BODY = "## Dosage\n\nTake 5 mg [@smith2020].\n\n## Risks\n\nRare [@jones2021; @smith2020]."


@pytest.fixture
def citing_late(editor):
    """An article saved while @smith2020 and @jones2021 were not in the library yet."""
    return services.article_create(
        actor=editor, slug="late-refs", topic="", content=Content(title="Late references", body=BODY), note="v1"
    )


def add(editor, key, doi):
    reference_create(actor=editor, fields=reference_fields(doi=doi, title=f"Study {key}"), key=key)


def test_markers_follow_the_library_and_a_version_saved_without_a_reference_must_be_saved_again(
    client, citing_late, editor
):
    client.force_login(editor)
    page = client.get(f"/desk/{citing_late.pk}/").content.decode()
    assert "?smith2020" in page and "?jones2021" in page

    add(editor, "smith2020", "10.5555/smith")
    add(editor, "jones2021", "10.5555/jones")
    page = client.get(f"/desk/{citing_late.pk}/").content.decode()
    assert "?smith2020" not in page and "?jones2021" not in page
    assert '<sup class="citation"><a href="#ref-1" rel="noopener noreferrer">1</a></sup>' in page
    assert "Study smith2020" in page and "Study jones2021" in page  # the list as the library holds it now
    # The saved version froze no reference: signing it would show readers "?key".
    assert "@smith2020 is in the library now, but version 1 was saved without it" in page
    with pytest.raises(TransitionNotAllowed) as refused:
        submit(citing_late, editor)
    assert refused.value.message == "2 problems block submission."

    citing_late.refresh_from_db()
    services.article_save_version(
        article_id=citing_late.pk,
        actor=editor,
        base_version_id=citing_late.working_version_id,
        content=Content.of(citing_late.working_version),
        note="Take in the references",
    )
    citing_late.refresh_from_db()
    assert [item["key"] for item in citing_late.working_version.references] == ["smith2020", "jones2021"]
    submit(citing_late, editor)


def test_a_version_whose_frozen_references_still_resolve_is_shown_as_signed(citing_late, editor):
    add(editor, "smith2020", "10.5555/smith")
    add(editor, "jones2021", "10.5555/jones")
    citing_late.refresh_from_db()
    version = services.article_save_version(
        article_id=citing_late.pk,
        actor=editor,
        base_version_id=citing_late.working_version_id,
        content=Content.of(citing_late.working_version),
        note="Take in the references",
    )
    library = citing.library_for(version.body)
    assert citing.references_to_show(version, library) is version.references
    assert citing.version_integrity(version, library).problems == ()


def test_a_refused_submission_says_how_many_problems_and_lists_each_once(client, citing_late, editor):
    client.force_login(editor)
    response = client.post(
        f"/desk/{citing_late.pk}/submit/", {"version_id": citing_late.working_version_id}, follow=True
    )
    page = response.content.decode()
    refusal = re.search(r'class="message error">(.*?)</li>', page, re.S).group(1)
    assert refusal == "3 problems block submission."
    for problem in (
        "line 3: unknown reference key @smith2020",
        "line 7: unknown reference key @jones2021",
        "line 7: unknown reference key @smith2020",
    ):
        assert page.count(problem) == 1, problem
