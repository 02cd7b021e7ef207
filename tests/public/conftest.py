import os

import pytest
import redis
from django.core.cache import cache

# TEST_REDIS_URL lets two test runs on one machine keep to their own Redis database.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"


def redis_cache(url):
    """The cache settings CACHE_URL=<url> gives production."""
    from editorial.env import env_cache

    os.environ["TEST_CACHE_URL"] = url
    try:
        return {"default": env_cache("TEST_CACHE_URL", url)}
    finally:
        del os.environ["TEST_CACHE_URL"]


@pytest.fixture
def shared_cache(settings):
    """The page cache on, in Redis, as in production."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).flushdb()
    except redis.exceptions.ConnectionError:
        pytest.fail("Redis is not running at 127.0.0.1:6379 (start it: see .ci/run)")
    settings.CACHES = redis_cache(REDIS_URL)
    settings.PUBLIC_PAGE_CACHE = True
    return cache


@pytest.fixture
def dead_cache(settings):
    """The page cache on, in a Redis that is down."""
    settings.CACHES = redis_cache(DEAD_REDIS_URL)
    settings.PUBLIC_PAGE_CACHE = True
    return cache
