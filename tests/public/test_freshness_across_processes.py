"""Freshness is a guarantee across processes: the production start (gunicorn with two
workers, a Celery worker, Redis as broker and shared cache) on the test database.
A change made in any process is what every web worker serves within 2 s."""

import time
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from articles import services
from articles.services import Content
from articles.tasks import publish_due_articles  # here, not in a test: see use_broker()
from tests.processes import (
    REDIS_URL,
    get,
    production_env,
    start_celery_worker,
    start_gunicorn,
    use_broker,
    wait_for,
)
from tests.public.conftest import redis_cache
from tests.workflow import approve, claim, submit

pytestmark = pytest.mark.django_db(transaction=True)
PAGE = "/articles/sample-condition/"
FRESH_WITHIN = 2  # seconds


@pytest.fixture(params=["shared cache", "no CACHE_URL"])
def production(request, settings, static_root):
    """gunicorn (2 workers) and a Celery worker, started with a Redis page cache (this
    process then uses it too) or without CACHE_URL, as the README allows both."""
    redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    env = production_env(STATIC_ROOT=str(static_root))
    if request.param == "shared cache":
        settings.CACHES, settings.PUBLIC_PAGE_CACHE = redis_cache(REDIS_URL), True
    else:
        del env["CACHE_URL"]
    web, worker = start_gunicorn(env, workers=2), start_celery_worker(env)
    yield web
    use_broker(None)
    web.stop()
    worker.stop()


def statuses(web, count=20):
    return [get(web.url + PAGE)[0] for _ in range(count)]


def bodies(web, count=20):
    return [get(web.url + PAGE)[1] for _ in range(count)]


def fresh_within(serves_the_change, seconds=FRESH_WITHIN, count=20):
    """Whether every request started `seconds` or more after the change (it has just
    committed) serves it. Requests go on, one after another, until `count` such late
    ones were answered (with two workers, both answer some). Each request is timed from
    its start, so a slow machine makes the check coarser, never stricter: a process
    may serve its copy of the old page for up to PUBLIC_PAGE_RECHECK_MS after a change
    made elsewhere, never past the guarantee."""
    changed = time.monotonic()
    late = 0
    while late < count:
        started_late = time.monotonic() - changed >= seconds
        served = serves_the_change()
        if started_late:
            if not served:
                return False
            late += 1
    return True


def schedule_publication(article, publisher, seconds_from_now=1):
    """Schedule the working version (today's schedule service), and wait until it is due."""
    article.refresh_from_db()
    services.article_schedule(
        article_id=article.pk,
        actor=publisher,
        expected_version_id=article.working_version_id,
        publish_at=timezone.now() + timedelta(seconds=seconds_from_now),
        public_note="Updated.",
    )
    time.sleep(seconds_from_now + 0.1)


def test_an_unpublished_page_is_gone_from_every_web_worker_within_two_seconds(production, published, publisher):
    assert statuses(production) == [200] * 20  # both workers have it cached
    services.article_unpublish(article_id=published.pk, actor=publisher, reason="withdrawn")
    assert fresh_within(lambda: get(production.url + PAGE)[0] == 404), "a withdrawn page was still served"


def test_a_scheduled_publication_by_the_celery_worker_reaches_every_web_worker_within_two_seconds(
    production, published, editor, reviewer2, publisher
):
    assert all("What is sample condition?" in body for body in bodies(production))  # cached everywhere
    services.article_save_version(
        article_id=published.pk,
        actor=editor,
        base_version_id=published.working_version_id,
        note="update",
        content=Content(title="What is sample condition? (2027 update)", body="Updated text."),
    )
    submit(published, editor), claim(published, reviewer2), approve(published, reviewer2)
    schedule_publication(published, publisher)

    use_broker(REDIS_URL)  # what beat does: send the task to the worker process
    publish_due_articles.delay()
    published.refresh_from_db()
    assert wait_for(lambda: _refreshed(published), 30), "the worker did not publish"
    assert fresh_within(lambda: "(2027 update)" in get(production.url + PAGE)[1]), "an old page was served"


def _refreshed(article):
    article.refresh_from_db()
    return article.published_version_id == article.working_version_id


def test_the_web_health_check_reports_worker_and_beat_alive_once_the_heartbeat_ran(production):
    status, body, _ = get(production.url + "/healthz")
    assert status == 503 and '"worker": "error: no heartbeat yet"' in body
    use_broker(REDIS_URL)  # what beat does every interval
    from editorial.celery import app

    app.send_task("accounts.tasks.heartbeat")
    assert wait_for(lambda: get(production.url + "/healthz")[0] == 200, 30), get(production.url + "/healthz")[1]
    assert '"beat": "ok"' in get(production.url + "/healthz")[1]
