"""An editor uploads a figure, cites it, previews and submits; a reviewer sees it in the
diff and signs; the publisher publishes; readers, and the static export, show it with
its alt text."""

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

from PIL import Image

from articles.models import Article
from tests.browser.accessibility import serious_violations
from tests.browser.journeys import open_article, save_and_submit, switch_to
from tests.conftest import PERSONA_PASSWORD
from tests.two_factor import fresh_code

TITLE = "How is Quillon fever dosed?"
ALT = "Dose in milligrams rising with body weight"


def loaded(image):
    """The browser fetched and decoded the image (an <img> whose file is missing has no natural width)."""
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def serve(folder):
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SimpleHTTPRequestHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_a_figure_goes_from_upload_to_readers_and_the_export(
    page, sign_in, editor, reviewer, publisher, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_EXPORT_DIR = str(tmp_path / "export")
    chart = tmp_path / "dosing.png"
    Image.new("RGB", (1400, 900), (40, 110, 190)).save(chart)

    sign_in(editor)
    page.goto("/desk/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_slug", "quillon-fever-dosing")
    page.fill("#id_body", "## Dosing\n\nThe dose depends on weight.")
    page.fill("#id_note", "First draft")
    page.get_by_role("button", name="Save version").click()
    page.get_by_role("link", name="Edit").click()

    # The figure is uploaded from the edit page; the words typed meanwhile are kept.
    page.fill("#id_body", "## Dosing\n\nThe dose depends on weight, as the chart shows.")
    page.set_input_files("#id_figure-image", str(chart))
    page.fill("#id_figure-key", "dosing-chart")
    page.fill("#id_figure-alt", ALT)
    page.fill("#id_figure-caption", "Daily dose by weight band.")
    page.fill("#id_figure-credit", "Imprimatur medical illustration")
    page.fill("#id_figure-licence", "CC BY 4.0")
    page.get_by_role("button", name="Upload figure").click()
    assert "Figure “dosing-chart” saved" in page.content()
    assert page.input_value("#id_body") == "## Dosing\n\nThe dose depends on weight, as the chart shows."
    assert loaded(page.locator("img.figure-thumbnail"))
    syntax = page.input_value(".figure-syntax")
    assert syntax == f"![{ALT}](figure:dosing-chart)"
    assert serious_violations(page) == []

    # An SVG is refused, with the reason, and the text is still there.
    svg = tmp_path / "diagram.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page.set_input_files("#id_figure-image", str(svg))
    page.fill("#id_figure-key", "diagram")
    page.fill("#id_figure-alt", "A diagram")
    page.get_by_role("button", name="Upload figure").click()
    assert "SVG images are not accepted" in page.get_by_role("alert").first.inner_text()
    assert "as the chart shows" in page.input_value("#id_body")

    page.fill("#id_body", f"## Dosing\n\nThe dose depends on weight, as the chart shows.\n\n{syntax}\n")
    page.fill("#id_note", "Dosing chart")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator(".rendered figure img")
    assert preview.get_attribute("alt") == ALT and loaded(preview)
    assert "Daily dose by weight band." in page.locator(".rendered figcaption").inner_text()
    save_and_submit(page)

    # The reviewer sees the figure in the article and, in the history, that it was added.
    switch_to(page, sign_in, reviewer)
    open_article(page, TITLE)
    page.get_by_role("button", name="Claim this review").click()
    assert loaded(page.locator("figure#figure-dosing-chart img"))
    page.get_by_role("link", name="History").click()
    page.get_by_role("button", name="Compare selected").click()
    change = page.locator(".figure-change")
    assert change.inner_text().startswith("dosing-chart: added")
    assert loaded(change.locator("ins img"))
    open_article(page, TITLE)
    page.check("#conflict-none")
    page.fill("#approve-password", PERSONA_PASSWORD)
    page.fill("#approve-code", fresh_code(reviewer))
    page.get_by_role("button", name="Sign approval").click()
    assert page.get_by_test_id("state").inner_text() == "Approved"

    switch_to(page, sign_in, publisher)
    open_article(page, TITLE)
    page.get_by_role("button", name="Publish version 2").click()
    assert page.get_by_test_id("state").inner_text() == "Published"

    # Readers see the figure, with its caption, credit and licence.
    page.get_by_role("button", name="Sign out").click()
    page.goto("/articles/quillon-fever-dosing/")
    image = page.get_by_role("img", name=ALT)
    assert loaded(image) and image.get_attribute("srcset").count("w, ") == 2
    caption = page.locator("figure figcaption").inner_text()
    assert "Credit: Imprimatur medical illustration." in caption and "Licence: CC BY 4.0." in caption
    assert serious_violations(page) == []
    page.set_viewport_size({"width": 400, "height": 800})
    page.reload()
    assert page.get_by_role("img", name=ALT).evaluate("img => img.getBoundingClientRect().width") <= 400

    # The static export holds the page and the figure's files beside it.
    article = Article.objects.get(slug="quillon-fever-dosing")
    export = serve(tmp_path / "export")
    try:
        page.goto(f"http://127.0.0.1:{export.server_address[1]}/articles/{article.slug}/")
        exported = page.get_by_role("img", name=ALT)
        assert exported.get_attribute("src").startswith(f"/articles/{article.slug}/figures/")
        assert loaded(exported)
    finally:
        export.shutdown()
        export.server_close()
