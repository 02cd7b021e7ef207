"""A publisher reads the reports in a real browser: charts with names, filters kept in
the address, a refused filter explained, and no serious accessibility violation."""

import pytest

from tests.browser.accessibility import serious_violations
from tests.workflow import approve, claim, make_draft, publish, submit


@pytest.fixture
def published(editor, reviewer, publisher):
    article = make_draft(editor)
    submit(article, editor)
    claim(article, reviewer)
    approve(article, reviewer)
    publish(article, publisher)
    return article


def test_a_publisher_reads_filters_and_bookmarks_the_reports(page, sign_in, publisher, published):
    sign_in(publisher)
    page.get_by_role("navigation").get_by_role("link", name="Reports").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Reports", level=1).is_visible()
    assert page.get_by_role("img", name="Articles by state").is_visible()
    assert page.get_by_role("img", name="Queue aging").is_visible()
    assert page.locator("body script").count() == 0  # the charts need no script

    page.get_by_label("Topic").select_option("Cardiology")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    assert "topic=Cardiology" in page.url
    bookmarked = page.url
    csv_link = page.get_by_role("link", name="CSV").first.get_attribute("href")
    assert csv_link.startswith("/desk/reports/states.csv?") and "topic=Cardiology" in csv_link

    page.goto(bookmarked)
    assert serious_violations(page) == []

    response = page.goto("/desk/reports/?from=2026-02-30")
    assert response.status == 400
    assert "is not a date" in page.get_by_role("alert").inner_text()
    assert page.get_by_role("link", name="show the last year for everyone").is_visible()
