"""The one cache of finished public pages, shared by every process (Redis).

Each article has a generation token in the cache, and each cached page records the
token it was rendered under. A change drops every page of the article at once by
setting a new token (forget), from whichever process made it (a web worker, the
Celery worker); a page whose token is not the current one is a miss. So a reader who
rendered the old state just before a change, and stores it just after, stores a page
nobody will be served. A lookup is one round trip (both keys in one MGET).

Each process also keeps the pages it has fetched, with the token each was rendered under,
so a hit asks the shared cache for the article's current token only (a few bytes instead
of the whole page), and only when the copy was last checked against the shared token
more than PUBLIC_PAGE_RECHECK_MS ago (one second by default; 0 checks every
request). A change made in another process is therefore served everywhere within that
interval (the guarantee is two seconds); a change made in this process drops this
process's copies at once.

The cache is a speed layer, never a dependency: when it is down every call here
answers as a miss (or False) and the page is rendered from the database.
"""

import logging
import time
import uuid

from django.conf import settings
from django.core.cache import cache

from public.pages import AUDIENCES, RENDERING_FORMAT

log = logging.getLogger(__name__)

# Pages this process fetched from the shared cache, by page key. Bounded: emptied when full.
_fetched = {}
FETCHED_PAGES = 256


def _generation_key(slug):
    return f"public-generation:{slug}"


def _page_key(slug, audience):
    return f"public-page:{RENDERING_FORMAT}:{slug}:{audience}"


def lookup(slug, audience):
    """(cached entry or None, token to store a fresh entry under or None)."""
    if not settings.PUBLIC_PAGE_CACHE:
        return None, None
    generation_key, page_key = _generation_key(slug), _page_key(slug, audience)
    fetched = _fetched.get(page_key)
    now = time.monotonic()
    if fetched is not None and now < fetched["checked_until"]:
        return _still_valid(fetched), fetched["token"]
    try:
        if fetched is not None:
            if cache.get(generation_key) == fetched["token"]:
                fetched["checked_until"] = now + settings.PUBLIC_PAGE_RECHECK_MS / 1000
                return _still_valid(fetched), fetched["token"]
            _fetched.pop(page_key, None)  # the article changed since: this copy is never served again
        found = cache.get_many([generation_key, page_key])
        token = found.get(generation_key)
        if token is None:
            cache.add(generation_key, uuid.uuid4().hex, None)
            return None, cache.get(generation_key)
    except Exception as error:  # Redis down or unreachable: serve from the database
        log.warning("public page cache unavailable (%s); rendering from the database", error)
        return None, None
    entry = found.get(page_key)
    if entry is None or entry["token"] != token:
        return None, token  # never cached, or cached before the article last changed
    _keep(page_key, entry, checked_until=now + settings.PUBLIC_PAGE_RECHECK_MS / 1000)
    return _still_valid(entry), token


def _keep(page_key, entry, checked_until=0.0):
    """Keep a copy in this process; one not just checked against the shared token
    (checked_until 0) is checked on its first lookup."""
    if len(_fetched) >= FETCHED_PAGES:
        _fetched.clear()
    _fetched[page_key] = {**entry, "checked_until": checked_until}


def _still_valid(entry):
    now = time.time()
    if entry["valid_until"] is not None and now >= entry["valid_until"]:
        return None  # the review fell due: the page says so now
    if now >= entry.get("expires", now + 1):
        return None  # as old as the shared cache keeps a page: render it afresh
    return entry


def store(slug, audience, token, entry):
    """Keep a finished page, marked with the token lookup() gave; never fails."""
    if token is None:
        return
    seconds = settings.PUBLIC_PAGE_CACHE_SECONDS
    if entry["valid_until"] is not None:
        seconds = max(1, min(seconds, int(entry["valid_until"] - time.time())))
    page_key = _page_key(slug, audience)
    entry = {**entry, "token": token, "expires": time.time() + seconds}
    try:
        cache.set(page_key, entry, seconds)
    except Exception as error:
        log.warning("public page not cached (%s)", error)
        return
    _keep(page_key, entry)


def forget(slug):
    """Drop every cached page of the article; False when the cache could not be reached
    (the caller's outbox row then stays pending and the sweep tries again)."""
    if not settings.PUBLIC_PAGE_CACHE:
        return True
    for audience in AUDIENCES:
        _fetched.pop(_page_key(slug, audience), None)
    try:
        cache.set(_generation_key(slug), uuid.uuid4().hex, None)
    except Exception as error:
        log.warning("cached pages of %s not dropped (%s); the sweep will retry", slug, error)
        return False
    return True
