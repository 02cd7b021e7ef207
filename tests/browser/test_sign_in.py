import pytest


@pytest.mark.parametrize(
    "persona, heading",
    [("editor", "Editor dashboard"), ("reviewer", "Reviewer dashboard"), ("publisher", "Publisher dashboard")],
)
def test_each_role_signs_in_and_sees_its_dashboard(page, sign_in, request, persona, heading):
    user = request.getfixturevalue(persona)
    sign_in(user)
    assert page.url.endswith("/dashboard/")
    assert page.get_by_role("heading", name=heading).is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Sign in").first.is_visible()


def test_a_wrong_password_shows_the_reason_in_the_browser(page, sign_in, editor):
    sign_in(editor, password="not-the-password")
    assert page.get_by_role("alert").inner_text().startswith("Your username and password did not match")
