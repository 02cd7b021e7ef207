"""Two approvals required, in Chromium: the first reviewer signs (after a refused try that
leaves the browser on the article's own address, with what was typed kept), a second board
member joins from their waiting list and signs: 1 of 2, then 2 of 2. The review page puts
the content before the decisions."""

from articles import services
from tests.browser.accessibility import serious_violations
from tests.browser.journeys import sign, switch_to
from tests.two_factor import fresh_code
from tests.workflow import claim, submit


def comes_before(page, first, second):
    """Whether the element matching `first` precedes the one matching `second` in the document."""
    return page.evaluate(
        "([a, b]) => Boolean(document.querySelector(a).compareDocumentPosition(document.querySelector(b))"
        " & Node.DOCUMENT_POSITION_FOLLOWING)",
        [first, second],
    )


def test_a_second_member_joins_and_signs_after_a_refused_signature_kept_what_was_typed(
    page, sign_in, draft, editor, reviewer, reviewer2, publisher
):
    services.article_set_policy(
        article_id=draft.pk, actor=publisher, review_policy="before", approvals_required=2, rereview_months=12
    )
    submit(draft, editor)
    claim(draft, reviewer)
    desk = f"/desk/{draft.pk}/"

    sign_in(reviewer)
    page.goto(desk)
    assert page.get_by_test_id("approvals").inner_text() == "0 of 2 approvals"
    # Content and changes first, the decisions after; a first review has nothing earlier to compare with.
    assert "Nothing earlier to compare with" in page.get_by_test_id("no-baseline").inner_text()
    assert comes_before(page, "#content-heading", "#approve-password")
    assert comes_before(page, "#changes-heading", "#comment-body")
    assert comes_before(page, ".rendered", "#changes-body")

    # A wrong password: the browser is back on the article's address, with the statement kept.
    page.fill("#approve-literature", "2026-03")
    page.check("#conflict-declared")
    page.fill("#conflict-interests", "Speaker fees from Acme Pharma")
    page.fill("#approve-password", "wrong password")
    page.fill("#approve-code", fresh_code(reviewer))
    page.get_by_role("button", name="Sign approval").click()
    page.wait_for_load_state()
    assert page.url.endswith(desk)
    assert "password was not correct" in page.locator(".messages").inner_text()
    assert page.is_checked("#conflict-declared")
    assert page.input_value("#conflict-interests") == "Speaker fees from Acme Pharma"
    assert page.input_value("#approve-literature") == "2026-03"
    assert page.input_value("#approve-password") == ""
    # Reloading, or opening the form's own address, shows the page: never a 405.
    assert page.reload().status == 200
    assert page.goto(f"{desk}approve/").status == 200 and page.url.endswith(desk)

    sign(page, reviewer)
    assert page.get_by_test_id("approvals").inner_text() == "1 of 2 approvals"
    assert page.get_by_test_id("state").inner_text() == "Under review"

    # The second member finds it in their waiting list and joins.
    switch_to(page, sign_in, reviewer2)
    waiting = page.get_by_test_id("waiting-reviews")
    assert "1 of 2 approvals" in waiting.inner_text() and "join it" in waiting.inner_text()
    waiting.get_by_role("link", name=draft.working_version.title).click()
    assert page.get_by_role("button", name="Sign approval").count() == 0
    assert serious_violations(page) == []
    page.get_by_role("button", name="Join this review").click()
    page.wait_for_load_state()
    assert "You joined this review" in page.locator(".messages").inner_text()
    sign(page, reviewer2)
    assert page.get_by_test_id("approvals").inner_text() == "2 of 2 approvals"
    assert page.get_by_test_id("state").inner_text() == "Approved"
    assert serious_violations(page) == []

    # The publisher's queue says so too.
    switch_to(page, sign_in, publisher)
    page.goto("/desk/publish/")
    assert "2 of 2 approvals" in page.locator("table").inner_text()


def test_a_refused_submission_leaves_the_browser_on_a_page_it_can_reload(page, sign_in, draft, editor):
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        content=services.Content(title=draft.working_version.title, body="## Dose\n\nSee [@nobody2024]."),
        note="Cites a key the library lacks",
    )
    sign_in(editor)
    desk = f"/desk/{draft.pk}/"
    page.goto(desk)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state()
    assert page.url.endswith(desk)
    assert "1 problem blocks submission." in page.locator(".messages").inner_text()
    assert "nobody2024" in page.content()  # the one list of problems names the key
    assert page.reload().status == 200
    for action in ("submit", "claim", "join", "comment", "request-changes", "publish", "policy"):
        response = page.goto(f"{desk}{action}/")
        assert response.status == 200 and page.url.endswith(desk), action
