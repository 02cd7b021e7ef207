import pytest
from django.core.cache import cache

from articles import services
from articles.services import Content
from tests.workflow import approve, claim, publish, submit


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def publish_article(slug, title, body, editor, reviewer, publisher):
    article = services.article_create(
        actor=editor, slug=slug, topic="Heart", note="n", content=Content(title=title, body=body)
    )
    submit(article, editor), claim(article, reviewer), approve(article, reviewer), publish(article, publisher)
    return article


@pytest.fixture
def two_live(editor, reviewer, publisher):
    return (
        publish_article(
            "statins", "Statins and the heart", "Statins lower cholesterol in adults.", editor, reviewer, publisher
        ),
        publish_article(
            "aspirin", "Aspirin facts", "Aspirin thins the blood; statins are different.", editor, reviewer, publisher
        ),
    )


def test_search_ranks_published_articles_and_ignores_drafts(client, two_live, draft):
    page = client.get("/articles/", {"q": "statins"}).content.decode()
    assert page.index("Statins and the heart") < page.index("Aspirin facts")
    assert "What is sample condition?" not in client.get("/articles/", {"q": "condition"}).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        '"unclosed quote',
        "statins OR -aspirin",
        "a & | ! :*",
        "x" * 10_000,
        "nul\x00byte",
        "%",
        "';DROP TABLE articles_article;--",
    ],
)
def test_search_answers_odd_input_normally(client, two_live, query):
    assert client.get("/articles/", {"q": query}).status_code == 200


def test_index_groups_published_articles_by_topic(client, two_live):
    page = client.get("/articles/").content.decode()
    assert "<h2>Heart</h2>" in page and "Statins and the heart" in page


def test_sitemap_lists_published_articles_and_their_reviewers_only(client, two_live, draft, reviewer):
    xml = client.get("/sitemap.xml").content.decode()
    assert "/articles/statins/" in xml and "/articles/aspirin/" in xml
    assert "/articles/sample-condition/" not in xml
    assert reviewer.profile.get_absolute_url() in xml


def test_reviewer_profile_lists_the_articles_they_reviewed(client, two_live, reviewer):
    page = client.get(reviewer.profile.get_absolute_url()).content.decode()
    assert "Statins and the heart" in page and "Aspirin facts" in page


def test_editorial_policy_is_public_and_only_publishers_edit_it(client, publisher, editor):
    assert "How we review" in client.get("/editorial-policy/").content.decode()
    client.force_login(editor)
    assert client.get("/desk/pages/editorial-policy/").status_code == 403
    assert client.post("/desk/pages/editorial-policy/", {"title": "Hacked", "body": "x"}).status_code == 403
    client.force_login(publisher)
    response = client.post(
        "/desk/pages/editorial-policy/", {"title": "Editorial policy", "body": "## New rules\n\nText"}
    )
    assert response.status_code == 302
    assert "New rules" in client.get("/editorial-policy/").content.decode()


def test_publishing_writes_static_pages_and_unpublishing_removes_them(
    settings, tmp_path, editor, reviewer, publisher, django_capture_on_commit_callbacks
):
    settings.STATIC_EXPORT_DIR = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        article = publish_article(
            "statins",
            "Statins and the heart",
            "::: audience professional\nPro text\n:::\n",
            editor,
            reviewer,
            publisher,
        )
    default = tmp_path / "articles" / "statins" / "index.html"
    professional = tmp_path / "articles" / "statins" / "professional" / "index.html"
    assert "Statins and the heart" in default.read_text() and "Pro text" not in default.read_text()
    assert "Pro text" in professional.read_text()
    assert (tmp_path / "static" / "css" / "site.css").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article_id=article.pk, actor=publisher, reason="withdrawn")
    assert not (tmp_path / "articles" / "statins").exists()


def test_refreshing_exports_rewrites_a_page_whose_review_fell_due(settings, tmp_path, two_live):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import Article
    from public.tasks import refresh_exports

    settings.STATIC_EXPORT_DIR = str(tmp_path)
    refresh_exports()
    page = tmp_path / "articles" / "statins" / "index.html"
    assert "Review due since" not in page.read_text()
    Article.objects.update(public_reviewed_at=timezone.now() - timedelta(days=400))  # approved 400 days ago
    assert refresh_exports() == 6
    assert "Review due since" in page.read_text()
