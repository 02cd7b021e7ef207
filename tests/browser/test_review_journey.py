"""The whole review journey in a real browser: draft, changes requested, revision,
two signed approvals (quorum 2), publication, the reader's page, history and audit."""

import pytest
from django.core.management import call_command
from django.db import connection

from articles.models import Article, Event
from tests.browser.journeys import (
    claim_and_request_changes,
    open_article,
    require_approvals,
    save_and_submit,
    switch_to,
)
from tests.conftest import PERSONA_PASSWORD, as_owner
from tests.two_factor import fresh_code


def test_editor_reviewers_and_publisher_take_an_article_to_readers(
    page, sign_in, editor, reviewer, reviewer2, publisher
):
    title = "How is Quillon fever treated?"
    # The editor drafts and submits.
    sign_in(editor)
    page.goto("/desk/new/")
    page.fill("#id_title", title)
    page.fill("#id_slug", "quillon-fever")
    page.fill("#id_topic", "Infections")
    page.fill("#id_body", "## Treatment\n\nTake 5 mg twice daily for 7 days.")
    page.fill("#id_note", "First draft")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_role("heading", name="Treatment").is_visible()
    save_and_submit(page)

    # The publisher asks for two approvals.
    switch_to(page, sign_in, publisher)
    open_article(page, title)
    require_approvals(page, 2)

    # The first reviewer claims it and asks for a change in the Treatment section.
    switch_to(page, sign_in, reviewer)
    page.goto("/desk/review/")
    page.get_by_role("link", name=title).click()
    claim_and_request_changes(page, "Treatment", "Say what to do if symptoms last longer.")

    # The editor revises and resubmits.
    switch_to(page, sign_in, editor)
    open_article(page, title)
    assert "Say what to do if symptoms last longer." in page.content()
    page.get_by_role("link", name="Edit").click()
    page.fill("#id_body", "## Treatment\n\nTake 5 mg twice daily for 10 days. See a doctor if it lasts longer.")
    page.fill("#id_note", "Longer course, when to see a doctor")
    page.get_by_role("button", name="Save version").click()
    page.get_by_role("button", name="Submit for review").click()

    # Both reviewers sign with their passwords; a wrong password is refused first.
    switch_to(page, sign_in, reviewer)
    open_article(page, title)
    page.get_by_role("button", name="Claim this review").click()
    # Compared with the version reviewed in the first round, the changed course length stands out.
    assert "Changes since the version last reviewed (version 1)" in page.content()
    numbers = page.locator("table.numbers").inner_text()
    assert "7 days" in numbers and "10 days" in numbers
    page.check("#conflict-none")
    page.fill("#approve-password", "wrong password")
    page.fill("#approve-code", fresh_code(reviewer))
    page.get_by_role("button", name="Sign approval").click()
    assert "password was not correct" in page.get_by_role("alert").inner_text()
    assert page.is_checked("#conflict-none")  # what was stated is kept after the refusal
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", fresh_code(reviewer))
    page.get_by_role("button", name="Sign approval").click()
    assert page.get_by_test_id("state").inner_text() == "Under review"

    switch_to(page, sign_in, publisher)
    open_article(page, title)
    page.select_option("#assign-reviewer", label="Ravi Tester, M.D., Ph.D.")
    page.get_by_role("button", name="Assign").click()

    switch_to(page, sign_in, reviewer2)
    page.goto("/desk/review/?mine=1")
    page.get_by_role("link", name=title).click()
    page.check("#conflict-none")
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", fresh_code(reviewer2))
    page.get_by_role("button", name="Sign approval").click()
    assert page.get_by_test_id("state").inner_text() == "Approved"
    assert page.get_by_text("Ravi Tester, M.D., Ph.D. · Approved for medical accuracy").first.is_visible()

    # The publisher publishes.
    switch_to(page, sign_in, publisher)
    page.goto("/desk/publish/")
    page.get_by_role("link", name=title).click()
    page.get_by_role("button", name="Publish version 2").click()
    assert page.get_by_test_id("state").inner_text() == "Published"

    # A reader sees the published version with both reviewers.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/articles/quillon-fever/")
    assert page.get_by_role("heading", name=title).is_visible()
    assert "10 days" in page.content()
    review_line = page.locator(".review-line").inner_text()
    assert "Rhea Tester, M.D., FACP" in review_line and "Ravi Tester, M.D., Ph.D." in review_line

    # The history shows every version, and the diff shows the changed number.
    sign_in(editor)
    open_article(page, title)
    page.get_by_role("link", name="History").click()
    assert page.get_by_role("cell", name="First draft").is_visible()
    assert page.get_by_role("cell", name="Longer course, when to see a doctor").is_visible()
    page.get_by_role("button", name="Compare selected").click()
    numbers = page.locator("table.numbers").inner_text()
    assert "7 days" in numbers and "10 days" in numbers

    # The audit trail verifies, and a row altered by hand is caught.
    call_command("verify_audit")
    article = Article.objects.get(slug="quillon-fever")
    forged = Event.objects.filter(article=article, action="approve").first()
    with as_owner(), connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE articles_event SET actor_name = 'Someone Else' WHERE id = %s", [forged.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    with pytest.raises(SystemExit):
        call_command("verify_audit")
