"""A reader moves between the public pages in a real browser with the same navigation
everywhere and the site's icon; credentials end the review line with one full stop; an
editor saving a reference nobody cites is told so. Axe-clean."""

import pytest
from django.core.cache import cache

from tests.browser.accessibility import serious_violations
from tests.public.test_site import publish_article
from tests.references.conftest import add_reference  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def test_a_reader_finds_the_same_navigation_on_every_public_page(page, editor, reviewer2, publisher):
    publish_article("statins", "Statins and the heart", "Statins lower cholesterol.", editor, reviewer2, publisher)
    page.goto("/articles/statins/")
    review_line = page.locator(".review-line").inner_text()
    assert "Reviewed by Ravi Tester, M.D., Ph.D. " in review_line and "Ph.D.." not in review_line
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(icon).status == 200

    navigation = page.get_by_role("navigation", name="Main")
    navigation.get_by_role("link", name="Articles").click()
    assert page.get_by_role("heading", name="Articles", exact=True).is_visible()
    assert serious_violations(page) == []
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Editorial policy").click()
    assert page.locator("link[rel=icon]").count() == 1
    assert serious_violations(page) == []
    page.goto("/articles/statins/")
    page.get_by_role("link", name="Ravi Tester, M.D., Ph.D.").click()
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff sign in").is_visible()
    assert serious_violations(page) == []


def test_saving_a_reference_nobody_cites_says_so(page, sign_in, editor, add_reference):  # noqa: F811
    reference = add_reference(key="smith2020")
    sign_in(editor)
    page.goto(f"/desk/references/{reference.pk}/edit/")
    page.get_by_label("Title").fill("A corrected sample trial")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Reference saved. No article's working version cites it, so none was flagged.").is_visible()
