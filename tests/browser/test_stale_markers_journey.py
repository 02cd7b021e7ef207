"""After the missing reference is added, the editor's page shows its number, not a stale
red "?key"; a refused submission says how many problems block it and lists them once."""

from articles import services
from articles.services import Content
from references.services import reference_create
from tests.browser.accessibility import serious_violations
from tests.references.conftest import reference_fields


def test_markers_follow_the_library_and_a_refusal_is_one_summary_and_one_list(page, sign_in, editor):
    body = "## Dosage\n\nTake 5 mg [@late2024].\n\n## Risks\n\nRare [@gone1999; @late2024]."
    article = services.article_create(
        actor=editor, slug="late-source", topic="", content=Content(title="A late source", body=body), note="v1"
    )
    sign_in(editor)
    page.goto(f"/desk/{article.pk}/")
    assert page.locator("sup.citation.unknown").first.inner_text() == "?late2024"

    page.get_by_role("button", name="Submit for review").click()
    assert page.locator(".message.error").inner_text() == "3 problems block submission."
    problems = page.locator("#citation-problems li")
    assert problems.all_inner_texts() == [
        "line 3: unknown reference key @late2024",
        "line 7: unknown reference key @gone1999",
        "line 7: unknown reference key @late2024",
    ]
    assert page.get_by_text("line 3: unknown reference key @late2024").count() == 1  # listed once
    assert serious_violations(page) == []

    # The editor adds the missing reference to the library: the page numbers it at once.
    reference_create(actor=editor, fields=reference_fields(doi="10.5555/late", title="A late trial"), key="late2024")
    page.goto(f"/desk/{article.pk}/")
    markers = page.locator(".rendered sup.citation").all_inner_texts()
    assert markers == ["1", "1, ?gone1999"], markers
    assert "A late trial" in page.locator("ol.references").inner_text()
    listed = page.locator("#citation-problems").inner_text()
    assert "@late2024 is in the library now, but version 1 was saved without it" in listed

    # Without the unknown key and saved again, the version carries the reference and goes to review.
    page.get_by_role("link", name="Edit").click()
    page.fill("#id_body", body.replace("@gone1999; ", ""))
    page.fill("#id_note", "Dropped an unknown source")
    page.get_by_role("button", name="Save version").click()
    assert page.locator(".rendered sup.citation.unknown").count() == 0
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_test_id("state").inner_text() == "Submitted"
