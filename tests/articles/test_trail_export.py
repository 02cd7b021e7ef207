"""Publishers see and export the whole trail (every chain), filtered by days, person and
kind, as CSV or JSON streamed from the database; anyone else is refused."""

import csv
import io
import json
from datetime import datetime, timezone

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from articles import services
from articles.audit import record_trail_event
from articles.models import Event
from articles.services import Content
from articles.trail_export import AUDIT_COLUMNS


def day(month, date, hour=12):
    return datetime(2026, month, date, hour, tzinfo=timezone.utc)


@pytest.fixture
def trail(publisher, editor, draft):
    """The draft's creation (now), and one event of each other kind on known days."""
    record_trail_event(
        kind="account",
        action="roles_changed",
        actor=publisher,
        now=day(1, 10),
        subject_id=editor.pk,
        details={"username": "edna", "old": {"roles": []}, "new": {"roles": ["Editor"]}},
    )
    record_trail_event(
        kind="reference",
        action="create",
        actor=editor,
        now=day(2, 15),
        subject_id=1,
        comment='=HYPERLINK("http://evil")',
        details={"old": {}, "new": {"title": "A trial"}},
    )
    record_trail_event(
        kind="sign-in",
        action="sign_in_failed",
        actor=None,
        now=day(3, 1, 0),
        details={"username": "rhea"},
        ip="198.51.100.3",
    )
    record_trail_event(
        kind="site", action="edit_page", actor=publisher, now=day(3, 31, 23), subject_id="editorial-policy"
    )
    return draft


def download(client, query="", fmt="csv"):
    response = client.get(f"/desk/audit/trail.{fmt}{query}")
    assert response.status_code == 200, response.content
    return response, b"".join(response.streaming_content).decode()


def csv_rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_holds_every_chain_with_the_article_columns_and_chain_subject_and_details(client, publisher, trail):
    client.force_login(publisher)
    response, text = download(client)
    assert response["Content-Disposition"] == 'attachment; filename="audit-trail.csv"'
    header = text.splitlines()[0].split(",")
    assert header == AUDIT_COLUMNS + ["chain", "subject_id", "details"]
    rows = csv_rows(text)
    chains = [row["chain"] for row in rows]
    assert chains[:4] == ["account", "reference", "sign-in", "site"]
    # The sign-in written by force_login comes after the draft's creation: both are "now".
    assert f"article:{trail.pk}" in chains[4:] and "sign-in" in chains[4:]
    account = rows[0]
    assert account["actor_username"] == "paula" and json.loads(account["details"]) == {
        "username": "edna",
        "old": {"roles": []},
        "new": {"roles": ["Editor"]},
    }
    created = next(row for row in rows if row["chain"] == f"article:{trail.pk}")
    assert (created["action"], created["version_number"], created["subject_id"]) == ("create", "1", str(trail.pk))
    # A cell a spreadsheet would run as a formula is neutralised.
    assert rows[1]["comment"] == '\'=HYPERLINK("http://evil")'


def test_the_json_export_lists_the_filters_and_the_events(client, publisher, trail):
    client.force_login(publisher)
    _, text = download(client, "?kind=site&start=2026-03-01", fmt="json")
    document = json.loads(text)
    assert document["filters"] == {"start": "2026-03-01", "end": "", "person": "", "kind": "site"}
    [event] = document["events"]
    assert (event["chain"], event["subject_id"], event["actor_username"]) == ("site", "editorial-policy", "paula")
    assert event["details"] == {}


def actions(client, query):
    return [(row["chain"], row["action"]) for row in csv_rows(download(client, query)[1])]


def test_a_date_range_takes_whole_utc_days_at_both_ends(client, publisher, trail):
    client.force_login(publisher)
    assert actions(client, "?start=2026-02-15&end=2026-03-31") == [
        ("reference", "create"),
        ("sign-in", "sign_in_failed"),
        ("site", "edit_page"),
    ]
    assert actions(client, "?start=2026-03-01&end=2026-03-01") == [("sign-in", "sign_in_failed")]
    assert actions(client, "?end=2026-01-10") == [("account", "roles_changed")]


def test_the_person_filter_takes_their_acts_their_account_and_sign_ins_tried_in_their_name(client, publisher, trail):
    client.force_login(publisher)
    assert actions(client, "?person=rhea") == [("sign-in", "sign_in_failed")]
    assert actions(client, "?person=edna") == [
        ("account", "roles_changed"),
        ("reference", "create"),
        (f"article:{trail.pk}", "create"),
    ]
    assert actions(client, "?person=paula&end=2026-06-30") == [("account", "roles_changed"), ("site", "edit_page")]
    assert actions(client, "?person=nobody") == []


@pytest.mark.parametrize(
    "kind, chains",
    [
        ("article", {"article"}),
        ("account", {"account"}),
        ("sign-in", {"sign-in"}),
        ("reference", {"reference"}),
        ("site", {"site"}),
    ],
)
def test_the_kind_filter_takes_one_kind_of_chain(client, publisher, trail, kind, chains):
    client.force_login(publisher)
    found = {chain.split(":")[0] for chain, _ in actions(client, f"?kind={kind}")}
    assert found == chains


def test_the_trail_page_counts_what_the_filter_matches_and_links_both_downloads(client, publisher, trail):
    client.force_login(publisher)
    page = client.get("/desk/audit/?kind=site&person=paula")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>1</strong> event matches" in html
    assert 'href="/desk/audit/trail.csv?kind=site&amp;person=paula"' in html
    assert 'href="/desk/audit/trail.json?kind=site&amp;person=paula"' in html
    assert 'value="paula"' in html  # the filter as typed


def test_the_publishers_navigation_and_dashboard_link_to_the_trail(client, publisher, editor):
    client.force_login(publisher)
    assert client.get("/dashboard/").content.decode().count('href="/desk/audit/"') == 2
    client.force_login(editor)
    assert 'href="/desk/audit/"' not in client.get("/dashboard/").content.decode()


@pytest.mark.parametrize("persona", ["editor", "reviewer", "outsider"])
@pytest.mark.parametrize("url", ["/desk/audit/", "/desk/audit/trail.csv", "/desk/audit/trail.json"])
def test_only_publishers_see_or_export_the_whole_trail(client, request, persona, url):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    response = client.get("/desk/audit/trail.csv")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "query, reason, kept",
    [
        ("?start=2026-13-01", "The start date is not a date (use YYYY-MM-DD).", 'value="2026-13-01"'),
        ("?end=yesterday&person=rhea", "The end date is not a date (use YYYY-MM-DD).", 'value="yesterday"'),
        ("?start=2026-03-02&end=2026-03-01", "The end date is before the start date.", 'value="2026-03-02"'),
        ("?kind=gossip&person=rhea", "“gossip” is not a kind of event", 'value="rhea"'),
        ("?person=" + "x" * 151, "Ensure this value has at most 150 characters", 'value="' + "x" * 151 + '"'),
    ],
)
@pytest.mark.parametrize("path", ["/desk/audit/", "/desk/audit/trail.csv", "/desk/audit/trail.json"])
def test_a_bad_filter_gets_a_400_page_that_says_why_and_keeps_what_was_typed(
    client, publisher, path, query, reason, kept
):
    client.force_login(publisher)
    response = client.get(path + query)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert reason in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert kept in html
    assert "Download CSV" not in html


def grow(count, editor, publisher):
    for index in range(count):
        services.article_create(
            actor=editor,
            slug=f"t-{count}-{index}",
            topic="T",
            content=Content(title=f"Article {index}", body="Body"),
            note="v1",
        )
        record_trail_event(
            kind="reference",
            action="edit",
            actor=editor,
            now=day(5, 1),
            subject_id=index,
            details={"old": {"year": 2020}, "new": {"year": 2021}},
        )


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_export_is_streamed_in_a_constant_number_of_queries(client, editor, publisher, fmt):
    client.force_login(publisher)
    counts, sizes = [], []
    for count in (5, 60):
        grow(count, editor, publisher)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"/desk/audit/trail.{fmt}")
            assert isinstance(response, StreamingHttpResponse) and response.streaming
            body = b"".join(response.streaming_content)
        counts.append(len(captured.captured_queries))
        sizes.append(len(body))
    assert sizes[1] > sizes[0] and Event.objects.count() > 120
    assert counts[0] == counts[1], f"{counts[0]} then {counts[1]} queries"


def test_the_trail_page_counts_in_a_constant_number_of_queries(client, editor, publisher):
    client.force_login(publisher)
    counts = []
    for count in (5, 60):
        grow(count, editor, publisher)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/desk/audit/?kind=reference").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"{counts[0]} then {counts[1]} queries"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1"])
def test_every_cell_a_spreadsheet_could_run_as_a_formula_is_quoted(text):
    from articles.trail_export import _csv_cell

    assert _csv_cell(text) == "'" + text
    assert _csv_cell("Plain words") == "Plain words"
