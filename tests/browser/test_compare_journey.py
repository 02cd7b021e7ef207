"""Comparing versions in a real browser: the address holds the two numbers and no token,
and a bad address is the site's own error page with a way back. Axe-clean."""

from urllib.parse import parse_qs, urlsplit

from articles import services
from articles.services import Content
from tests.browser.accessibility import serious_violations
from tests.workflow import BODY


def test_comparing_keeps_the_token_out_of_the_address_and_a_bad_address_leads_back(page, sign_in, draft, editor):
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        note="longer course",
        content=Content(title="What is sample condition?", body=BODY.replace("14 days", "21 days")),
    )
    sign_in(editor)
    page.goto(f"/desk/{draft.pk}/history/")
    page.get_by_role("button", name="Compare selected").click()
    address = urlsplit(page.url)
    assert address.path == f"/desk/{draft.pk}/compare/" and parse_qs(address.query) == {"a": ["1"], "b": ["2"]}
    assert page.get_by_role("heading", name="Version 1 → version 2").is_visible()

    response = page.goto(f"/desk/{draft.pk}/compare/?a=one&b=2")
    assert response.status == 400
    assert page.get_by_role("heading", name="Bad request").is_visible()
    assert "“from” and “to” are version numbers" in page.content()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Back to the history").click()
    assert page.get_by_role("heading", name="History of “What is sample condition?”").is_visible()

    page.get_by_role("button", name="Restore as new draft").first.click()
    assert page.get_by_text("The old version is the new draft.").is_visible()
