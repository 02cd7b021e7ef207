"""An upload becomes a figure's files only when it is a PNG, JPEG or WebP image that
decodes in full, within the size and pixel limits; what is stored carries no metadata."""

import hashlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from figures import processing
from figures.processing import FigureRefused
from tests.figures.images import (
    HTML_AS_PNG,
    SVG_WITH_SCRIPT,
    image_bytes,
    jpeg_with_metadata,
    png_header_claiming,
    png_upload,
    truncated_jpeg,
    upload,
)


def stored_image(name):
    with default_storage.open(name, "rb") as stored:
        return Image.open(BytesIO(stored.read()))


@pytest.mark.parametrize(
    ("fmt", "name", "extension"), [("PNG", "a.png", "png"), ("JPEG", "a.jpg", "jpg"), ("WEBP", "a.webp", "webp")]
)
def test_png_jpeg_and_webp_are_stored_in_their_own_format(fmt, name, extension):
    stored = processing.prepared(upload(image_bytes(fmt, (640, 480)), name))
    assert stored.name == f"figures/{stored.sha256}/original.{extension}"
    assert stored_image(stored.name).format == fmt
    with default_storage.open(stored.name, "rb") as kept:
        assert hashlib.sha256(kept.read()).hexdigest() == stored.sha256


def test_renditions_are_made_at_each_width_below_the_image_and_never_wider():
    stored = processing.prepared(png_upload((1200, 800)))
    widths = [(r["width"], r["height"]) for r in stored.renditions]
    assert widths == [(480, 320), (960, 640), (1200, 800)]  # the image itself is the widest; no 1600 upscale
    for rendition in stored.renditions:
        assert stored_image(rendition["name"]).size == (rendition["width"], rendition["height"])
        assert processing.stored_sha256(rendition["name"]) == rendition["sha256"]


def test_an_image_wider_than_every_width_is_served_from_its_renditions_only():
    stored = processing.prepared(png_upload((2000, 1000)))
    assert [r["width"] for r in stored.renditions] == [480, 960, 1600]
    assert stored.name not in {r["name"] for r in stored.renditions}


def test_the_stored_image_has_no_exif_or_comment_and_is_turned_upright():
    stored = processing.prepared(upload(jpeg_with_metadata(), "phone.jpg", "image/jpeg"))
    kept = stored_image(stored.name)
    assert kept.size == (600, 800)  # the orientation was applied before the metadata went
    assert not kept.getexif()
    assert "comment" not in kept.info and "exif" not in kept.info
    with default_storage.open(stored.name, "rb") as raw:
        content = raw.read()
    assert b"PhoneMaker" not in content and b"51.5N" not in content


def test_the_same_image_twice_is_stored_once():
    first = processing.prepared(png_upload())
    second = processing.prepared(png_upload())
    assert first.name == second.name
    assert sorted(default_storage.listdir(f"figures/{first.sha256}")[1]) == ["480w.png", "960w.png", "original.png"]


def refusal(content, name="chart.png"):
    with pytest.raises(FigureRefused) as refused:
        processing.prepared(upload(content, name))
    return refused.value


def test_a_png_that_is_really_html_is_refused():
    refused = refusal(HTML_AS_PNG)
    assert refused.status == 400
    assert "not a PNG, JPEG or WebP image the app can read" in refused.message


def test_an_svg_with_a_script_is_refused_with_what_to_send_instead():
    refused = refusal(SVG_WITH_SCRIPT, "diagram.svg")
    assert "SVG images are not accepted" in refused.message and "PNG, JPEG or WebP" in refused.message
    # Named .png, it is still an SVG.
    assert "SVG images are not accepted" in refusal(SVG_WITH_SCRIPT, "diagram.png").message


def test_a_20000_by_20000_image_is_refused_before_it_is_decoded():
    content = png_header_claiming(20_000, 20_000)
    assert len(content) < 200  # the header claims 400 million pixels in a few bytes
    refused = refusal(content)
    assert refused.status == 400 and "too large" in refused.message and "40,000,000 pixels" in refused.message


def test_the_pixel_limit_is_a_setting(settings):
    settings.FIGURE_MAX_PIXELS = 100 * 100
    refused = refusal(image_bytes("PNG", (101, 100)))
    assert "101 x 100 pixels" in refused.message and "10,000 pixels" in refused.message


def test_a_truncated_jpeg_is_refused():
    refused = refusal(truncated_jpeg(), "cut.jpg")
    assert "damaged" in refused.message


def test_a_gif_is_refused_by_name():
    assert "this file is a GIF image" in refusal(image_bytes("GIF", (10, 10), 1, mode="P"), "a.gif").message


def test_a_file_over_the_size_limit_is_refused_with_413(settings):
    settings.FIGURE_MAX_BYTES = 2048
    refused = refusal(image_bytes("PNG", (400, 400), mode="RGB", compress_level=0))
    assert refused.status == 413
    assert refused.message.startswith("This file is too large (469.")
    assert refused.message.endswith("KB): a figure may be at most 2.0 KB.")


def test_nothing_is_stored_for_a_refused_file():
    refusal(truncated_jpeg(), "cut.jpg")
    assert not default_storage.exists("figures")


def test_a_transparent_png_keeps_its_transparency():
    stored = processing.prepared(upload(image_bytes("PNG", (300, 200), (0, 0, 0, 0), mode="RGBA")))
    assert stored_image(stored.name).mode == "RGBA"


def test_a_changed_or_missing_file_is_reported_by_name():
    stored = processing.prepared(png_upload((600, 400)))
    snapshot = {"sha256": stored.sha256, **stored.facts()}
    assert processing.changed_files([snapshot]) == []
    rendition = stored.renditions[0]["name"]
    default_storage.delete(rendition)
    default_storage.save(rendition, BytesIO(image_bytes("PNG", (480, 320), (255, 0, 0))))
    assert processing.changed_files([snapshot]) == [rendition]
