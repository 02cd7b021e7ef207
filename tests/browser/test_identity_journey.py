"""Identity in the browser: a reviewer edits their own credentials on the desk page and
sees the record of it; a publisher finds another reviewer's identity read-only in the admin."""

from articles.models import Event


def test_a_reviewer_edits_their_credentials_and_sees_the_change_recorded(page, sign_in, reviewer):
    sign_in(reviewer)
    page.get_by_role("link", name="Your profile").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your profile").is_visible()
    page.get_by_label("Printed name").fill("Rhea Tester")
    page.get_by_label("Credentials").fill("M.D., FACP, FASN")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "the change is in the record" in page.get_by_role("status").inner_text()
    assert page.get_by_test_id("printed-name").inner_text() == "Rhea Tester, M.D., FACP, FASN"
    trail = page.get_by_test_id("account-trail").inner_text()
    assert "Printed name or credentials changed" in trail and "“M.D., FACP, FASN”" in trail
    # The person is told, in the app as well as by e-mail.
    page.get_by_role("link", name="Notifications").click()
    page.wait_for_load_state()
    assert "Your printed name or credentials changed" in page.content()
    assert Event.objects.filter(chain="account", action="identity_changed", actor=reviewer).exists()


def test_an_empty_printed_name_is_refused_in_the_browser_and_the_typing_kept(page, sign_in, reviewer):
    sign_in(reviewer)
    page.goto("/desk/profile/")
    page.get_by_label("Printed name").fill("")
    page.get_by_label("Credentials").fill("M.D., PhD")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "A printed name is needed" in page.get_by_role("alert").inner_text()
    assert page.get_by_label("Credentials").input_value() == "M.D., PhD"


def test_a_publisher_finds_another_reviewers_identity_read_only_in_the_admin(page, sign_in, publisher, reviewer):
    sign_in(publisher)
    page.get_by_role("link", name="Admin").click()
    page.wait_for_load_state()
    page.goto(f"/admin/accounts/profile/{reviewer.profile.pk}/change/")
    assert page.locator("input[name=credentials]").count() == 0
    assert page.locator("input[name=display_name]").count() == 0
    assert "M.D., FACP" in page.locator(".field-credentials").inner_text()
    assert page.locator("textarea[name=bio]").count() == 1  # the biography stays editable
