"""A reader reports an error with JavaScript off; an editor accepts it and corrects the
article; after review and publication the page's history shows the correction."""

from tests.browser.journeys import switch_to
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code


def test_a_readers_report_becomes_a_reviewed_correction_in_the_pages_history(
    browser, live_server, page, sign_in, published, editor, reviewer, publisher, mailoutbox
):
    # The reader, with no JavaScript at all, reports the error.
    reader = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    reader_page = reader.new_page()
    reader_page.goto("/articles/sample-condition/")
    reader_page.get_by_role("link", name="Report an error").click()
    reader_page.fill("#id_text", "Nausea affects 30% of people, not 3%.")
    reader_page.fill("#id_source", "Product label, section 4.8")
    reader_page.fill("#id_email", "reader@example.org")
    reader_page.get_by_role("button", name="Send the report").click()
    assert "Thank you" in reader_page.get_by_role("status").inner_text()

    # The editor finds it in the queue, accepts it and saves the corrected text.
    sign_in(editor)
    page.get_by_role("link", name="Reported errors").click()
    page.get_by_role("link", name="Nausea affects 30% of people").click()
    assert "Product label, section 4.8" in page.content()
    page.get_by_role("button", name="Accept and correct").click()
    page.fill(
        "#id_body", "## Dosage\n\nTake 5 mg once daily for 14 days.\n\n## Side effects\n\nNausea in 30% of people."
    )
    page.fill("#id_note", "Side-effect rate corrected (reader report)")
    page.get_by_role("button", name="Save version").click()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_test_id("state").inner_text() == "Submitted"

    # Review as usual.
    switch_to(page, sign_in, reviewer)
    page.goto("/desk/review/")
    page.get_by_role("link", name="What is sample condition?").click()
    page.get_by_role("button", name="Claim this review").click()
    page.check("#conflict-none")
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", fresh_code(reviewer))
    page.get_by_role("button", name="Sign approval").click()
    assert page.get_by_test_id("state").inner_text() == "Approved"

    # The publisher publishes with the public change note.
    switch_to(page, sign_in, publisher)
    page.goto("/desk/publish/")
    page.get_by_role("link", name="What is sample condition?").click()
    page.fill("#publish-public-note", "Corrected how often nausea occurs.")
    page.get_by_role("button", name="Publish version 2").click()
    assert page.get_by_test_id("state").inner_text() == "Published"

    # The reader sees the correction in the page's history.
    reader_page.goto("/articles/sample-condition/")
    entries = reader_page.locator("ol.history li").all_inner_texts()
    assert "Corrected how often nausea occurs. Corrected after a reader's report." in entries[0]
    assert entries[-1].endswith("First published.")
    assert "30% of people" in reader_page.content()
    assert any("reader@example.org" in message.to for message in mailoutbox)
    reader.close()
