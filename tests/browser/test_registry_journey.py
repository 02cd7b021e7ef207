"""The reviewer registry in a real browser: a new board member enters a licence, a
publisher verifies it, the member files a declaration and signs an approval declaring
a conflict, and readers see that conflict beside the name and on the public profile."""

from datetime import timedelta

from django.utils import timezone

from articles.models import Signature
from registry.models import Credential
from tests.browser.accessibility import serious_violations
from tests.browser.journeys import switch_to
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code
from tests.workflow import publish, submit


def test_a_verified_newcomer_declares_and_signs_with_a_conflict_readers_then_see(
    page, sign_in, make_staff, editor, publisher, draft
):
    newcomer = make_staff("nora", "Reviewer", credentials="M.D.", standing=False)
    valid_until = (timezone.now().date() + timedelta(days=700)).isoformat()

    # The newcomer enters a licence; a past "valid until" is refused first, the typing kept.
    sign_in(newcomer)
    page.get_by_role("link", name="Your registry entry").click()
    assert "none on record" in page.get_by_test_id("standing").inner_text()
    page.get_by_label("Kind").select_option("licence")
    page.get_by_label("Title").fill("Medical licence")
    page.get_by_label("Issuer").fill("Ohio State Medical Board")
    page.get_by_label("Number").fill("35-777")
    page.get_by_label("Region").fill("Ohio")
    page.get_by_label("Valid until").fill("2020-01-31")
    page.get_by_role("button", name="Add credential").click()
    assert "is in the past" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Issuer").input_value() == "Ohio State Medical Board"
    page.get_by_label("Valid until").fill(valid_until)
    page.get_by_role("button", name="Add credential").click()
    assert "waiting for a publisher" in page.get_by_test_id("standing").inner_text()
    assert serious_violations(page) == []

    # A publisher verifies it from the list of credentials to verify.
    switch_to(page, sign_in, publisher)
    page.get_by_role("navigation").get_by_role("link", name="Reviewer registry").click()
    listed = page.get_by_test_id("credentials-to-verify")
    assert "Medical licence, Ohio State Medical Board, no. 35-777, Ohio" in listed.inner_text()
    listed.get_by_label("How you verified it").fill("Ohio eLicense lookup, active, no discipline")
    listed.get_by_role("button", name="Verify").click()
    assert "Credential verified" in page.get_by_role("status").inner_text()
    assert "Nothing to verify" in page.get_by_test_id("credentials-to-verify").inner_text()
    assert serious_violations(page) == []
    submit(draft, editor)
    page.goto("/desk/")
    page.get_by_role("link", name="What is sample condition?").click()
    page.select_option("#assign-reviewer", label="Nora Tester, M.D.")
    page.get_by_role("button", name="Assign").click()

    # Without a declaration the newcomer cannot sign; the page says why and where to fix it.
    switch_to(page, sign_in, newcomer)
    page.goto("/desk/review/?mine=1")
    page.get_by_role("link", name="What is sample condition?").click()
    assert "declaration of interests is due" in page.get_by_test_id("signing-blocker").inner_text()
    page.check("#conflict-declared")
    page.fill("#conflict-interests", "Speaker fees from Acme Pharma, maker of the drug discussed")
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", fresh_code(newcomer))
    page.get_by_role("button", name="Sign approval").click()
    assert "yearly declaration of interests is due" in page.get_by_role("alert").inner_text()
    assert page.is_checked("#conflict-declared")

    page.get_by_role("link", name="Your registry entry").click()
    page.check("#declare-some")
    page.fill("#declare-interests", "Speaker fees, Acme Pharma (2026)")
    page.get_by_role("button", name="File declaration").click()
    assert "filed for the year" in page.get_by_role("status").inner_text()

    page.goto("/desk/review/?mine=1")
    page.get_by_role("link", name="What is sample condition?").click()
    assert page.get_by_test_id("signing-blocker").count() == 0
    page.check("#conflict-declared")
    page.fill("#conflict-interests", "Speaker fees from Acme Pharma, maker of the drug discussed")
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", fresh_code(newcomer))
    page.get_by_role("button", name="Sign approval").click()
    assert page.get_by_test_id("state").inner_text() == "Approved"
    signature = Signature.objects.get(signer=newcomer)
    assert signature.conflict == Signature.CONFLICT_DECLARED
    assert signature.credentials_at_signing[0]["number"] == "35-777"
    assert Credential.objects.get(member=newcomer).verified_by == publisher

    # Readers see the conflict beside the name, and the profile it links to.
    publish(draft, publisher)
    page.goto(f"/articles/{draft.slug}/")
    line = page.locator(".review-line").inner_text()
    assert "Nora Tester, M.D. (declared a conflict of interest: Speaker fees from Acme Pharma" in line
    page.locator(".review-line").get_by_role("link", name="Nora Tester, M.D.").click()
    page.wait_for_load_state()
    assert f"verified {timezone.now():%B %Y}" in page.get_by_test_id("credentials").inner_text()
    assert "Speaker fees, Acme Pharma (2026)" in page.get_by_test_id("declared-interests").inner_text()
    assert page.get_by_role("link", name="What is sample condition?").is_visible()
    assert serious_violations(page) == []
