"""List endpoints run the same number of queries however many rows they list."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.services import Content
from tests.workflow import approve, claim, publish, submit

pytestmark = pytest.mark.django_db
LISTS = (
    "/api/articles/",
    "/api/reviewers/",
    "/api/desk/articles/",
    "/api/desk/queues/editor/",
    "/api/desk/queues/review/",
    "/api/desk/queues/publish/",
    "/api/desk/queues/assigned/",
)


def _add_articles(count, start, editor, reviewer, publisher):
    for number in range(start, start + count):
        article = services.article_create(
            actor=editor,
            slug=f"article-{number}",
            topic="Cardiology",
            note="first",
            content=Content(title=f"Article {number}", body="Some text."),
        )
        submit(article, editor)
        claim(article, reviewer)
        approve(article, reviewer)
        publish(article, publisher)
        other = services.article_create(
            actor=editor,
            slug=f"waiting-{number}",
            topic="Cardiology",
            note="first",
            content=Content(title=f"Waiting {number}", body="Some text."),
        )
        submit(other, editor)
        claim(other, reviewer)


def _queries(client, url):
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def test_list_endpoints_run_a_fixed_number_of_queries(editor, reviewer, publisher, make_staff, api):
    from accounts.roles import REVIEWER

    client = api(reviewer)
    client.get("/api/desk/articles/")  # the token's first use is recorded once
    _add_articles(2, 0, editor, reviewer, publisher)
    small = {url: _queries(client, url) for url in LISTS}
    _add_articles(5, 2, editor, reviewer, publisher)
    for number in range(4):
        make_staff(f"board{number}", REVIEWER, credentials="M.D.")
    large = {url: _queries(client, url) for url in LISTS}
    assert large == small
    assert client.get("/api/articles/").json()["count"] == 7
    assert client.get("/api/desk/queues/assigned/").json()["count"] == 7
