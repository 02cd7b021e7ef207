"""Adding a reference by DOI or PubMed ID, against a local HTTP server (a real socket,
in a thread) answering like Crossref's works API and NCBI's efetch, including timeouts,
errors and malformed answers."""

import html
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from references import lookup
from references.lookup import NotAnIdentifier, parse_identifier
from references.models import Reference

WORK = {
    "DOI": "10.5555/found",
    "type": "journal-article",
    "title": ["Early <i>mobilisation</i> after hip fracture"],
    "author": [
        {"given": "Adaeze N.", "family": "Okafor", "sequence": "first", "affiliation": []},
        {"given": "Per", "family": "Lindqvist", "sequence": "additional", "affiliation": []},
    ],
    "container-title": ["Journal of Sample Orthopaedics"],
    "short-container-title": ["J Sample Orthop"],
    "issued": {"date-parts": [[2022, 5]]},
    "volume": "9",
    "issue": "1",
    "page": "12-20",
    "URL": "https://doi.org/10.5555/found",
}
MEDLINE = """PMID- {pmid}
OWN - NLM
DP  - 2020 Jan
TI  - Statins after stroke: a sample cohort.
PG  - 5-11
AID - 10.5555/pubmed.{pmid} [doi]
FAU - Haddad, Youssef
AU  - Haddad Y
LA  - eng
PT  - Journal Article
{extra}TA  - Sample Stroke J
JT  - Sample stroke journal
"""


class ServicesDouble(BaseHTTPRequestHandler):
    requests = []
    release = threading.Event()

    def do_GET(self):
        url = urlsplit(self.path)
        ServicesDouble.requests.append(self.path)
        if url.path.startswith("/works/"):
            self.crossref(unquote(url.path.removeprefix("/works/")))
        elif url.path == "/efetch.fcgi":
            self.efetch(parse_qs(url.query))
        else:
            self.answer(404, b"")

    def crossref(self, doi):
        if doi == "10.5555/slow":
            ServicesDouble.release.wait(5)
        if doi in ("10.5555/found", "10.5555/same-title", "10.5555/untitled"):
            work = {**WORK, "DOI": doi}
            if doi == "10.5555/untitled":
                del work["title"]
            body = {"status": "ok", "message-type": "work", "message": work}
            return self.answer(200, json.dumps(body).encode(), "application/json")
        if doi == "10.5555/down":
            return self.answer(503, b"Service Unavailable")
        if doi == "10.5555/garbled":
            return self.answer(200, b"<html>maintenance</html>", "text/html")
        self.answer(404, b"Resource not found.")

    def efetch(self, query):
        assert query["db"] == ["pubmed"] and query["rettype"] == ["medline"]
        pmid = query["id"][0]
        if pmid == "99000500":
            return self.answer(500, b"")
        if pmid in ("99000401", "99000402"):
            extra = "PT  - Retracted Publication\n" if pmid == "99000402" else ""
            return self.answer(200, MEDLINE.format(pmid=pmid, extra=extra).encode(), "text/plain")
        self.answer(200, b"\n", "text/plain")  # what efetch answers for an unknown PMID

    def answer(self, status, body, content_type="text/plain"):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass  # the client gave up (the timeout test)

    def log_message(self, *args):
        pass


@pytest.fixture
def services_double(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), ServicesDouble)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.CROSSREF_API_URL = f"http://127.0.0.1:{server.server_port}"
    settings.NCBI_EUTILS_URL = f"http://127.0.0.1:{server.server_port}"
    settings.REFERENCE_LOOKUP_TIMEOUT = 0.5
    ServicesDouble.requests = []
    ServicesDouble.release.clear()
    yield ServicesDouble
    ServicesDouble.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def signed_in_editor(client, editor):
    client.force_login(editor)
    return client


def look_up(client, identifier):
    return client.get("/desk/references/lookup/", {"identifier": identifier})


@pytest.mark.parametrize(
    "typed, kind, value",
    [
        ("10.5555/ABC", "doi", "10.5555/abc"),
        ("doi:10.5555/abc", "doi", "10.5555/abc"),
        ("https://doi.org/10.5555/a%2Fb", "doi", "10.5555/a/b"),
        ("http://dx.doi.org/10.5555/abc ", "doi", "10.5555/abc"),
        ("12345678", "pmid", "12345678"),
        ("PMID: 0012345", "pmid", "12345"),
        ("https://pubmed.ncbi.nlm.nih.gov/12345678/", "pmid", "12345678"),
        ("https://www.ncbi.nlm.nih.gov/pubmed/12345678?dopt=Abstract", "pmid", "12345678"),
    ],
)
def test_dois_pmids_and_their_addresses_are_recognised(typed, kind, value):
    assert parse_identifier(typed) == lookup.Identifier(kind, value)


@pytest.mark.parametrize("typed", ["", "   ", "hello", "https://example.org/10.5555/x", "10.12/x", "PMID: 12a"])
def test_anything_else_is_not_an_identifier(typed):
    with pytest.raises(NotAnIdentifier):
        parse_identifier(typed)


def test_a_doi_fills_the_form_which_then_adds_the_reference(signed_in_editor, services_double):
    response = look_up(signed_in_editor, "https://doi.org/10.5555/FOUND")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Filled in from Crossref (DOI 10.5555/found)" in page
    assert 'action="/desk/references/new/"' in page
    form = response.context["form"]
    assert form.initial["title"] == "Early mobilisation after hip fracture"
    assert form.initial["authors"] == "Okafor, Adaeze N.\nLindqvist, Per"
    assert (form.initial["source"], form.initial["year"], form.initial["pages"]) == ("J Sample Orthop", 2022, "12-20")
    assert not Reference.objects.exists()  # nothing is stored before the form is confirmed
    confirmed = {name: value for name, value in form.initial.items() if value is not None}
    created = signed_in_editor.post("/desk/references/new/", confirmed)
    assert created.status_code == 302
    reference = Reference.objects.get()
    assert (reference.doi, reference.key, reference.authors[0]["family"]) == ("10.5555/found", "okafor2022", "Okafor")
    assert services_double.requests == ["/works/10.5555%2Ffound"]


def test_a_pubmed_address_fills_the_form_from_efetch(signed_in_editor, services_double):
    response = look_up(signed_in_editor, "https://pubmed.ncbi.nlm.nih.gov/99000401/")
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["pmid"], initial["doi"], initial["title"]) == (
        "99000401",
        "10.5555/pubmed.99000401",
        "Statins after stroke: a sample cohort",
    )
    assert initial["authors"] == "Haddad, Youssef" and initial["year"] == 2020
    assert "Filled in from PubMed (PubMed ID 99000401)" in response.content.decode()
    assert "retracted publication" not in response.content.decode()


def test_a_pmid_pubmed_lists_as_retracted_says_so_on_the_form(signed_in_editor, services_double):
    page = look_up(signed_in_editor, "99000402").content.decode()
    assert "PubMed lists this as a retracted publication" in page


def test_a_stored_doi_is_named_without_asking_crossref(signed_in_editor, services_double, add_reference):
    stored = add_reference(key="okafor2022", doi="10.5555/found")
    response = look_up(signed_in_editor, "doi:10.5555/FOUND")
    assert response.status_code == 409
    page = response.content.decode()
    assert "already in the library as @okafor2022 (same DOI)" in page
    assert f'href="{stored.get_absolute_url()}"' in page and 'value="doi:10.5555/FOUND"' in page
    assert services_double.requests == []


def test_an_answer_duplicating_a_stored_title_and_year_is_named(signed_in_editor, services_double, add_reference):
    add_reference(key="earlier", title="Early mobilisation after hip fracture", year=2022)
    response = look_up(signed_in_editor, "10.5555/same-title")
    assert response.status_code == 409
    assert "already in the library as @earlier (same title and year)" in response.content.decode()


@pytest.mark.parametrize(
    "typed, status, message",
    [
        ("not an id", 400, "“not an id” is not a DOI"),
        ("10.5555/missing", 404, "Crossref has no record of DOI 10.5555/missing."),
        ("10.5555/down", 502, "Crossref answered with an error (503) about DOI 10.5555/down; try again"),
        ("10.5555/garbled", 502, "Crossref&#x27;s answer about DOI 10.5555/garbled could not be read"),
        ("10.5555/slow", 504, "Crossref did not answer within 0.5 seconds; try again later."),
        ("10.5555/untitled", 422, "Crossref&#x27;s record for DOI 10.5555/untitled cannot be used: it has no title"),
        ("99000404", 404, "PubMed has no record of PMID 99000404."),
        ("99000500", 502, "PubMed answered with an error (500) about PMID 99000500"),
    ],
)
def test_failures_get_a_clear_message_and_keep_what_was_typed(
    signed_in_editor, services_double, typed, status, message
):
    started = time.monotonic()
    response = look_up(signed_in_editor, typed)
    assert time.monotonic() - started < 3
    assert response.status_code == status
    page = response.content.decode()
    assert message in page and f'value="{html.escape(typed)}"' in page
    assert 'aria-invalid="true"' in page and not Reference.objects.exists()


def test_an_unreachable_service_is_said_so(signed_in_editor, settings):
    settings.CROSSREF_API_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = look_up(signed_in_editor, "10.5555/found")
    assert response.status_code == 502 and "Crossref could not be reached" in response.content.decode()


def test_the_library_offers_the_lookup_to_librarians_only(signed_in_editor, client, reviewer):
    assert 'action="/desk/references/lookup/"' in signed_in_editor.get("/desk/references/").content.decode()
    client.force_login(reviewer)
    assert 'action="/desk/references/lookup/"' not in client.get("/desk/references/").content.decode()
    assert client.get("/desk/references/lookup/", {"identifier": "10.5555/found"}).status_code == 403


def test_an_empty_lookup_shows_the_field(signed_in_editor):
    response = signed_in_editor.get("/desk/references/lookup/")
    assert response.status_code == 200 and 'id="identifier"' in response.content.decode()
