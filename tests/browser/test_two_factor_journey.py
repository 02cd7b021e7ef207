"""Two-factor in a real browser: a new board member signs in, is sent to enrol, scans (here:
reads) the key the page shows, confirms with a code computed in the test, keeps the
recovery codes, then signs an approval with a fresh code; a wrong code and a reused one
are refused with a clear message and nothing is signed."""

import time

from accounts.roles import REVIEWER
from articles.models import Event, Signature
from tests.browser.accessibility import serious_violations
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import code_for_key
from tests.workflow import claim, submit


def password_step(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def assert_accessible(page):
    assert serious_violations(page) == []


def test_a_new_board_member_enrols_and_signs_with_a_code_and_a_reused_or_wrong_code_is_refused(
    page, draft, editor, make_staff
):
    newcomer = make_staff("nora", REVIEWER, credentials="M.D.", enrolled=False)
    submit(draft, editor)
    claim(draft, newcomer)

    password_step(page, "nora")
    assert "/desk/two-factor/" in page.url
    page.goto("/desk/")  # nothing else opens before enrolment
    assert "/desk/two-factor/" in page.url

    qr = page.get_by_test_id("qr-code")
    assert qr.locator("svg path").count() == 1
    box = qr.locator("svg").bounding_box()
    assert box["width"] > 100 and box["height"] > 100  # drawn inline, visibly
    assert_accessible(page)
    key = page.get_by_test_id("totp-secret").inner_text()
    enrolment_code = code_for_key(key)
    page.fill("#id_code", enrolment_code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    codes = page.get_by_test_id("recovery-codes").locator("code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them: go to the dashboard").click()
    assert page.get_by_role("heading", name="Reviewer dashboard").is_visible()

    page.goto(f"/desk/{draft.pk}/")
    page.check("#conflict-none")  # kept by the form through the refusals below
    # The code just used to enrol is spent: it cannot sign too.
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", enrolment_code)
    page.get_by_role("button", name="Sign approval").click()
    assert "two-factor code was not accepted" in page.get_by_role("alert").inner_text()
    assert_accessible(page)
    # A wrong code is refused (after django-otp's wait following the refused try).
    time.sleep(1.1)
    wrong = f"{(int(code_for_key(key, 1)) + 1) % 1_000_000:06d}"
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", wrong)
    page.get_by_role("button", name="Sign approval").click()
    assert "two-factor code was not accepted" in page.get_by_role("alert").inner_text()
    assert not Signature.objects.filter(signer=newcomer).exists()
    # The next code the app shows signs (the wait doubles after a second refusal).
    time.sleep(2.1)
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", code_for_key(key, 1))
    page.get_by_role("button", name="Sign approval").click()
    assert page.get_by_test_id("state").inner_text() == "Approved"
    assert Signature.objects.filter(signer=newcomer).count() == 1
    failed = Event.objects.filter(article=draft, action="signature_failed")
    assert failed.count() == 2 and all("wrong two-factor code" in event.comment for event in failed)

    # Signing in again asks for a code; a recovery code works.
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    password_step(page, "nora")
    assert "/accounts/two-factor/" in page.url
    assert_accessible(page)
    page.fill("#id_code", codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Reviewer dashboard").is_visible()
    assert "9 left" in page.content()
