"""The public read path: a cache outage degrades to the database, every answer passes
Django's host and HTTPS checks, exports follow withdrawals, and settings refuse a
per-process page cache in production."""

import io
import time

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from articles import services
from public.tasks import refresh_exports
from tests.accounts.test_settings import PRODUCTION_ENV, run_django
from tests.public.conftest import REDIS_URL, redis_cache

PAGE = "/articles/sample-condition/"


# ---------------------------------------------------------------- a cache that is down


def test_with_the_cache_down_readers_get_the_page_from_the_database(client, dead_cache, published):
    response = client.get(PAGE)
    assert response.status_code == 200 and "What is sample condition?" in response.content.decode()
    assert client.get("/articles/no-such-article/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_with_the_cache_down_an_unpublish_answers_normally_and_the_sweep_finishes_its_follow_ups(
    client, dead_cache, published, publisher, settings, tmp_path
):
    from articles.models import PublicChange
    from public import changes as public_changes

    settings.STATIC_EXPORT_DIR = str(tmp_path)
    refresh_exports()
    assert (tmp_path / "articles" / "sample-condition" / "index.html").exists()
    client.force_login(publisher)
    response = client.post(f"/desk/{published.pk}/unpublish/", {"reason": "withdrawn"})
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.published_version_id is None
    assert not (tmp_path / "articles" / "sample-condition").exists()  # the export did not wait for the cache
    pending = list(PublicChange.objects.filter(done_at__isnull=True))
    assert pending and all("cache" in change.error for change in pending)
    assert client.get(PAGE).status_code == 404
    # The cache is back: beat's sweep drops the old pages and closes the rows.
    settings.CACHES = redis_cache(REDIS_URL)
    assert public_changes.apply_pending() == len(pending)
    assert not PublicChange.objects.filter(done_at__isnull=True).exists()


def test_a_cached_page_is_dropped_when_the_article_changes(
    client, shared_cache, published, publisher, django_capture_on_commit_callbacks
):
    assert client.get(PAGE).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    assert client.get(PAGE).status_code == 404


def test_a_page_rendered_before_a_change_and_cached_after_it_is_never_served(
    shared_cache, published, publisher, client, django_capture_on_commit_callbacks
):
    from public import cache as public_cache

    _, token = public_cache.lookup("sample-condition", "patient")  # a reader starts, reads the old page ...
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    public_cache.store(
        "sample-condition",
        "patient",
        token,  # ... and stores it after the change
        {"body": b"stale", "etag": '"x"', "last_modified": 0, "valid_until": None},
    )
    assert client.get(PAGE).status_code == 404


def test_a_process_serves_its_copy_of_a_page_only_while_the_shared_token_is_current(
    shared_cache, published, client, settings
):
    from public import cache as public_cache

    settings.PUBLIC_PAGE_RECHECK_MS = 0  # every lookup asks the shared cache

    assert client.get(PAGE).status_code == 200  # rendered and stored
    entry, token = public_cache.lookup("sample-condition", "patient")
    assert entry is not None and entry["token"] == token
    # The shared copy is gone (evicted): this process still has the page for this token.
    shared_cache.delete(public_cache._page_key("sample-condition", "patient"))
    assert public_cache.lookup("sample-condition", "patient")[0]["body"] == entry["body"]
    # Another process changes the article (a new token in the shared cache): the copy is not served.
    shared_cache.set(public_cache._generation_key("sample-condition"), "a-newer-generation", None)
    assert public_cache.lookup("sample-condition", "patient") == (None, "a-newer-generation")


def test_another_process_change_is_seen_within_the_recheck_interval(shared_cache, published, client, settings):
    from public import cache as public_cache

    settings.PUBLIC_PAGE_RECHECK_MS = 300
    assert client.get(PAGE).status_code == 200  # rendered and stored
    entry, token = public_cache.lookup("sample-condition", "patient")  # checked against the shared token now
    # Another process changes the article: for at most the interval this process keeps its copy ...
    shared_cache.set(public_cache._generation_key("sample-condition"), "a-newer-generation", None)
    assert public_cache.lookup("sample-condition", "patient")[0]["body"] == entry["body"]
    time.sleep(0.35)
    # ... then asks again and stops serving it.
    assert public_cache.lookup("sample-condition", "patient") == (None, "a-newer-generation")


def test_a_change_made_in_this_process_drops_its_copy_at_once(
    shared_cache, published, publisher, client, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_RECHECK_MS = 2000
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200  # served from this process's copy, checked just now
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    assert client.get(PAGE).status_code == 404


# ---------------------------------------------------------------- Django's checks on every answer


def wsgi_get(path, host="127.0.0.1", scheme="http"):
    """A request through the deployed WSGI application, as gunicorn makes it (loaded
    afresh: its middleware reads the settings when it is built)."""
    import importlib

    import editorial.wsgi

    application = importlib.reload(editorial.wsgi).application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "443" if scheme == "https" else "80",
        "HTTP_HOST": host,
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    # As Django's test client does: keep the test's connection (and transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        chunks = application(environ, start_response)
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_a_cached_page_over_plain_http_is_redirected_to_https(settings, shared_cache, published):
    settings.SECURE_SSL_REDIRECT, settings.ALLOWED_HOSTS = True, ["reviews.example.org"]
    assert wsgi_get(PAGE, host="reviews.example.org", scheme="https")[0].startswith("200")  # now cached
    status, headers, _ = wsgi_get(PAGE, host="reviews.example.org", scheme="http")
    assert status.startswith("301") and headers["Location"] == "https://reviews.example.org" + PAGE


def test_a_cached_page_is_refused_to_a_host_not_allowed(settings, shared_cache, published):
    settings.ALLOWED_HOSTS = ["reviews.example.org"]
    assert wsgi_get(PAGE, host="reviews.example.org")[0].startswith("200")  # now cached
    assert wsgi_get(PAGE, host="evil.example.com")[0].startswith("400")


# ---------------------------------------------------------------- static export


def test_a_withdrawal_whose_export_task_was_lost_is_removed_by_the_next_refresh(
    settings, tmp_path, published, publisher
):
    settings.STATIC_EXPORT_DIR = str(tmp_path)
    refresh_exports()
    page = tmp_path / "articles" / "sample-condition" / "index.html"
    assert page.exists()
    (tmp_path / "articles" / "renamed-long-ago").mkdir()  # a slug that no longer exists
    (tmp_path / "articles" / "renamed-long-ago" / "index.html").write_text("old")
    # The follow-up is never applied: no on_commit callback runs here, as when the broker is down.
    services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    assert page.exists()
    refresh_exports()
    assert not (tmp_path / "articles" / "sample-condition").exists()
    assert not (tmp_path / "articles" / "renamed-long-ago").exists()


def test_the_sweep_applies_a_follow_up_whose_task_was_lost(settings, tmp_path, published, publisher):
    from public import changes as public_changes

    settings.STATIC_EXPORT_DIR = str(tmp_path)
    refresh_exports()
    services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    assert (tmp_path / "articles" / "sample-condition").exists()
    assert public_changes.apply_pending() >= 1
    assert not (tmp_path / "articles" / "sample-condition").exists()
    assert public_changes.apply_pending() == 0  # each row is applied once


def test_refresh_rewrites_a_stale_exported_page(settings, tmp_path, published):
    settings.STATIC_EXPORT_DIR = str(tmp_path)
    page = tmp_path / "articles" / "sample-condition" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("an old rendering")
    refresh_exports()
    assert "What is sample condition?" in page.read_text()


# ---------------------------------------------------------------- settings


def test_production_refuses_a_page_cache_each_process_keeps_for_itself():
    result = run_django("print('started')", **PRODUCTION_ENV, CACHE_URL="locmem://", PUBLIC_PAGE_CACHE="true")
    assert result.returncode != 0 and "started" not in result.stdout
    assert "CACHE_URL" in result.stderr and "ImproperlyConfigured" in result.stderr


@pytest.mark.parametrize("cache_url, cached", [("", "False"), ("redis://127.0.0.1:6379/1", "True")])
def test_the_page_cache_is_on_only_when_cache_url_names_a_shared_cache(cache_url, cached):
    result = run_django(
        "from django.conf import settings; print(settings.PUBLIC_PAGE_CACHE)", **PRODUCTION_ENV, CACHE_URL=cache_url
    )
    assert result.stdout.strip() == cached, result.stderr


def test_a_follow_up_claimed_by_a_worker_that_died_is_applied_by_a_later_sweep(
    settings, tmp_path, published, publisher
):
    from datetime import timedelta

    from django.utils import timezone

    from articles.models import PublicChange
    from public import changes as public_changes

    settings.STATIC_EXPORT_DIR = str(tmp_path)
    refresh_exports()
    services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    PublicChange.objects.filter(done_at__isnull=True).update(claimed_at=timezone.now())  # a worker took them, then died
    assert public_changes.apply_pending() == 0
    assert public_changes.apply_pending(now=timezone.now() + public_changes.STALE_CLAIM + timedelta(seconds=1)) >= 1
    assert not (tmp_path / "articles" / "sample-condition").exists()


def test_the_shared_cache_keeps_one_redis_client_per_process(shared_cache):
    # Django's Redis cache builds a client per call, which cost more than the round trip.
    client = shared_cache._cache.get_client()
    shared_cache.set("probe", 1)
    assert shared_cache.get("probe") == 1
    assert shared_cache._cache.get_client() is client
    assert shared_cache._cache.get_client(write=True) is client


def test_a_cached_page_is_answered_before_the_session_and_the_resolver_with_every_security_header(
    client,
    shared_cache,
    published,
    settings,
    django_assert_num_queries,
):
    url = f"/articles/{published.slug}/"
    assert client.get(url).status_code == 200  # rendered and stored
    # A URL configuration without the public pages: only the middleware can answer now.
    settings.ROOT_URLCONF = "tests.public.no_urls"
    with django_assert_num_queries(0):
        cached = client.get(url)
    assert cached.status_code == 200 and published.published_version.title.encode() in cached.content
    assert cached["X-Frame-Options"] == "DENY" and cached["X-Content-Type-Options"] == "nosniff"
    assert cached["Referrer-Policy"] == "same-origin" and "Cookie" in cached["Vary"]
    assert "sessionid" not in cached.cookies and "csrftoken" not in cached.cookies
    assert client.get(url, HTTP_IF_NONE_MATCH=cached["ETag"]).status_code == 304


def test_a_remembered_audience_still_redirects_and_the_chooser_still_answers(client, shared_cache, published):
    url = f"/articles/{published.slug}/"
    client.get(url)
    client.cookies["audience"] = "professional"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith("/professional/")
    assert client.get(f"/articles/{published.slug}/audience/?audience=caregiver").status_code == 302
