"""Writing a new article: the address suggested from the title, a preview before there is
an address or a change note, and where the summary is shown."""

import pytest

from articles.forms import suggested_slug
from articles.models import Article
from tests.articles.test_views import NEW
from tests.workflow import BODY


def test_a_new_article_without_an_address_gets_one_made_from_its_title(client, editor):
    client.force_login(editor)
    response = client.post("/desk/new/", {**NEW, "slug": "", "title": "What is Ménière’s disease?"})
    assert response.status_code == 302
    assert Article.objects.get().slug == "what-is-menieres-disease"


def test_an_address_suggested_from_a_taken_title_is_refused_and_shown_to_be_changed(client, editor, draft):
    client.force_login(editor)
    response = client.post("/desk/new/", {**NEW, "slug": "", "title": "Sample condition"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Another article already uses the address “sample-condition”: choose another." in page
    assert 'name="slug" value="sample-condition"' in page
    assert Article.objects.count() == 1


def test_a_preview_needs_neither_an_address_nor_a_change_note(client, editor, draft):
    client.force_login(editor)
    response = client.post("/desk/new/", {**NEW, "slug": "", "note": "", "preview": "1"})
    assert response.status_code == 200
    assert "Preview: What is sample fever?" in response.content.decode()
    edit = {"title": "Edited", "body": BODY, "note": "", "base_version_id": draft.working_version_id, "preview": "1"}
    assert client.post(f"/desk/{draft.pk}/edit/", edit).status_code == 200
    # Saving still needs both.
    assert client.post("/desk/new/", {**NEW, "note": ""}).status_code == 400
    save = {name: value for name, value in edit.items() if name != "preview"}
    assert client.post(f"/desk/{draft.pk}/edit/", save).status_code == 400


def test_the_form_says_where_the_summary_is_shown_and_loads_the_slug_script(client, editor):
    client.force_login(editor)
    page = client.get("/desk/new/").content.decode()
    assert "Readers see it under the title of the public page" in page
    assert "/static/js/slug-from-title.js" in page


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("What is gout?", "what-is-gout"),
        ("  Crème brûlée -- and you ", "creme-brulee-and-you"),
        ("???", ""),
        ("x" * 250, "x" * 200),
    ],
)
def test_the_suggested_address_follows_django_s_slugify(title, slug):
    assert suggested_slug(title) == slug
