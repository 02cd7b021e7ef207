"""axe-core on every desk page each role reaches, signed in through the real login: no
violation of any impact on any of them, and a visible focus on what Tab reaches."""

import pytest
from django.utils.timezone import now

from articles import reader_reports, services
from articles.models import SitePage
from articles.services import Content
from references import services as library
from references.normalize import normalize_title
from tests.browser.accessibility import invisible_focus, serious_violations
from tests.workflow import approve, claim, submit


def _content(title, body):
    return Content(title=title, summary="A summary.", body=body, key_points="One\nTwo", aliases=("Other name",))


@pytest.fixture
def desk(published, editor, reviewer, publisher):
    """An article of each kind the pages show: a published one with a second version under
    review (history, compare, the review page), an approved one (the publish and schedule
    forms), a draft, a reference and a reader's report."""
    fields = {
        "kind": "guideline",
        "title": "Sample guideline on dosing",
        "authors": [{"family": "Okafor", "given": "Ada"}],
        "source": "J Sample Med",
        "year": 2021,
    }
    reference = library.reference_create(
        actor=editor, fields={**fields, "title_key": normalize_title(fields["title"])}, key="okafor2021"
    )
    published.refresh_from_db()
    services.article_save_version(
        article_id=published.pk,
        actor=editor,
        base_version_id=published.working_version_id,
        content=_content("What is sample condition?", "## Dosage\n\nTake 10 mg once daily [@okafor2021]."),
        note="Dose updated",
    )
    submit(published, editor)
    claim(published, reviewer)
    reader_reports.report_submit(slug=published.slug, text="The dose looks wrong")
    content = _content("Approved one", "## A\n\nText.")
    approved = services.article_create(actor=editor, slug="approved-one", topic="Cardiology", content=content, note="n")
    submit(approved, editor)
    claim(approved, reviewer)
    approve(approved, reviewer)
    draft = services.article_create(
        actor=editor, slug="a-draft", topic="Cardiology", content=_content("A draft", "## B\n\nText."), note="n"
    )
    SitePage.objects.get_or_create(
        key="editorial-policy", defaults={"title": "Editorial policy", "body": "How we review.", "updated_at": now()}
    )
    return {"review": published, "approved": approved, "draft": draft, "reference": reference}


def _pages(role, desk):
    review, approved, draft = desk["review"].pk, desk["approved"].pk, desk["draft"].pk
    common = [
        "/dashboard/",
        "/desk/",
        f"/desk/{review}/",
        f"/desk/{review}/history/",
        f"/desk/{review}/compare/?a=1&b=2",
        "/desk/references/",
        f"/desk/references/{desk['reference'].pk}/",
        "/notifications/",
        "/notifications/settings/",
        "/desk/profile/",
        "/desk/two-factor/",
        "/desk/api-tokens/",
        "/accounts/password_change/",
    ]
    by_role = {
        "editor": [
            "/desk/new/",
            f"/desk/{draft}/",
            f"/desk/{draft}/edit/",
            "/desk/references/new/",
            "/desk/references/import/",
            "/desk/reader-reports/",
            "/desk/reports/",
        ],
        "reviewer": ["/desk/review/", "/desk/review/?mine=1", f"/desk/{approved}/", "/desk/registry/me/"],
        "publisher": [
            "/desk/publish/",
            f"/desk/{approved}/",
            "/desk/references/import/",
            "/desk/reader-reports/",
            "/desk/audit/",
            "/desk/reports/",
            "/desk/webhooks/",
            "/desk/lockouts/",
            "/desk/people/",
            "/desk/registry/",
            "/desk/two-factor/team/",
            "/desk/pages/editorial-policy/",
        ],
    }
    return common + by_role[role]


ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def _problems(page):
    unseen = [("focus not visible", html) for html in invisible_focus(page)]
    return serious_violations(page, impacts=ALL_IMPACTS) + unseen


@pytest.mark.parametrize("role", ["editor", "reviewer", "publisher"])
def test_every_desk_page_a_role_reaches_is_clean_for_axe_with_a_visible_focus(
    role, request, page, sign_in, desk, settings
):
    settings.PUBLISHERS_MANAGE_PEOPLE = True  # the people pages, for publishers too
    sign_in(request.getfixturevalue(role))
    found = {}
    for address in _pages(role, desk):
        response = page.goto(address)
        assert response.status == 200, f"{address} answered {response.status}"
        found[address] = _problems(page)
    assert {address: problems for address, problems in found.items() if problems} == {}


def test_the_editors_preview_and_refused_form_are_clean_too(page, sign_in, editor, desk):
    sign_in(editor)
    page.goto(f"/desk/{desk['draft'].pk}/edit/")
    page.fill("#id_note", "Checking the preview")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert page.locator("#preview-heading").is_visible()
    assert _problems(page) == []

    page.fill("#id_title", "")
    page.get_by_role("button", name="Save version").click()
    page.wait_for_load_state()
    summary = page.locator("#form-errors")
    assert "Title: This field is required." in summary.inner_text()
    assert page.evaluate("document.activeElement.id") == "form-errors"  # read out and focused first
    summary.get_by_role("link", name="Title: This field is required.").click()
    assert page.evaluate("document.activeElement.id") == "id_title"
    assert _problems(page) == []


@pytest.mark.parametrize("role", ["reviewer", "publisher"])
def test_the_article_form_is_refused_to_those_who_do_not_write(role, request, page, sign_in, desk):
    sign_in(request.getfixturevalue(role))
    for address in (f"/desk/{desk['draft'].pk}/edit/", "/desk/new/"):
        response = page.goto(address)
        assert response.status == 403
        assert "Only editors write and revise articles." in page.content()
        assert serious_violations(page, impacts=ALL_IMPACTS) == []
