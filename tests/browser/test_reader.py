"""What a reader sees, in a real browser: review status, reviewers, dates, citations,
audiences without JavaScript, the caution banner, 404 for drafts, and accessibility."""

import pytest
from django.core.cache import cache

from articles import services
from articles.services import Content
from tests.browser.accessibility import serious_violations
from tests.references.conftest import add_reference  # noqa: F401  (fixture)
from tests.workflow import approve, claim, fast_track, publish, submit

BODY = """## What it is

A common, fictional condition [@smith2020].

::: audience professional
Start at 5 mg daily [@smith2020; @jones2021].
:::

::: audience patient
Your doctor will choose the dose with you.
:::

## Outlook

Most people recover [@jones2021].
"""


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def live(draft, editor, reviewer, reviewer2, publisher, add_reference):
    add_reference(key="smith2020", doi="10.5555/smith")
    add_reference(key="jones2021", title="Another sample study", family="Jones", year=2021, pmid="123")
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="text",
        content=Content(
            title="What is sample condition?", body=BODY, summary="A summary.", aliases=("Sample syndrome",)
        ),
    )
    services.article_set_policy(
        article_id=draft.pk, actor=publisher, review_policy="before", approvals_required=2, rereview_months=12
    )
    submit(draft, editor), claim(draft, reviewer)
    services.article_assign(article_id=draft.pk, actor=publisher, reviewer_id=reviewer2.pk)
    approve(draft, reviewer), approve(draft, reviewer2), publish(draft, publisher)
    draft.refresh_from_db()
    return draft


def test_a_reader_sees_status_reviewers_dates_and_citations_that_jump(page, live):
    page.goto("/articles/sample-condition/")
    assert page.locator(".tracker [aria-current=step]").inner_text() == "Approved"
    line = page.locator(".review-line").inner_text()
    assert "Rhea Tester, M.D., FACP" in line and "Ravi Tester, M.D., Ph.D." in line
    assert "Last reviewed" in line and "Last updated" in line
    assert page.get_by_role("link", name="Rhea Tester, M.D., FACP").get_attribute("href").startswith("/reviewers/")
    assert page.locator(".caution").count() == 0
    page.locator("sup.citation a").first.click()
    assert page.url.endswith("#ref-1")
    assert page.locator("#ref-1").is_visible() and "A sample trial" in page.locator("#ref-1").inner_text()


def test_a_reader_switches_audience_without_javascript(browser, live_server, live):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    reader = context.new_page()
    reader.goto("/articles/sample-condition/")
    assert "Your doctor will choose the dose" in reader.content()
    reader.get_by_label("Healthcare professional").check()
    reader.get_by_role("button", name="Show").click()
    assert reader.url.endswith("/articles/sample-condition/professional/")
    assert "Start at 5 mg daily" in reader.content() and "Your doctor will choose" not in reader.content()
    assert "intended for healthcare professionals" in reader.locator(".disclaimer").inner_text()
    reader.goto("/articles/sample-condition/")  # the cookie remembers the choice
    assert reader.url.endswith("/professional/")
    context.close()


def test_a_fast_tracked_article_shows_the_caution_banner(page, draft, editor, reviewer, publisher):
    fast_track(draft, publisher, reviewer)
    submit(draft, editor)
    publish(draft, publisher)
    page.goto("/articles/sample-condition/")
    assert "Educational purpose only - content is pending medical review" in page.locator(".caution").inner_text()
    assert page.locator(".tracker [aria-current=step]").inner_text() == "Submitted"


def test_a_drafts_url_is_a_404_for_readers(page, draft):
    response = page.goto("/articles/sample-condition/")
    assert response.status == 404
    assert page.get_by_role("heading", name="Page not found").is_visible()


def test_the_article_page_has_no_serious_accessibility_violations(page, live):
    for path in ("/articles/sample-condition/", "/articles/sample-condition/professional/"):
        page.goto(path)
        assert serious_violations(page) == []
