import pytest
from django.core.cache import cache

from articles import services
from articles.models import Article, VersionPage

pytestmark = pytest.mark.django_db
SLUG = "sample-condition"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_a_published_article_is_readable_without_a_token(published, api, reviewer):
    response = api().get(f"/api/articles/{SLUG}/")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "What is sample condition?"
    assert "Take 5 mg once daily" in data["body_markdown"]
    assert [variant["audience"] for variant in data["audiences"]] == ["patient", "caregiver", "professional"]
    assert "<h2" in data["audiences"][0]["body_html"]
    assert data["review"]["status"] == "approved"
    assert data["review"]["reviewers"][0]["name"].startswith(reviewer.profile.name)
    assert data["review"]["last_reviewed"] is not None
    assert data["key_points"] == ["It is common", "It is treatable"]


def test_the_list_shows_published_articles_only(published, editor, api):
    services.article_create(
        actor=editor, slug="a-draft", topic="Cardiology", content=services.Content(title="Draft"), note="first"
    )
    data = api().get("/api/articles/").json()
    assert [item["slug"] for item in data["results"]] == [SLUG]
    assert data["count"] == 1


def test_a_draft_is_a_404_and_a_problem(draft, api):
    response = api().get(f"/api/articles/{SLUG}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404
    assert api().get(f"/api/articles/{SLUG}/references/").status_code == 404


def test_an_unpublished_article_is_a_404(published, publisher, api):
    services.article_unpublish(article_id=published.pk, actor=publisher, reason="Outdated dosing")
    assert api().get(f"/api/articles/{SLUG}/").status_code == 404
    assert api().get("/api/articles/").json()["count"] == 0


def test_an_article_whose_page_is_withheld_is_a_404(published, api):
    VersionPage.objects.update_or_create(
        version_id=published.published_version_id,
        audience="patient",
        defaults={
            "html": "",
            "withheld_because": "content does not match its signature",
            "rendering_format": 0,
            "citation_style": "ama",
        },
    )
    assert api().get(f"/api/articles/{SLUG}/").status_code == 404
    assert api().get("/api/articles/").json()["count"] == 0


def test_an_unchanged_article_answers_304_to_its_etag(published, api):
    client = api()
    first = client.get(f"/api/articles/{SLUG}/")
    assert first["Cache-Control"].startswith("public, max-age=")
    again = client.get(f"/api/articles/{SLUG}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    listing = client.get("/api/articles/")
    assert client.get("/api/articles/", HTTP_IF_NONE_MATCH=listing["ETag"]).status_code == 304


def test_the_etag_changes_when_the_review_facts_change(published, api):
    client = api()
    etag = client.get(f"/api/articles/{SLUG}/")["ETag"]
    Article.objects.filter(pk=published.pk).update(public_approved=False)
    response = client.get(f"/api/articles/{SLUG}/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response.json()["review"]["status"] != "approved"


def test_filters_by_topic_and_updated_since(published, api):
    client = api()
    assert client.get("/api/articles/?topic=Cardiology").json()["count"] == 1
    assert client.get("/api/articles/?topic=Oncology").json()["count"] == 0
    assert client.get("/api/articles/?updated_since=2000-01-01").json()["count"] == 1
    assert client.get("/api/articles/?updated_since=2999-01-01T00:00:00Z").json()["count"] == 0


def test_a_malformed_date_is_a_400_naming_the_parameter(api):
    response = api().get("/api/articles/?updated_since=yesterday")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["pointer"] == "/updated_since"


def test_references_come_as_csl_json_in_citation_order(editor, reviewer, publisher, api):
    from references.services import reference_create
    from tests.references.conftest import reference_fields
    from tests.workflow import approve, claim, publish, submit

    reference_create(actor=editor, key="smith2020", fields=reference_fields(title="A trial", doi="10.1000/xyz"))
    article = services.article_create(
        actor=editor,
        slug=SLUG,
        topic="Cardiology",
        note="first",
        content=services.Content(title="Cited", body="Works well [@smith2020]."),
    )
    submit(article, editor)
    claim(article, reviewer)
    approve(article, reviewer)
    publish(article, publisher)
    items = api().get(f"/api/articles/{SLUG}/references/").json()
    assert items == [{**items[0], "id": "smith2020", "title": "A trial", "DOI": "10.1000/xyz", "number": 1}]
    assert items[0]["author"] == [{"family": "Smith", "given": "Jo"}]


def test_reviewer_profiles_are_for_board_members_only(published, reviewer, editor, api):
    data = api().get("/api/reviewers/").json()
    assert [item["slug"] for item in data["results"]] == [reviewer.profile.slug]
    assert api().get(f"/api/reviewers/{editor.profile.slug}/").status_code == 404
    detail = api().get(f"/api/reviewers/{reviewer.profile.slug}/").json()
    assert [item["slug"] for item in detail["reviewed"]] == [SLUG]


def test_an_unknown_api_address_is_a_problem_not_a_page(api):
    response = api().get("/api/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_schema_and_the_docs_are_served_without_a_cdn(api):
    assert api().get("/api/schema/").status_code == 200
    docs = api().get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs
    assert "https://" not in docs.replace("https://www.w3.org", "")


def test_a_time_with_an_offset_postgresql_refuses_is_read_in_utc_not_a_500(published, api):
    response = api().get("/api/articles/?updated_since=2000-12-30T19:53:00-18:34")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert api().get("/api/articles/?updated_since=9999-12-31T23:59:00-18:00").status_code == 400


def test_malformed_json_and_other_media_types_are_refused_as_problems(editor, api):
    client = api(editor)
    broken = client.generic("POST", "/api/desk/articles/", "{not json", content_type="application/json")
    assert broken.status_code == 400 and broken["Content-Type"] == "application/problem+json"
    form = client.post("/api/desk/articles/", {"title": "x"})  # multipart
    assert form.status_code == 415 and form["Content-Type"] == "application/problem+json"
    html = api().get("/api/articles/", HTTP_ACCEPT="text/html")
    assert html.status_code == 406 and html["Content-Type"] == "application/problem+json"
