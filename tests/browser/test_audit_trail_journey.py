"""A publisher finds the whole audit trail from the navigation, filters it by kind and
person, and downloads what the filter shows as CSV, in a real browser."""

import csv
import io

from tests.browser.journeys import switch_to


def test_a_publisher_filters_the_trail_by_kind_and_person_and_downloads_the_csv(page, sign_in, editor, publisher):
    # Someone tries the editor's login with a wrong password; the editor then signs in.
    sign_in(editor, password="not-the-password")
    sign_in(editor)
    switch_to(page, sign_in, publisher)

    page.get_by_role("link", name="Audit trail", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Audit trail").is_visible()
    page.select_option("#id_kind", "sign-in")
    page.fill("#id_person", "edna")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert "kind=sign-in" in page.url and "person=edna" in page.url  # a bookmarkable filter
    assert page.get_by_test_id("trail-count").inner_text() == "3 events match."
    assert page.locator("#id_person").input_value() == "edna"

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "audit-trail.csv"
    with open(download.path(), encoding="utf-8") as downloaded:
        rows = list(csv.DictReader(io.StringIO(downloaded.read())))
    assert [row["action"] for row in rows] == ["sign_in_failed", "sign_in", "sign_out"]
    assert {row["chain"] for row in rows} == {"sign-in"}
    assert rows[0]["actor_username"] == "" and '"username": "edna"' in rows[0]["details"]
    assert rows[1]["actor_username"] == "edna"

    # A bad filter is refused with the reason, keeping what was typed.
    page.goto("/desk/audit/?start=2026-02-30&person=edna")
    assert "The start date is not a date" in page.get_by_role("alert").inner_text()
    assert page.locator("#id_start").input_value() == "2026-02-30"
