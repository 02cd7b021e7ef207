"""The desk end to end in Chromium, without the admin: an editor imports three references
from a RIS file (a job, followed from its page to the preview and the report), writes an
article citing their keys, previews the numbered markers, submits; a reviewer asks for a
change on a section; the editor reads it first, answers and resolves the thread, saves a
new version and resubmits; with two approvals required (set by the publisher on the
page), one reviewer signs, a second joins and signs; the publisher publishes and a reader
sees the numbered references. No page on the way answers 4xx or 5xx."""

import re

from articles.models import Article
from references.models import ImportJob, Reference
from tests.browser.journeys import (
    claim_and_request_changes,
    open_article,
    require_approvals,
    save_and_submit,
    sign,
    switch_to,
)

TITLE = "How is Quillon fever treated?"
KEYS = ("quillon2021", "marsh2019", "quillonguide2022")
RIS = (
    "TY  - JOUR\nID  - quillon2021\nTI  - Quillon fever in adults: a cohort study\nAU  - Quillon, Ada\n"
    "JO  - Journal of Sample Infections\nPY  - 2021\nDO  - 10.5555/quillon.2021\nER  - \n\n"
    "TY  - JOUR\nID  - marsh2019\nTI  - Shorter antibiotic courses for fever\nAU  - Marsh, Ben\n"
    "JO  - Journal of Sample Infections\nPY  - 2019\nDO  - 10.5555/marsh.2019\nER  - \n\n"
    "TY  - RPRT\nID  - quillonguide2022\nTI  - Guideline on Quillon fever\nAU  - Sample Society of Infections\n"
    "PY  - 2022\nER  - \n"
)
BODY = (
    "## Treatment\n\nTake 5 mg twice daily for 7 days [@quillon2021; @marsh2019].\n\n"
    "## When to see a doctor\n\nIf the fever lasts beyond a week [@quillonguide2022]."
)
REVISED = BODY.replace("beyond a week", "beyond a week, or returns after the course")


def test_an_article_goes_from_imported_references_to_readers_without_the_admin(
    page, sign_in, editor, reviewer, reviewer2, publisher, tmp_path
):
    failures, admin = [], []
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.request.method} {r.url}"))
    page.on("request", lambda r: "/admin/" in r.url and admin.append(r.url))

    # 1. The editor imports three records; the job page leads to the preview, then the report.
    sign_in(editor)
    page.goto("/desk/references/import/")
    ris = tmp_path / "quillon.ris"
    ris.write_text(RIS)
    page.set_input_files("#id_file", str(ris))
    page.get_by_role("button", name="Preview import").click()
    page.get_by_role("heading", name="Preview: 3 to add, 0 already in the library, 0 rejected").wait_for()
    job_page = page.url
    assert re.search(r"/desk/references/import/jobs/[0-9a-f-]{36}/$", job_page), job_page
    page.get_by_role("button", name="Add 3 references").click()
    page.get_by_role("heading", name="Import done: 3 added, 0 already in the library, 0 rejected").wait_for()
    assert re.search(r"/desk/references/import/jobs/[0-9a-f-]{36}/$", page.url) and page.url != job_page
    report = page.locator("table.import-report")
    for key in KEYS:
        assert report.get_by_role("link", name=f"@{key}", exact=True).is_visible(), key
    assert set(Reference.objects.values_list("key", flat=True)) == set(KEYS)
    assert list(ImportJob.objects.values_list("state", flat=True)) == [ImportJob.DONE, ImportJob.DONE]
    report.get_by_role("link", name="@marsh2019", exact=True).click()
    assert page.get_by_role("heading", name="Shorter antibiotic courses for fever").is_visible()

    # 2. A new article citing the keys: the preview numbers the markers and knows every key.
    page.goto("/desk/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_slug", "quillon-fever")
    page.fill("#id_body", BODY)
    page.fill("#id_note", "First draft with sources")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_role("heading", name=f"Preview: {TITLE}").is_visible()
    preview = page.locator(".rendered").first
    assert preview.locator("sup.citation").all_inner_texts() == ["1, 2", "3"]
    assert preview.locator("ol.references li").count() == 3
    assert "Quillon fever in adults" in preview.locator("ol.references li").first.inner_text()
    assert "?quillon" not in preview.inner_text() and "?marsh" not in preview.inner_text()
    assert page.locator(".citation-problems").count() == 0
    page.get_by_role("button", name="Save version").click()
    assert page.get_by_text("Article created as a draft.").is_visible()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_test_id("state").inner_text() == "Submitted"

    # 5 (policy). The publisher asks for two approvals on the article's page.
    switch_to(page, sign_in, publisher)
    open_article(page, TITLE)
    require_approvals(page, 2)

    # 3. The reviewer claims it and asks for a change in one section.
    switch_to(page, sign_in, reviewer)
    page.goto("/desk/review/")
    page.get_by_role("link", name=TITLE).click()
    claim_and_request_changes(page, "When to see a doctor", "Say what to do if the fever comes back.")

    # 4. The editor reads the request first, answers and resolves it, revises, resubmits.
    switch_to(page, sign_in, editor)
    open_article(page, TITLE)
    threads = page.get_by_test_id("threads")
    thread = threads.get_by_test_id("thread").first
    assert "Say what to do if the fever comes back." in thread.inner_text()
    assert "When to see a doctor" in thread.inner_text()
    assert threads.bounding_box()["y"] < page.locator(".rendered").first.bounding_box()["y"]
    thread.get_by_label("Your answer").fill("Added: see a doctor if it returns after the course.")
    thread.get_by_role("button", name="Answer").click()
    thread = page.get_by_test_id("threads").get_by_test_id("thread").first
    assert "Added: see a doctor if it returns after the course." in thread.inner_text()
    thread.get_by_role("button", name="Mark resolved").click()
    assert "Thread resolved." in page.get_by_role("status").first.inner_text()
    assert page.get_by_test_id("resolved-threads").locator("summary").inner_text() == "Resolved (1)"
    page.get_by_role("link", name="Edit").click()
    page.fill("#id_body", REVISED)
    page.fill("#id_note", "When the fever returns")
    save_and_submit(page)

    # 5. Two approvals: the first reviewer signs, a second member joins and signs.
    switch_to(page, sign_in, reviewer)
    open_article(page, TITLE)
    page.get_by_role("button", name="Claim this review").click()
    sign(page, reviewer)
    assert page.get_by_test_id("approvals").inner_text() == "1 of 2 approvals"
    assert page.get_by_test_id("state").inner_text() == "Under review"

    switch_to(page, sign_in, reviewer2)
    page.goto("/dashboard/")
    waiting = page.get_by_test_id("waiting-reviews")
    assert "1 of 2 approvals" in waiting.inner_text()
    waiting.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Join this review").click()
    assert "You joined this review" in page.locator(".messages").inner_text()
    sign(page, reviewer2)
    assert page.get_by_test_id("approvals").inner_text() == "2 of 2 approvals"
    assert page.get_by_test_id("state").inner_text() == "Approved"

    # 6. The publisher publishes; a reader sees the article with its numbered references.
    switch_to(page, sign_in, publisher)
    page.goto("/desk/publish/")
    assert "2 of 2 approvals" in page.locator("table").inner_text()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="Publish version 2").click()
    assert page.get_by_test_id("state").inner_text() == "Published"
    page.get_by_role("button", name="Sign out").click()
    page.goto("/articles/quillon-fever/")
    assert page.get_by_role("heading", name=TITLE).is_visible()
    assert "or returns after the course" in page.content()
    assert page.locator("sup.citation").all_inner_texts() == ["1, 2", "3"]
    references = page.locator("ol.references li")
    assert references.count() == 3
    assert "Guideline on Quillon fever" in references.nth(2).inner_text()
    review_line = page.locator(".review-line").inner_text()
    assert "Rhea Tester, M.D., FACP" in review_line and "Ravi Tester, M.D., Ph.D." in review_line

    assert Article.objects.get(slug="quillon-fever").state == "published"
    assert admin == [] and failures == []
