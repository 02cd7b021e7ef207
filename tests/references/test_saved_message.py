"""Saving a reference says what happened to the articles citing it, however many there are."""

import pytest

from articles import services as article_services
from articles.services import Content
from references.forms import ReferenceForm


def cite(editor, slug, key="smith2020"):
    article_services.article_create(
        actor=editor, slug=slug, topic="T", content=Content(title=slug, body=f"X [@{key}]"), note="cites"
    )


def save(client, reference, **changes):
    form = {name: value for name, value in ReferenceForm.initial_for(reference).items() if value is not None}
    response = client.post(f"/desk/references/{reference.pk}/edit/", {**form, **changes}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("citing", "message"),
    [
        (0, "Reference saved. No article&#x27;s working version cites it, so none was flagged."),
        (1, "Reference saved. The article citing it is flagged for an update."),
        (3, "Reference saved. The 3 articles citing it are flagged for an update."),
    ],
)
def test_saving_a_changed_reference_counts_the_articles_it_flagged(client, editor, smith, citing, message):
    for number in range(citing):
        cite(editor, f"citing-{number}")
    client.force_login(editor)
    assert message in save(client, smith, title="A corrected sample trial")


def test_saving_a_reference_unchanged_says_only_that_it_was_saved(client, editor, smith):
    cite(editor, "citing")
    client.force_login(editor)
    page = save(client, smith)
    assert "Reference saved.</li>" in page and "flagged" not in page
