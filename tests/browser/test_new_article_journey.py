"""An editor writes a new article in a real browser: the address follows the title until
edited by hand, a preview needs neither address nor change note, and the form says where
the summary is shown. Axe-clean."""

from articles.models import Article
from tests.browser.accessibility import serious_violations


def test_the_address_follows_the_title_and_a_preview_needs_no_address_or_note(page, sign_in, editor):
    sign_in(editor)
    page.goto("/desk/new/")
    assert "Readers see it under the title of the public page" in page.content()
    assert serious_violations(page) == []

    page.get_by_label("Title").press_sequentially("What is Ménière’s disease?")
    assert page.get_by_label("Address (slug)").input_value() == "what-is-menieres-disease"
    page.get_by_label("Address (slug)").fill("")
    page.get_by_label("Body").fill("## Symptoms\n\nVertigo.")
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_role("heading", name="Preview: What is Ménière’s disease?").is_visible()
    assert page.get_by_label("Title").input_value() == "What is Ménière’s disease?"

    page.get_by_label("Address (slug)").fill("menieres")
    page.get_by_label("Title").press_sequentially(" In adults")
    assert page.get_by_label("Address (slug)").input_value() == "menieres"  # typed by hand: kept
    page.get_by_label("Change note").fill("First draft")
    page.get_by_role("button", name="Save version").click()
    assert page.get_by_text("Article created as a draft.").is_visible()
    assert Article.objects.get().slug == "menieres"


def test_without_javascript_a_blank_address_is_made_from_the_title(browser, live_server, editor):
    from tests.conftest import PERSONA_PASSWORD

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", PERSONA_PASSWORD)
    page.click("button[type=submit]")
    page.goto("/desk/new/")
    page.get_by_label("Title").fill("Gout in the knee")
    assert page.get_by_label("Address (slug)").input_value() == ""
    page.get_by_label("Change note").fill("First draft")
    page.get_by_role("button", name="Save version").click()
    assert page.get_by_text("Article created as a draft.").is_visible()
    assert Article.objects.get().slug == "gout-in-the-knee"
    context.close()
