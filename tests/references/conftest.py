import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

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


class CrossrefDouble(BaseHTTPRequestHandler):
    requests = []

    def do_GET(self):
        doi = unquote(self.path.removeprefix("/works/"))
        CrossrefDouble.requests.append(doi)
        if doi == "10.5555/broken":
            self.send_response(503)
            self.end_headers()
            return
        body = RECORDED.get(doi)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body or {"status": "error"}).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def crossref(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), CrossrefDouble)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{server.server_port}"
    CrossrefDouble.requests = []
    yield CrossrefDouble
    server.shutdown()
    server.server_close()
