"""Review after publication takes two people, in a real browser: one publisher asks with
a reason, cannot confirm it alone, and a second publisher confirms with their password."""

import pytest

from articles.models import Event
from tests.browser.journeys import switch_to
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code


@pytest.fixture
def publisher2(make_staff):
    return make_staff("pablo", "Publisher")


def test_one_publisher_asks_for_fast_track_and_another_confirms_it_with_their_password(
    page, sign_in, draft, publisher, publisher2
):
    # Publisher A asks; a missing reason is refused with the choices kept.
    sign_in(publisher)
    page.goto(f"/desk/{draft.pk}/")
    page.select_option("#id_review_policy", "after")
    page.get_by_role("button", name="Save review policy").click()
    assert "Give a reason" in page.get_by_role("alert").inner_text()
    assert page.locator("#id_review_policy").input_value() == "after"
    page.fill("#id_reason", "Outbreak: readers need this guidance today")
    page.get_by_role("button", name="Save review policy").click()
    request = page.get_by_test_id("fast-track-request")
    assert "Outbreak: readers need this guidance today" in request.inner_text()
    assert "Review before publication" in page.content()

    # A cannot confirm their own request: no signature form, only a withdrawal.
    assert page.get_by_role("button", name="Confirm review after publication").count() == 0
    assert page.get_by_role("button", name="Withdraw the request").is_visible()

    # Publisher B sees it on the dashboard and confirms with their password.
    switch_to(page, sign_in, publisher2)
    page.goto("/dashboard/")
    assert "Outbreak: readers need this guidance today" in page.content()
    page.get_by_role("link", name="What is sample condition?").first.click()
    page.fill("#fast-track-password", "not my password")
    page.fill("#fast-track-code", fresh_code(publisher2))
    page.get_by_role("button", name="Confirm review after publication").click()
    assert "password was not correct" in page.get_by_role("alert").inner_text()
    page.fill("#fast-track-password", PERSONA_PASSWORD)
    page.fill("#fast-track-code", fresh_code(publisher2))
    page.get_by_role("button", name="Confirm review after publication").click()
    assert "Review after publication (fast-track)" in page.content()
    assert page.get_by_test_id("fast-track-request").count() == 0

    actors = {event.action: event.actor_name for event in Event.objects.filter(article=draft)}
    assert actors["request_fast_track"] == publisher.profile.printed_name
    assert actors["confirm_fast_track"] == publisher2.profile.printed_name
