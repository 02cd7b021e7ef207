"""Turning an uploaded file into a figure's stored image, or refusing it with a reason.

What is kept is never the file as sent: it is decoded in full (core.images), turned
upright, re-encoded into a fresh image (no EXIF, GPS, XMP, ICC profile or comment) and
resized into renditions for `srcset`, never wider than the original. Every file is
stored under a name made of the cleaned image's SHA-256, through Django's storage API.
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from PIL import Image

from core import images
from core.errors import DomainError

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
ACCEPTED = "PNG, JPEG or WebP"
SVG_SIGNS = (b"<svg", b"<?xml", b"<!doctype svg")


class FigureRefused(DomainError):
    """An upload or a change of figures the app does not accept; `status` is the HTTP
    status a page answers with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


def megabytes(size):
    """A size as people read it: "10.0 MB", "2.0 KB"."""
    return filesizeformat(size).replace("\xa0", " ")


def _looks_like_svg(upload):
    upload.seek(0)
    head = upload.read(1024).lstrip().lower()
    return (upload.name or "").lower().endswith((".svg", ".svgz")) or head.startswith(SVG_SIGNS) or b"<svg" in head


def _refusal(refusal, max_pixels):
    if refusal.reason == "format":
        return FigureRefused(f"A figure must be a {ACCEPTED} image; this file is a {refusal.found} image.")
    if refusal.reason == "pixels":
        size = f" ({refusal.found} pixels)" if refusal.found else ""
        return FigureRefused(
            f"This image is too large{size}: a figure may have at most {max_pixels:,} pixels "
            "(for example 8000 x 5000). Resize it and upload it again."
        )
    return FigureRefused(f"This file is not a {ACCEPTED} image the app can read, or it is damaged (cut short?).")


def check_size(size):
    """Refuse a file over FIGURE_MAX_BYTES (413), before it is decoded."""
    if size > settings.FIGURE_MAX_BYTES:
        raise FigureRefused(
            f"This file is too large ({megabytes(size)}): a figure may be at most "
            f"{megabytes(settings.FIGURE_MAX_BYTES)}.",
            status=413,
        )


def decoded(upload):
    """The upload as a fully decoded, upright image, or FigureRefused saying why not."""
    check_size(upload.size)
    if _looks_like_svg(upload):
        raise FigureRefused(
            "SVG images are not accepted (they can carry scripts and links). "
            f"Export the figure as {ACCEPTED} and upload that."
        )
    max_pixels = settings.FIGURE_MAX_PIXELS
    try:
        image = images.decoded(upload, max_pixels)
    except images.ImageRefused as refusal:
        raise _refusal(refusal, max_pixels) from refusal
    return image.format, images.upright(image)


def _for_format(image, fmt):
    """The pixel mode `fmt` can hold: JPEG has no transparency."""
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if fmt == "JPEG" or not transparent:
        return image if image.mode in ("RGB", "L") else image.convert("RGB")
    return image if image.mode == "RGBA" else image.convert("RGBA")


def _sha256(content):
    return hashlib.sha256(content).hexdigest()


@dataclass
class StoredImage:
    """The cleaned image and its renditions, as stored: names, sizes and hashes."""

    fmt: str
    width: int
    height: int
    content: bytes
    renditions: list = field(default_factory=list)  # [{"width", "height", "sha256", "name"}]

    @property
    def sha256(self):
        return _sha256(self.content)

    @property
    def name(self):
        return f"figures/{self.sha256}/original.{EXTENSIONS[self.fmt]}"

    def facts(self):
        return {
            "format": self.fmt.lower(),
            "width": self.width,
            "height": self.height,
            "bytes": len(self.content),
            "name": self.name,
            "renditions": self.renditions,
        }


def _store(name, content):
    """Save `content` under `name` unless a file is there already: names are made of the
    content's hash, so an existing file holds these very bytes."""
    if default_storage.exists(name):
        return
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # another upload of the same bytes won the race; its file is the same
        default_storage.delete(saved)


def prepared(upload):
    """A StoredImage from an upload: checked, cleaned, resized, every file stored.
    Raises FigureRefused (storing nothing) for anything that is not an image we keep."""
    fmt, image = decoded(upload)
    image = _for_format(image, fmt)
    stored = StoredImage(fmt, image.width, image.height, images.encoded(image, fmt))
    folder = stored.name.rsplit("/", 1)[0]
    widths = [width for width in settings.FIGURE_WIDTHS if width < image.width]
    for width in widths:
        height = max(1, round(image.height * width / image.width))
        # Shrink by whole factors first, then Lanczos, as Image.thumbnail does: faster, the same to the eye.
        resized = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=2.0)
        content = images.encoded(resized, fmt)
        name = f"{folder}/{width}w.{EXTENSIONS[fmt]}"
        stored.renditions.append({"width": width, "height": height, "sha256": _sha256(content), "name": name})
        _store(name, content)
    if image.width <= max(settings.FIGURE_WIDTHS):  # small enough to be served as it is
        stored.renditions.append(
            {"width": image.width, "height": image.height, "sha256": stored.sha256, "name": stored.name}
        )
    _store(stored.name, stored.content)
    return stored


def stored_sha256(name):
    """The SHA-256 of the stored file `name`, read back from storage; None when it is gone."""
    digest = hashlib.sha256()
    try:
        with default_storage.open(name, "rb") as stored:
            for chunk in iter(lambda: stored.read(1 << 20), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError):
        return None
    return digest.hexdigest()


def files_of(snapshot):
    """{name: sha256} of every stored file a figure snapshot shows or signs."""
    files = {snapshot["name"]: snapshot["sha256"]}
    files.update({rendition["name"]: rendition["sha256"] for rendition in snapshot["renditions"]})
    return files


def changed_files(snapshots):
    """Names of the files of `snapshots` whose stored bytes no longer hash to what the
    snapshot recorded (or that are gone)."""
    return [
        name
        for snapshot in snapshots
        for name, expected in files_of(snapshot).items()
        if stored_sha256(name) != expected
    ]
