"""A publisher triages the desk's list in a real browser: the counts of what needs them,
an overdue review marked as such, search and filters kept across pages, a filter that
cannot be used; a reviewer sees the overdue mark in the review queue. Axe-clean."""

from tests.articles.desk_rows import build_articles
from tests.articles.test_desk_list import overdue_review
from tests.browser.accessibility import serious_violations


def test_a_publisher_finds_an_overdue_review_from_the_counts_and_filters_the_list(
    page, sign_in, draft, editor, reviewer, reviewer2, publisher
):
    overdue_review(draft, editor, reviewer, publisher)
    sign_in(publisher)
    page.goto("/desk/")
    counts = page.get_by_test_id("attention-counts")
    assert "1 overdue" in counts.inner_text()
    assert serious_violations(page) == []

    counts.get_by_role("link", name="1 overdue").click()
    assert "attention=overdue" in page.url
    row = page.get_by_role("row", name="What is sample condition?")
    assert row.get_by_text("overdue", exact=True).is_visible()
    assert page.get_by_label("Needs", exact=True).input_value() == "overdue"

    build_articles(60, editor=editor, reviewers=[reviewer2])
    page.get_by_role("link", name="Clear the filters").click()
    page.get_by_label("Title contains").fill("bulk")
    page.get_by_label("Topic").select_option("Topic 1")
    page.get_by_label("Sort by").select_option("title")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_test_id("desk-count").inner_text() == "12 articles match."
    assert page.get_by_role("cell", name="Bulk article 1", exact=True).is_visible()
    assert page.get_by_label("Title contains").input_value() == "bulk"

    page.goto("/desk/?title=bulk")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    assert "title=bulk" in page.url and "page=2" in page.url
    assert page.get_by_label("Title contains").input_value() == "bulk"

    response = page.goto("/desk/?title=sample&state=lost")
    assert response.status == 400
    assert "“lost” is not one of the choices for “State”." in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Title contains").input_value() == "sample"
    assert serious_violations(page) == []


def test_a_reviewer_sees_an_overdue_review_marked_in_the_queue_and_on_the_list(
    page, sign_in, draft, editor, reviewer, publisher
):
    overdue_review(draft, editor, reviewer, publisher)
    sign_in(reviewer)
    page.goto("/desk/review/?mine=1")
    row = page.get_by_role("row", name="What is sample condition?")
    assert row.get_by_text("overdue", exact=True).is_visible()
    assert serious_violations(page) == []
    page.goto("/desk/")
    assert page.get_by_test_id("attention-counts").count() == 0  # the counts are a publisher's
    assert page.get_by_role("row", name="What is sample condition?").get_by_text("overdue", exact=True).is_visible()
    assert serious_violations(page) == []
