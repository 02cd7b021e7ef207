"""The WSGI layer that answers cached public pages before Django runs."""

import io

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from articles.public_cache import FastPublicPages


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def call(app, path, **headers):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": io.StringIO(),
               **headers}
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As Django's test client does: keep the test's connection (and transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(app(environ, start_response))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


@pytest.fixture
def app():
    return FastPublicPages(WSGIHandler())


def test_a_cached_page_is_answered_without_any_query(app, published, django_assert_num_queries):
    status, headers, body = call(app, "/articles/sample-condition/")
    assert status.startswith("200") and b"What is sample condition?" in body
    with django_assert_num_queries(0):
        again = call(app, "/articles/sample-condition/")
    assert again[2] == body and again[1]["ETag"] == headers["ETag"]
    assert again[1]["X-Frame-Options"] == "DENY" and again[1]["X-Content-Type-Options"] == "nosniff"
    with django_assert_num_queries(0):
        status, _, body = call(app, "/articles/sample-condition/", HTTP_IF_NONE_MATCH=headers["ETag"])
    assert status.startswith("304") and body == b""


def test_a_change_after_commit_drops_the_cached_page(app, published, editor, reviewer2, publisher,
                                                     django_capture_on_commit_callbacks):
    from articles import services

    call(app, "/articles/sample-condition/")
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    assert call(app, "/articles/sample-condition/")[0].startswith("404")


def test_a_remembered_audience_and_query_strings_go_to_django(app, published):
    call(app, "/articles/sample-condition/")
    status, headers, _ = call(app, "/articles/sample-condition/", HTTP_COOKIE="audience=professional")
    assert status.startswith("302") and headers["Location"].endswith("/professional/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert call(app, "/articles/sample-condition/", QUERY_STRING="utm=x")[0].startswith("200")
    assert 1 <= len(queries.captured_queries) <= 3  # Django answered (the fast path makes none)


def test_an_entry_expires_when_the_review_falls_due(app, published):
    from articles.public_cache import _key

    call(app, "/articles/sample-condition/")
    entry = cache.get(_key("sample-condition", "patient"))
    assert entry["valid_until"] is not None  # one year after the approval
    entry["valid_until"] = 0
    cache.set(_key("sample-condition", "patient"), entry)
    from django.test.utils import CaptureQueriesContext
    from django.db import connection

    with CaptureQueriesContext(connection) as queries:
        call(app, "/articles/sample-condition/")
    assert len(queries.captured_queries) >= 1  # Django answered, with the current facts
