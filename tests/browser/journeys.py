"""Steps the browser journeys share: changing who is signed in, opening an article from
the desk, and signing an approval with password and two-factor code."""

from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code


def switch_to(page, sign_in, user):
    """Sign out whoever is signed in (if anyone) and sign `user` in."""
    page.goto("/dashboard/")
    if page.get_by_role("button", name="Sign out").count():
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
    sign_in(user)


def open_article(page, title):
    page.goto("/desk/")
    page.get_by_role("link", name=title).click()
    page.wait_for_load_state()


def sign(page, person, password=PERSONA_PASSWORD):
    """Sign an approval on the open article page: no conflicts, password, fresh code."""
    page.check("#conflict-none")
    page.fill("#approve-password", password)
    page.fill("#approve-code", fresh_code(person))
    page.get_by_role("button", name="Sign approval").click()
    page.wait_for_load_state()


def save_and_submit(page):
    """From the article form: save the version, then submit it for review."""
    page.get_by_role("button", name="Save version").click()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_test_id("state").inner_text() == "Submitted"


def require_approvals(page, count):
    """As a publisher on the article page: ask for `count` approvals."""
    page.fill("#id_approvals_required", str(count))
    page.get_by_role("button", name="Save review policy").click()
    assert page.get_by_test_id("approvals").inner_text() == f"0 of {count} approvals"


def claim_and_request_changes(page, section, text):
    """As a reviewer on the article page: claim the review and ask for a change in `section`."""
    page.get_by_role("button", name="Claim this review").click()
    page.select_option("#changes-section", section)
    page.fill("#changes-body", text)
    page.get_by_role("button", name="Request changes").click()
    assert page.get_by_test_id("state").inner_text() == "Changes requested"
