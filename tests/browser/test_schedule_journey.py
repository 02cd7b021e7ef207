"""A publisher schedules an approved version in a real browser, sees it pinned on the
desk page and in the publish queue, and cancels it."""

from articles.models import Schedule


def test_a_publisher_schedules_a_publication_sees_it_and_cancels_it(page, sign_in, approved, publisher):
    sign_in(publisher)
    page.goto("/desk/publish/")
    page.get_by_role("link", name="What is sample condition?").click()
    assert page.get_by_text("Publish version 1 at (UTC)").is_visible()

    # A time in the past is refused and what was typed stays in the field.
    page.fill("#schedule-at", "2001-01-01T09:00")
    page.get_by_role("button", name="Schedule publication").click()
    assert "has passed" in page.get_by_role("alert").inner_text()
    assert page.input_value("#schedule-at") == "2001-01-01T09:00"

    page.fill("#schedule-at", "2030-01-15T14:00")
    page.get_by_role("button", name="Schedule publication").click()
    schedules = page.get_by_test_id("schedules").inner_text()
    assert "Publication of version 1 at 2030-01-15 14:00 UTC, set by Paula Tester" in schedules

    page.goto("/desk/publish/")
    assert "Publication of version 1 at 2030-01-15 14:00 UTC" in page.content()
    page.get_by_role("link", name="What is sample condition?").click()

    page.get_by_role("button", name="Cancel publication").click()
    assert "Schedule cancelled." in page.content()
    assert page.get_by_test_id("schedules").count() == 0
    assert Schedule.objects.get(article=approved).outcome == Schedule.CANCELLED
