import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from references import services
from references.normalize import normalize_title

SAMPLES = Path(__file__).with_name("samples")


def reference_fields(title="A sample trial", family="Smith", year=2020, **extra):
    fields = {
        "kind": "research",
        "title": title,
        "authors": [{"family": family, "given": "Jo"}],
        "source": "J Sample Med",
        "year": year,
        "volume": "1",
        "pages": "1-9",
        **extra,
    }
    fields["title_key"] = normalize_title(fields["title"])
    return fields


@pytest.fixture
def add_reference(editor):
    def add(key="", **overrides):
        return services.reference_create(actor=editor, fields=reference_fields(**overrides), key=key)

    return add


@pytest.fixture
def smith(add_reference):
    return add_reference(key="smith2020", doi="10.5555/smith")


@pytest.fixture
def jones(add_reference):
    return add_reference(key="jones2021", title="Another sample study", family="Jones", year=2021, pmid="123")


# A local HTTP server answering like Crossref, for the retraction watch.
RETRACTED_DOI = "10.5555/retracted"
RECORDED = {
    RETRACTED_DOI: {
        "status": "ok",
        "message-type": "work",
        "message": {
            "DOI": RETRACTED_DOI,
            "title": ["A retracted sample"],
            "updated-by": [
                {
                    "DOI": "10.5555/retraction-notice",
                    "type": "retraction",
                    "source": "retraction-watch",
                    "label": "Retraction",
                    "updated": {"date-parts": [[2026, 11, 1]]},
                }
            ],
        },
    },
    "10.5555/fine": {
        "status": "ok",
        "message-type": "work",
        "message": {
            "DOI": "10.5555/fine",
            "title": ["A sound sample"],
            "updated-by": [{"DOI": "10.5555/erratum", "type": "correction"}],
        },
    },
}


# Notices that name a work in their `update-to` (Crossref's `updates:` filter), by DOI.
NOTICES_NAMING = {}
# PubMed summaries (E-utilities esummary, JSON), by PMID.
PUBMED = {}


class CrossrefDouble(BaseHTTPRequestHandler):
    """Answers like Crossref (/works/<doi>, /works?filter=updates:<doi>) and like NCBI
    E-utilities (/esummary.fcgi?id=<pmid>). `requests` lists the DOIs asked for,
    `filters` the DOIs searched for in update-to, `pubmed` the PMIDs; `throttle` maps a
    path prefix to Retry-After values answered with 429, one per request, before 200."""

    requests, filters, pubmed, throttle, times = [], [], [], {}, []

    def _json(self, status, body, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(json.dumps(body).encode())

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        CrossrefDouble.times.append((time.monotonic(), self.path))
        for prefix, waits in CrossrefDouble.throttle.items():
            if url.path.startswith(prefix) and waits:
                return self._json(429, {"status": "slow down"}, [("Retry-After", waits.pop(0))])
        if url.path == "/esummary.fcgi":
            pmid = query["id"][0]
            CrossrefDouble.pubmed.append(pmid)
            record = PUBMED.get(pmid)
            missing = {"uids": [], pmid: {"error": "cannot get document summary"}}
            result = {"uids": [pmid], pmid: record} if record else missing
            return self._json(200, {"header": {"type": "esummary"}, "result": result})
        if url.path == "/works":
            doi = query["filter"][0].removeprefix("updates:")
            CrossrefDouble.filters.append(doi)
            items = NOTICES_NAMING.get(doi, [])
            return self._json(200, {"status": "ok", "message-type": "work-list", "message": {"items": items}})
        doi = unquote(url.path.removeprefix("/works/"))
        CrossrefDouble.requests.append(doi)
        if doi == "10.5555/broken":
            self.send_response(503)
            self.end_headers()
            return
        body = RECORDED.get(doi)
        self._json(200 if body else 404, body or {"status": "error"})

    def log_message(self, *args):
        pass


@pytest.fixture
def crossref(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), CrossrefDouble)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.NCBI_EUTILS_URL = f"http://127.0.0.1:{server.server_port}"
    CrossrefDouble.requests, CrossrefDouble.filters, CrossrefDouble.pubmed = [], [], []
    CrossrefDouble.throttle, CrossrefDouble.times = {}, []
    yield CrossrefDouble
    server.shutdown()
    server.server_close()
