"""Where figures show: the body's rendering, the desk's edit page, the diff, the public
page with its JSON-LD, and the static export, at a query count that does not grow."""

import json
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Event
from articles.rendering import render_markdown
from figures.models import Figure
from tests.figures.images import SVG_WITH_SCRIPT, image_bytes, png_header_claiming
from tests.figures.workflow import FIGURE_BODY, add_figure, save
from tests.workflow import approve, claim, publish, submit


def snapshot(key="chart", width=1200, height=800, **words):
    renditions = [
        {"width": w, "height": round(height * w / width), "sha256": "0" * 64, "name": f"figures/abc/{w}w.png"}
        for w in (480, 960)
    ] + [{"width": width, "height": height, "sha256": "0" * 64, "name": "figures/abc/original.png"}]
    return {
        "key": key,
        "alt": "Stored alt",
        "caption": "A <caption>",
        "credit": "Jane & co",
        "licence": "CC BY 4.0",
        "sha256": "0" * 64,
        "format": "png",
        "width": width,
        "height": height,
        "bytes": 1,
        "name": "figures/abc/original.png",
        "renditions": renditions,
        **words,
    }


# ---------------------------------------------------------------- rendering


def test_a_figure_alone_in_its_paragraph_is_a_figure_with_srcset_size_and_caption():
    html, _ = render_markdown("Text.\n\n![Doses by weight](figure:chart)\n", figures=[snapshot()])
    assert "<p><figure" not in html
    [figure] = re.findall(r"<figure.*?</figure>", html, re.S)
    assert 'id="figure-chart"' in figure
    assert 'src="/media/figures/abc/960w.png"' in figure and 'width="960" height="640"' in figure
    assert 'srcset="/media/figures/abc/480w.png 480w, /media/figures/abc/960w.png 960w, ' in figure
    assert 'sizes="(min-width: 48rem) 46rem, 100vw"' in figure
    assert 'alt="Doses by weight"' in figure
    assert "<figcaption>A &lt;caption&gt; <span" in figure and "Credit: Jane &amp; co. Licence: CC BY 4.0." in figure


def test_a_figure_without_alt_in_the_body_takes_the_figures_alt_text():
    html, _ = render_markdown("![](figure:chart)", figures=[snapshot()])
    assert 'alt="Stored alt"' in html


def test_a_figure_inside_a_sentence_is_an_image_without_a_caption():
    html, _ = render_markdown("See ![chart](figure:chart) here.", figures=[snapshot()])
    assert "<figure" not in html and "<p>See <img" in html


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("![Chart](https://example.org/track.png)", "[Chart: image not shown: not one of the article's figures]"),
        ("![Chart](figure:missing)", "[Chart: figure “missing” is missing]"),
    ],
)
def test_an_image_that_is_not_a_known_figure_shows_as_words_never_as_an_image(body, shown):
    html, _ = render_markdown(body, figures=[snapshot()])
    assert "<img" not in html and "example.org" not in html
    assert shown in html


# ---------------------------------------------------------------- the desk


def edit_form(article, **fields):
    version = article.working_version
    return {
        "title": version.title,
        "summary": version.summary,
        "body": version.body,
        "note": "",
        "base_version_id": version.pk,
        **fields,
    }


def figure_fields(**fields):
    defaults = {"figure-key": "dosing-chart", "figure-alt": "Doses by body weight", "figure-caption": "By weight."}
    return {**defaults, **{f"figure-{name}": value for name, value in fields.items()}}


def png_file(name="chart.png", size=(1200, 800)):
    return SimpleUploadedFile(name, image_bytes("PNG", size), content_type="image/png")


def test_an_editor_uploads_a_figure_from_the_edit_page_and_the_typed_text_is_kept(client, draft, editor):
    client.force_login(editor)
    form = edit_form(draft, body="My unsaved text with ![x](figure:dosing-chart)", **figure_fields())
    response = client.post(
        f"/desk/{draft.pk}/edit/", {**form, "figure-image": png_file(), "upload_figure": "1"}, follow=False
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "My unsaved text with ![x](figure:dosing-chart)" in page
    assert "Figure “dosing-chart” saved" in page
    assert "![Doses by body weight](figure:dosing-chart)" in page  # the syntax to paste
    assert re.search(r'<img src="/media/figures/[0-9a-f]{64}/480w.png" width="480" height="320"', page)
    assert Figure.objects.get().caption == "By weight."


@pytest.mark.parametrize(
    ("content", "name", "status", "message"),
    [
        (SVG_WITH_SCRIPT, "d.svg", 400, "SVG images are not accepted"),
        (b"<html><script>alert(1)</script></html>", "x.png", 400, "not a PNG, JPEG or WebP image"),
        (png_header_claiming(20_000, 20_000), "bomb.png", 400, "too large"),
    ],
)
def test_a_refused_file_says_why_with_a_4xx_and_keeps_the_text(client, draft, editor, content, name, status, message):
    client.force_login(editor)
    upload = SimpleUploadedFile(name, content, content_type="image/png")
    form = edit_form(draft, body="Unsaved words", **figure_fields())
    response = client.post(f"/desk/{draft.pk}/edit/", {**form, "figure-image": upload, "upload_figure": "1"})
    assert response.status_code == status
    page = response.content.decode()
    assert message in page and "Unsaved words" in page and 'value="Doses by body weight"' in page
    assert not Figure.objects.exists()


def test_an_upload_over_the_limit_is_refused_before_it_is_read(client, draft, editor, settings):
    settings.FIGURE_MAX_BYTES = 1024 * 1024
    client.force_login(editor)
    big = SimpleUploadedFile("big.png", b"\0" * (2 * 1024 * 1024 + 10), content_type="image/png")
    response = client.post(f"/desk/{draft.pk}/edit/", {**edit_form(draft), "figure-image": big, "upload_figure": "1"})
    assert response.status_code == 413
    assert "a figure may be at most 1.0 MB" in response.content.decode()
    assert response["Connection"] == "close"


def test_a_file_just_over_the_limit_is_refused_with_413_after_the_text(client, draft, editor, settings):
    settings.FIGURE_MAX_BYTES = 4096
    uncompressed = SimpleUploadedFile("big.png", image_bytes("PNG", (200, 200), compress_level=0))
    client.force_login(editor)
    response = client.post(
        f"/desk/{draft.pk}/edit/",
        {**edit_form(draft), **figure_fields(), "figure-image": uncompressed, "upload_figure": "1"},
    )
    assert response.status_code == 413 and "a figure may be at most 4.0 KB" in response.content.decode()


def test_a_reviewer_sees_no_upload_form_and_cannot_post_one(client, draft, editor, reviewer):
    add_figure(draft, editor)
    client.force_login(reviewer)
    assert client.get(f"/desk/{draft.pk}/edit/").status_code == 403  # the article form is the editors'
    response = client.get(f"/desk/{draft.pk}/")  # the article page offers no way to change figures either
    page = response.content.decode()
    assert response.status_code == 200 and "Upload figure" not in page and "Remove dosing-chart" not in page
    response = client.post(
        f"/desk/{draft.pk}/edit/",
        {**edit_form(draft), **figure_fields(key="other"), "figure-image": png_file(), "upload_figure": "1"},
    )
    assert response.status_code == 403
    response = client.post(f"/desk/{draft.pk}/edit/", {**edit_form(draft), "remove_figure": "dosing-chart"})
    assert response.status_code == 403
    assert list(Figure.objects.values_list("key", flat=True)) == ["dosing-chart"]


def test_an_editor_removes_a_figure_from_the_edit_page(client, draft, editor):
    add_figure(draft, editor)
    client.force_login(editor)
    response = client.post(f"/desk/{draft.pk}/edit/", {**edit_form(draft), "remove_figure": "dosing-chart"})
    assert response.status_code == 200 and "Figure “dosing-chart” removed" in response.content.decode()
    assert not Figure.objects.exists()


def test_the_upload_needs_the_pages_csrf_token(draft, editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    response = client.post(
        f"/desk/{draft.pk}/edit/",
        {**edit_form(draft), **figure_fields(), "figure-image": png_file(), "upload_figure": "1"},
    )
    assert response.status_code == 403 and not Figure.objects.exists()


def test_preview_shows_the_uploaded_figure_and_flags_an_unknown_one(client, draft, editor):
    add_figure(draft, editor)
    client.force_login(editor)
    body = "![Doses](figure:dosing-chart)\n\n![Other](figure:nope)"
    page = client.post(
        f"/desk/{draft.pk}/edit/", {**edit_form(draft, body=body, note="n"), "preview": "1"}
    ).content.decode()
    assert '<figure class="figure" id="figure-dosing-chart">' in page
    assert "no figure has the key “nope”" in page


def test_saving_a_remote_image_is_refused_with_400_and_how_to_add_it(client, draft, editor):
    client.force_login(editor)
    body = "![Chart](https://example.org/chart.png)"
    response = client.post(f"/desk/{draft.pk}/edit/", edit_form(draft, body=body, note="with image"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "upload it in the Figures section of the edit page" in page and "https://example.org/chart.png" in page
    assert draft.versions.count() == 1


def test_the_article_page_warns_of_a_figure_changed_since_the_version(client, draft, editor):
    add_figure(draft, editor)
    save(draft, editor)
    add_figure(draft, editor, replace=True, color=(0, 200, 0))
    client.force_login(editor)
    page = client.get(f"/desk/{draft.pk}/").content.decode()
    assert "Changed since this version was saved: figure “dosing-chart”" in page


def test_a_reviewer_sees_the_figure_and_the_diff_names_it_replaced(client, draft, editor, reviewer):
    add_figure(draft, editor)
    first = save(draft, editor)
    add_figure(draft, editor, replace=True, color=(0, 200, 0), alt="New doses chart")
    second = save(draft, editor, note="New chart")
    client.force_login(reviewer)
    page = client.get(f"/desk/{draft.pk}/compare/?a={first.number}&b={second.number}").content.decode()
    assert "<strong>dosing-chart</strong>: image replaced" in page
    assert f'<del><img src="/media/figures/{first.figures[0]["sha256"]}/480w.png"' in page
    assert f'<ins><img src="/media/figures/{second.figures[0]["sha256"]}/480w.png"' in page
    assert "Alt text: <del>Doses by body weight</del> <ins>New doses chart</ins>" in page
    page = client.get(f"/desk/{draft.pk}/").content.decode()
    assert '<figure class="figure" id="figure-dosing-chart">' in page


def test_the_diff_lists_added_and_removed_figures(client, draft, editor):
    add_figure(draft, editor, key="one")
    add_figure(draft, editor, key="two")
    first = save(draft, editor, body="![a](figure:one)")
    second = save(draft, editor, body="![b](figure:two)", note="swap")
    client.force_login(editor)
    page = client.get(f"/desk/{draft.pk}/compare/?a={first.number}&b={second.number}").content.decode()
    assert "<strong>two</strong>: added" in page and "<strong>one</strong>: removed" in page


# ---------------------------------------------------------------- readers


def publish_with_figures(article, editor, reviewer, publisher, count):
    body = ["## Dosage", ""]
    for number in range(count):
        add_figure(article, editor, key=f"chart-{number}", color=(number * 10 % 255, 100, 100), size=(700, 500))
        body += [f"![Chart {number}](figure:chart-{number})", ""]
    save(article, editor, body="\n".join(body))
    submit(article, editor)
    claim(article, reviewer)
    approve(article, reviewer)
    publish(article, publisher)
    article.refresh_from_db()
    return article


def test_readers_see_the_figure_with_caption_credit_licence_and_json_ld_image(
    client, draft, editor, reviewer, publisher
):
    add_figure(draft, editor, caption="Doses by weight band.", credit="Imprimatur", licence="CC BY 4.0")
    save(draft, editor, body=FIGURE_BODY)
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    publish(draft, publisher)
    draft.refresh_from_db()
    page = client.get("/articles/sample-condition/").content.decode()
    [figure] = draft.published_version.figures
    assert '<figure class="figure" id="figure-dosing-chart">' in page
    assert 'alt="Dosing chart by weight"' in page and 'width="960" height="640"' in page
    assert 'Doses by weight band. <span class="figure-credit">Credit: Imprimatur. Licence: CC BY 4.0.</span>' in page
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["image"] == [
        {
            "@type": "ImageObject",
            "contentUrl": f"http://testserver/media/figures/{figure['sha256']}/original.png".replace(
                "http://testserver", data["url"].split("/articles/")[0]
            ),
            "width": 1200,
            "height": 800,
            "caption": "Doses by weight band.",
            "creditText": "Imprimatur",
            "license": "CC BY 4.0",
        }
    ]
    image = client.get(f"/media/figures/{figure['sha256']}/960w.png")
    assert image.status_code == 200
    detail = client.get(reverse("api:article", args=["sample-condition"])).json()
    assert '<figure class="figure" id="figure-dosing-chart">' in detail["audiences"][0]["body_html"]
    [listed] = detail["figures"]
    assert (listed["key"], listed["sha256"], listed["licence"]) == ("dosing-chart", figure["sha256"], "CC BY 4.0")
    assert [r["width"] for r in listed["renditions"]] == [480, 960, 1200]
    assert listed["renditions"][0]["url"].endswith(f"/media/figures/{figure['sha256']}/480w.png")


def test_the_syntax_to_paste_escapes_brackets_in_the_alt_text(client, draft, editor):
    add_figure(draft, editor, alt="Dose [mg] by weight")
    client.force_login(editor)
    page = client.get(f"/desk/{draft.pk}/edit/").content.decode()
    assert 'value="![Dose \\[mg\\] by weight](figure:dosing-chart)"' in page
    html, _ = render_markdown("![Dose \\[mg\\] by weight](figure:chart)", figures=[snapshot()])
    assert 'alt="Dose [mg] by weight"' in html


def test_an_article_page_with_20_figures_takes_the_queries_of_one_with_1(
    client, draft, editor, reviewer, publisher, make_staff, django_assert_max_num_queries
):
    from articles import services
    from articles.services import Content

    few = publish_with_figures(draft, editor, reviewer, publisher, 1)
    other = services.article_create(
        actor=editor, slug="many-figures", topic="", content=Content(title="Many", body="x"), note="n"
    )
    many = publish_with_figures(other, editor, reviewer, publisher, 20)
    assert len(many.published_version.figures) == 20
    counts = {}
    for article in (few, many):
        client.get(article.get_public_url())  # stored pages made; the next views are what readers get
        with django_assert_max_num_queries(5) as captured:
            page = client.get(article.get_public_url()).content.decode()
        counts[article.slug] = len(captured.captured_queries)
        assert page.count("<figure ") == len(article.published_version.figures)
    assert counts["sample-condition"] == counts["many-figures"]
    # The desk's article and edit pages list the figures in one query too.
    client.force_login(editor)
    for path in ("/desk/{}/", "/desk/{}/edit/"):
        desk = []
        for article in (few, many):
            with django_assert_max_num_queries(60) as captured:
                assert client.get(path.format(article.pk)).status_code == 200
            desk.append(len(captured.captured_queries))
        assert desk[0] == desk[1], path


def test_the_static_export_copies_the_figures_beside_the_page(
    settings, tmp_path, draft, editor, reviewer, publisher, django_capture_on_commit_callbacks
):
    settings.STATIC_EXPORT_DIR = str(tmp_path / "export")
    add_figure(draft, editor)
    save(draft, editor, body=FIGURE_BODY)
    submit(draft, editor)
    claim(draft, reviewer)
    approve(draft, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, publisher)
    draft.refresh_from_db()
    [figure] = draft.published_version.figures
    folder = tmp_path / "export" / "articles" / "sample-condition"
    page = (folder / "index.html").read_text()
    copied = f"/articles/sample-condition/figures/{figure['sha256']}/960w.png"
    assert f'src="{copied}"' in page and 'alt="Dosing chart by weight"' in page
    assert "/media/figures/" not in page
    for rendition in figure["renditions"]:
        exported = folder / "figures" / figure["sha256"] / rendition["name"].rsplit("/", 1)[1]
        with default_storage.open(rendition["name"], "rb") as stored:
            assert exported.read_bytes() == stored.read()
    assert (
        f"/articles/sample-condition/figures/{figure['sha256']}/"
        in (folder / "professional" / "index.html").read_text()
    )
    assert Event.objects.filter(article=draft, action="figure_added").count() == 1
