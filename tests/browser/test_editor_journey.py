"""The article editor as a daily tool, in Chromium: the citation picker used from the
keyboard, text kept by the browser and offered back after a crash (never over a newer
version without asking), and a warning before leaving unsaved text."""

import pytest

from articles import services
from articles.services import Content
from references import services as library
from references.normalize import normalize_title
from tests.browser.accessibility import serious_violations
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import type_code_if_asked
from tests.workflow import BODY

KEPT = "imprimatur.draft."


def _add(editor, key, title, family, year):
    fields = {"kind": "research", "title": title, "authors": [{"family": family, "given": "A"}], "year": year}
    return library.reference_create(actor=editor, fields={**fields, "title_key": normalize_title(title)}, key=key)


@pytest.fixture
def references(editor):
    return [
        _add(editor, "okafor2021", "Early mobilisation after surgery", "Okafor", 2021),
        _add(editor, "smith2020", "Statins in older people", "Smith", 2020),
    ]


def _open_editor(page, sign_in, editor, draft):
    sign_in(editor)
    page.goto(f"/desk/{draft.pk}/edit/")
    page.wait_for_load_state()


def _kept(page):
    """The drafts the browser keeps, by storage key."""
    return page.evaluate(
        f"() => Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('{KEPT}'))"
        ".map(k => [k, JSON.parse(localStorage.getItem(k))]))"
    )


def _type_at_end_of_body(page, text):
    page.locator("#id_body").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def _wait_until_kept(page, text):
    page.wait_for_function(
        f"() => Object.keys(localStorage).some(k => k.startsWith('{KEPT}')"
        " && JSON.parse(localStorage.getItem(k)).fields.body.includes(" + repr(text) + "))"
    )


def _typed_then_crashed(page, sign_in, editor, draft, text):
    """Open the editor, type `text` at the end of the body until the browser keeps it, and
    close the tab as a crash would (no beforeunload, nothing sent). Returns a new tab of
    the same browser and the editor's address."""
    _open_editor(page, sign_in, editor, draft)
    address = page.url
    _type_at_end_of_body(page, text)
    _wait_until_kept(page, text.strip())
    context = page.context
    page.close()
    return context.new_page(), address


def _saved_meanwhile(draft, editor, body):
    """Version 2, saved by someone else (or in another tab) while the text waited."""
    services.article_save_version(
        article_id=draft.pk,
        actor=editor,
        base_version_id=draft.working_version_id,
        content=Content(title="What is sample condition?", body=body),
        note="Version two",
    )


def test_the_picker_inserts_a_citation_at_the_cursor_from_the_keyboard(page, sign_in, editor, draft, references):
    _open_editor(page, sign_in, editor, draft)
    body = page.locator("#id_body")
    body.click()
    # The cursor, by keyboard, goes before the full stop of "... for 14 days."
    page.keyboard.press("Control+Home")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Tab")
    search = page.get_by_role("combobox", name="Cite a reference")
    assert page.evaluate("document.activeElement.id") == "citation-search"
    page.keyboard.type("okaf")
    options = page.get_by_role("option")
    options.first.wait_for()
    assert options.count() == 1
    assert options.first.inner_text() == "@okafor2021 Okafor (2021). Early mobilisation after surgery"
    assert "1 reference matches." in page.locator("#citation-status").inner_text()
    page.keyboard.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    assert search.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    assert search.get_attribute("aria-expanded") == "true"
    assert serious_violations(page) == []
    page.keyboard.press("Enter")

    assert "/edit/" in page.url and page.locator("#preview-heading").count() == 0  # Enter sent nothing
    assert body.input_value() == BODY.replace("for 14 days.", "for 14 days[@okafor2021].")
    assert page.evaluate("document.activeElement.id") == "id_body"
    assert search.get_attribute("aria-expanded") == "false"
    assert "[@okafor2021] is in the body." in page.locator("#citation-status").inner_text()
    # The cursor is after the marker: typing goes on from there.
    page.keyboard.type(" and later")
    assert "for 14 days[@okafor2021] and later." in body.input_value()

    # Escape closes the list without inserting; an unknown word says nothing matches.
    page.keyboard.press("Tab")
    page.keyboard.type("smi")
    options.first.wait_for()
    page.keyboard.press("Escape")
    assert search.get_attribute("aria-expanded") == "false"
    assert body.input_value().count("[@") == 1
    search.fill("")
    page.keyboard.type("zzz")
    page.wait_for_function("document.getElementById('citation-status').textContent.includes('No reference')")
    assert "No reference in the library matches “zzz”." in page.locator("#citation-status").inner_text()

    page.fill("#id_note", "Cited the trial")
    page.get_by_role("button", name="Save version").click()
    page.wait_for_load_state()
    draft.refresh_from_db()
    assert "for 14 days[@okafor2021] and later." in draft.working_version.body


def test_without_javascript_the_form_has_no_picker_and_typed_markers_save(
    browser, live_server, editor, draft, references
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("button[type=submit]")
    type_code_if_asked(page, editor)
    page.goto(f"/desk/{draft.pk}/edit/")
    assert page.get_by_role("combobox").count() == 0
    page.fill("#id_body", BODY + " [@smith2020]")
    page.fill("#id_note", "Typed a citation")
    page.get_by_role("button", name="Save version").click()
    assert "Saved as a new version." in page.content()
    draft.refresh_from_db()
    assert draft.working_version.body.endswith("[@smith2020]")
    context.close()


def test_text_kept_by_the_browser_is_offered_back_after_a_crash_and_forgotten_once_saved(page, sign_in, editor, draft):
    page, edit_address = _typed_then_crashed(page, sign_in, editor, draft, "\n\nWords typed before the crash.")
    page.goto(edit_address)
    [(key, kept)] = _kept(page).items()
    assert key == f"{KEPT}{editor.pk}.article.{draft.pk}"
    assert kept["version"] == draft.working_version_id and kept["versionNumber"] == "1"
    offer = page.get_by_test_id("draft-offer")
    assert "You have unsaved text from " in offer.inner_text()
    assert offer.get_attribute("role") == "status"
    # Nothing is put back until the editor says so.
    assert page.locator("#id_body").input_value() == BODY
    assert serious_violations(page) == []
    offer.get_by_role("button", name="Restore").click()
    assert page.locator("#id_body").input_value() == BODY + "\n\nWords typed before the crash."
    assert "Your unsaved text is back in the form." in offer.inner_text()
    assert page.evaluate("document.activeElement.id") == "id_body"

    page.fill("#id_note", "Kept through a crash")
    page.get_by_role("button", name="Save version").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").filter(has_text="Saved as a new version.").count() == 1
    assert _kept(page) == {}
    draft.refresh_from_db()
    assert draft.working_version.body.endswith("Words typed before the crash.")
    page.goto(edit_address)
    assert page.get_by_test_id("draft-offer").count() == 0


def test_text_kept_on_an_older_version_is_not_put_back_without_asking(page, sign_in, editor, draft):
    page, edit_address = _typed_then_crashed(page, sign_in, editor, draft, "\n\nMy change on version one.")
    _saved_meanwhile(draft, editor, BODY + "\n\nVersion two's text.")
    page.goto(edit_address)
    offer = page.get_by_test_id("draft-offer")
    assert offer.get_attribute("role") == "alert"
    assert "It was written on version 1, and this form is now open on version 2" in offer.inner_text()
    assert page.locator("#id_body").input_value() == BODY + "\n\nVersion two's text."
    offer.get_by_text("Show the unsaved text").click()
    # Each field that differs from the form, under its label, for reading before choosing.
    assert offer.locator(".draft-text", has_text="My change on version one.").count() == 1
    assert "Body:" in offer.inner_text()
    assert serious_violations(page) == []
    # Typing meanwhile does not replace what is offered.
    _type_at_end_of_body(page, " More.")
    page.wait_for_timeout(700)
    [kept] = _kept(page).values()
    assert kept["fields"]["body"].endswith("My change on version one.")

    offer.get_by_role("button", name="Discard it").click()
    assert _kept(page) == {}
    assert page.locator("#id_body").input_value() == BODY + "\n\nVersion two's text. More."


def test_the_editor_may_choose_to_put_older_text_over_the_newer_version(page, sign_in, editor, draft):
    page, edit_address = _typed_then_crashed(page, sign_in, editor, draft, " Mine.")
    _saved_meanwhile(draft, editor, "Theirs.")
    page.goto(edit_address)
    page.get_by_role("button", name="Restore my text over version 2").click()
    assert page.locator("#id_body").input_value() == BODY + " Mine."
    _wait_until_kept(page, "Mine.")
    [kept] = _kept(page).values()
    draft.refresh_from_db()
    assert kept["version"] == draft.working_version_id  # now kept as written on version 2


def test_leaving_an_edited_form_asks_first_but_sending_it_does_not(page, sign_in, editor, draft):
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    _open_editor(page, sign_in, editor, draft)
    page.get_by_role("link", name="Back to the article").click()
    page.wait_for_load_state()
    assert dialogs == [] and page.url.endswith(f"/desk/{draft.pk}/")  # nothing typed: no question

    page.goto(f"/desk/{draft.pk}/edit/")
    page.locator("#id_title").click()
    page.keyboard.press("End")
    page.keyboard.type(" (revised)")
    page.get_by_role("link", name="Back to the article").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/edit/")  # the editor chose to stay

    page.locator("#id_note").click()
    page.keyboard.type("Revised title")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()
    assert page.locator("#preview-heading").inner_text() == "Preview: What is sample condition? (revised)"
    assert dialogs == ["beforeunload"]
    # The preview shows text that is still not saved: leaving asks again.
    page.get_by_role("link", name="Back to the article").click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload", "beforeunload"]

    page.get_by_role("button", name="Save version").click()
    page.wait_for_load_state()
    assert dialogs == ["beforeunload", "beforeunload"]
    assert page.url.endswith(f"/desk/{draft.pk}/")


def test_a_new_article_is_kept_too_and_forgotten_once_created(page, sign_in, editor):
    sign_in(editor)
    page.goto("/desk/new/")
    page.locator("#id_title").click()
    page.keyboard.type("Delirium in hospital")
    page.wait_for_function(f"() => localStorage.getItem('{KEPT}{editor.pk}.new-article') !== null")
    context = page.context
    page.close()
    page = context.new_page()
    page.goto("/desk/new/")
    page.get_by_test_id("draft-offer").get_by_role("button", name="Restore").click()
    assert page.locator("#id_title").input_value() == "Delirium in hospital"
    page.fill("#id_slug", "delirium-in-hospital")
    page.fill("#id_body", "## Care\n\nText.")
    page.fill("#id_note", "First draft")
    page.get_by_role("button", name="Save version").click()
    page.wait_for_load_state()
    assert "Article created as a draft." in page.content()
    assert _kept(page) == {}
