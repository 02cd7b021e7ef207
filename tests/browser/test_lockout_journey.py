"""Five wrong passwords in the browser, then the right one: the lockout page, not the desk.
A publisher then sees the lock on the desk page Locked sign-ins and lifts it."""

from django.test import Client

from tests.browser.accessibility import serious_violations


def test_five_wrong_passwords_then_the_right_one_shows_the_lockout_page(page, sign_in, editor, publisher):
    for _ in range(4):
        sign_in(editor, password="not-the-password")
        assert page.get_by_role("alert").inner_text().startswith("Your username and password did not match")
    sign_in(editor, password="still-not-it")
    assert page.get_by_role("heading", name="Sign-in locked").is_visible()

    sign_in(editor)  # the right password
    assert page.get_by_role("heading", name="Sign-in locked").is_visible()
    reason = page.get_by_test_id("lockout-reason").inner_text()
    assert "the login name “edna” is locked until" in reason and "UTC" in reason
    assert "ask a publisher or an administrator" in reason
    assert page.get_by_role("link", name="Go to the home page").is_visible()  # no dead end
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    assert serious_violations(page) == []


def test_a_publisher_lifts_a_lock_from_the_desk(page, sign_in, editor, publisher):
    guesser = Client()  # another address than the browser's, so only the name is locked there
    for _ in range(5):
        guesser.post("/accounts/login/", {"username": "edna", "password": "guess"}, REMOTE_ADDR="203.0.113.5")

    sign_in(publisher)
    page.get_by_role("link", name="Locked sign-ins").first.click()
    page.wait_for_load_state()
    locks = page.get_by_test_id("locks").inner_text()
    assert "edna" in locks and "203.0.113.5" in locks
    assert serious_violations(page) == []
    page.get_by_role("button", name="Unlock edna").click()
    page.wait_for_load_state()
    assert "Unlocked the login name “edna”." in page.get_by_role("status").inner_text()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    sign_in(editor)
    assert page.url.endswith("/dashboard/")
