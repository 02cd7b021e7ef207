"""Requested changes come first on the editor's page, as threads: the editor answers and
resolves them, and the reviewer approves with a comment that reaches the editor's mail."""

from articles import services
from articles.models import ReviewComment
from notifications.models import Notification
from tests.browser.accessibility import serious_violations
from tests.browser.journeys import switch_to
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code
from tests.workflow import submit


def test_the_editor_answers_and_resolves_requested_changes_and_the_reviewer_approves_with_a_comment(
    page, sign_in, changes_requested, editor, reviewer
):
    draft = changes_requested
    services.article_comment(article_id=draft.pk, actor=reviewer, body="The side effects read well.")

    # The editor reads the requested change first, above the article, with its section.
    sign_in(editor)
    page.goto(f"/desk/{draft.pk}/")
    threads = page.get_by_test_id("threads")
    first = threads.get_by_test_id("thread").first
    text = first.inner_text()
    assert "CHANGE REQUESTED" in text.upper() and "Say how long the course lasts." in text
    content_top = page.get_by_role("heading", name="Version 1", exact=True).bounding_box()["y"]
    assert threads.bounding_box()["y"] < content_top
    first.get_by_role("link", name="“Dosage”").click()
    assert page.url.endswith("#dosage")
    assert serious_violations(page) == []

    first.get_by_label("Your answer").fill("Added the course length: 14 days.")
    first.get_by_role("button", name="Answer").click()
    first = page.get_by_test_id("thread").first
    assert "Added the course length: 14 days." in first.inner_text()
    first.get_by_role("button", name="Mark resolved").click()
    assert "Thread resolved." in page.get_by_role("status").first.inner_text()
    resolved = page.get_by_test_id("resolved-threads")
    assert resolved.locator("summary").inner_text() == "Resolved (1)"
    assert page.get_by_test_id("threads").get_by_test_id("thread").first.is_visible()  # the open comment stays
    assert serious_violations(page) == []

    # The editor revises and resubmits.
    draft.refresh_from_db()
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        content=services.Content(
            title="What is sample condition?", body="## Dosage\n\nTake 5 mg once daily for 14 days."
        ),
        note="Course length",
    )
    submit(draft, editor)

    # The reviewer sees the answer, claims the new round and approves with a comment.
    switch_to(page, sign_in, reviewer)
    page.goto(f"/desk/{draft.pk}/")
    page.get_by_test_id("resolved-threads").locator("summary").click()
    assert "Added the course length: 14 days." in page.get_by_test_id("resolved-threads").inner_text()
    page.get_by_role("button", name="Claim this review").click()
    page.check("#conflict-none")
    page.fill("#approve-comment", "Good. Next time, cite the 2024 guideline too.")
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", fresh_code(reviewer))
    page.get_by_role("button", name="Sign approval").click()
    assert page.get_by_test_id("state").inner_text() == "Approved"
    approval = page.get_by_test_id("thread").filter(has_text="Approved with a comment")
    assert "Next time, cite the 2024 guideline too." in approval.inner_text()
    assert serious_violations(page) == []

    mail = Notification.objects.get(kind="approved", recipient=editor)
    assert "Next time, cite the 2024 guideline too." in mail.message
    assert ReviewComment.objects.filter(with_approval=True, author=reviewer).count() == 1
