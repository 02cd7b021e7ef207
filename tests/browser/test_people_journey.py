"""People in the browser: an account manager invites a new reviewer, who opens the
e-mailed link, chooses a password and lands on the desk; and a reviewer whose session
ended while typing signs in again and finds the text back in the form."""

import re
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from articles.models import Event, ReviewComment
from tests.browser.accessibility import serious_violations
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import code_for_key, type_code_if_asked
from tests.workflow import claim, submit

LINK = re.compile(r"https?://[^/\s]+(/accounts/link/[\w-]+/)")


def test_an_account_manager_invites_a_reviewer_who_sets_a_password_and_lands_on_the_desk(
    page, sign_in, browser, live_server, account_manager
):
    sign_in(account_manager)
    page.get_by_role("link", name="People").first.click()
    page.wait_for_load_state()
    assert serious_violations(page) == []
    page.get_by_label("E-mail").fill("nina@example.org")
    page.get_by_label("Login name").fill("nina")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name").fill("Ng")
    page.get_by_label("Reviewer").check()
    page.get_by_role("button", name="Send the invitation").click()
    page.wait_for_load_state()
    assert "nina is invited" in page.get_by_role("status").inner_text()
    assert page.get_by_test_id("status").inner_text() == "invited"
    assert "Invitation sent" in page.get_by_test_id("account-trail").inner_text()
    assert serious_violations(page) == []

    [message] = mail.outbox
    link = LINK.search(message.body).group(1)
    invitee = browser.new_context(base_url=live_server.url).new_page()
    invitee.goto(link)
    assert invitee.get_by_role("heading", name="Welcome, Nina Ng").is_visible()
    assert serious_violations(invitee) == []
    invitee.get_by_label("Password", exact=True).fill("short")
    invitee.get_by_label("The same password again").fill("short")
    invitee.get_by_role("button", name="Set my password and sign in").click()
    invitee.wait_for_load_state()
    assert "at least 12 characters" in invitee.get_by_role("alert").inner_text()
    invitee.get_by_label("Password", exact=True).fill("a passphrase for the board")
    invitee.get_by_label("The same password again").fill("a passphrase for the board")
    invitee.get_by_role("button", name="Set my password and sign in").click()
    invitee.wait_for_load_state()
    # A reviewer signs with a second factor: the first page is its enrolment.
    assert "/desk/two-factor/" in invitee.url
    invitee.fill("#id_code", code_for_key(invitee.get_by_test_id("totp-secret").inner_text()))
    invitee.get_by_role("button", name="Turn on two-factor sign-in").click()
    invitee.get_by_role("link", name="I have kept them: go to the dashboard").click()
    invitee.wait_for_load_state()
    assert invitee.url.endswith("/dashboard/")
    assert invitee.get_by_role("heading", name="Reviewer dashboard").is_visible()
    invitee.get_by_role("link", name="Review queue", exact=True).click()
    invitee.wait_for_load_state()
    assert invitee.url.endswith("/desk/review/")
    nina = get_user_model().objects.get(username="nina")
    assert nina.is_active
    assert Event.objects.filter(chain="account", action="invitation_accepted", actor=nina).exists()
    # The link worked once.
    invitee.goto(link)
    assert "used already" in invitee.get_by_role("alert").inner_text()
    invitee.context.close()


def test_text_typed_when_the_session_ended_comes_back_after_signing_in(
    page, sign_in, monkeypatch, draft, editor, reviewer
):
    submit(draft, editor)
    claim(draft, reviewer)
    sign_in(reviewer)
    page.goto(f"/desk/{draft.pk}/")
    page.get_by_label("Comment", exact=True).fill("The dose in the second paragraph looks high.")
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(minutes=31))
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert "Your session ended 30 minutes without activity" in page.get_by_role("status").inner_text()
    assert not ReviewComment.objects.exists()
    page.fill("#id_username", reviewer.username)
    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    type_code_if_asked(page, reviewer)
    assert page.url.endswith(f"/desk/{draft.pk}/")
    assert page.get_by_label("Comment", exact=True).input_value() == "The dose in the second paragraph looks high."
    assert "is back in this form" in page.content()
