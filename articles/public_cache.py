"""The cache of finished public pages, and a WSGI layer that answers from it.

The Django view marks each public page it renders as cacheable (MARKER header);
`FastPublicPages`, wrapped around the WSGI application, keeps that final response
(with every header the middleware added) and replays it for the next reader without
running Django at all (no middleware, no query). The services drop an
article's entries after any change to it commits; an entry whose review facts change
with time (the re-review date) carries its own expiry.
"""

import re
import time
from email.utils import parsedate_to_datetime
from http.cookies import SimpleCookie

from django.conf import settings
from django.core.cache import cache

from articles.rendering import AUDIENCES, DEFAULT_AUDIENCE

PATH = re.compile(r"^/articles/(?P<slug>[-a-zA-Z0-9_]+)/(?:(?P<audience>[a-z]+)/)?$")


def _key(slug, audience):
    return f"public-fast:{slug}:{audience}"


MARKER = "X-Imprimatur-Public-Page"


def mark(response, slug, audience, valid_until=None):
    """Ask the fast path to keep this response; `valid_until` is a UNIX time or None."""
    if settings.PUBLIC_PAGE_CACHE and response.status_code == 200:
        response[MARKER] = f"{slug} {audience} {valid_until or ''}".strip()


def _remember(marker, headers, body):
    slug, audience, *until = marker.split(" ")
    kept = [(name, value) for name, value in headers if name.lower() != "set-cookie"]
    lookup = {name.lower(): value for name, value in kept}
    entry = {"headers": kept, "body": body, "etag": lookup.get("etag", ""),
             "last_modified": lookup.get("last-modified", ""), "valid_until": float(until[0]) if until else None}
    cache.set(_key(slug, audience), entry, settings.PUBLIC_PAGE_CACHE_SECONDS)


def forget(slug):
    cache.delete_many([_key(slug, audience) for audience in AUDIENCES])


def _not_modified(environ, entry):
    match = environ.get("HTTP_IF_NONE_MATCH")
    if match is not None:
        return entry["etag"] in [tag.strip() for tag in match.split(",")] or match.strip() == "*"
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        try:
            return parsedate_to_datetime(entry["last_modified"]) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _chosen_audience(environ):
    raw = environ.get("HTTP_COOKIE")
    if not raw or "audience=" not in raw:
        return None
    try:
        morsel = SimpleCookie(raw).get("audience")
    except Exception:  # a malformed cookie header: let Django deal with it
        return "?"
    return morsel.value if morsel else None


class FastPublicPages:
    """WSGI middleware: serve cached public article pages before Django runs."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        entry = self._entry(environ)
        if entry is None:
            return self._through_django(environ, start_response)
        if _not_modified(environ, entry):
            keep = {"etag", "last-modified", "cache-control"}
            start_response("304 Not Modified", [(n, v) for n, v in entry["headers"] if n.lower() in keep])
            return [b""]
        start_response("200 OK", entry["headers"])
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [entry["body"]]

    def _through_django(self, environ, start_response):
        seen = {}

        def capture(status, headers, exc_info=None):
            marker = next((value for name, value in headers if name == MARKER), None)
            headers = [(name, value) for name, value in headers if name != MARKER]
            seen.update(status=status, headers=headers, marker=marker)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        chunks = self.application(environ, capture)
        if not seen.get("marker"):
            return chunks
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()  # Django's request_finished (closes connections) runs here
        _remember(seen["marker"], seen["headers"], body)
        return [body]

    @staticmethod
    def _entry(environ):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
            return None
        if not settings.PUBLIC_PAGE_CACHE:
            return None
        match = PATH.match(environ.get("PATH_INFO", ""))
        if match is None:
            return None
        audience = match["audience"] or DEFAULT_AUDIENCE
        if match["audience"] is None and _chosen_audience(environ) not in (None, DEFAULT_AUDIENCE):
            return None  # Django redirects to the remembered audience
        entry = cache.get(_key(match["slug"], audience))
        if entry is None or (entry["valid_until"] is not None and time.time() >= entry["valid_until"]):
            return None
        return entry
