"""Uploaded images, decoded in full before anything is kept.

Pillow's traps (DEPENDENCY-NOTES-2.md, section 7): verify() passes truncated files, so
an image is load()ed; a decompression bomb only warns at the default limit, so the
warning is an error here; the pixel limit is global to the process, so it is set once,
in this module, and each caller states its own, lower limit before decoding.
"""

import warnings
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

Image.MAX_IMAGE_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "WEBP"}


class ImageRefused(Exception):
    """Why an upload is not an image the app keeps: `reason` is "format" (another kind
    of image, named by `found`), "pixels" (too many) or "unreadable"."""

    def __init__(self, reason, found=""):
        super().__init__(reason)
        self.reason = reason
        self.found = found


def _decoded(upload, max_pixels):
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(upload) as probe:
            if probe.format not in FORMATS:
                raise ImageRefused("format", probe.format or "")
            # The header's size is known before a single pixel is decoded.
            if probe.width * probe.height > max_pixels:
                raise ImageRefused("pixels", f"{probe.width} x {probe.height}")
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    return image


def decoded(upload, max_pixels=Image.MAX_IMAGE_PIXELS):
    """The upload as a fully decoded image; ImageRefused saying why not."""
    try:
        return _decoded(upload, max_pixels)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ImageRefused("pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ImageRefused("unreadable") from error


def upright(image):
    """The image turned as its EXIF orientation says, before the metadata goes."""
    return ImageOps.exif_transpose(image)


def clean_copy(image):
    """A fresh image holding only the pixels: no EXIF, XMP, ICC profile or comment."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def encoded(image, fmt):
    """The image's bytes in `fmt` (JPEG, PNG or WEBP), from a clean copy."""
    out = BytesIO()
    options = {
        "JPEG": {"quality": 85, "optimize": True, "progressive": True},
        "PNG": {"optimize": True},
        "WEBP": {"quality": 82, "method": 4},
    }[fmt]
    clean_copy(image).save(out, fmt, **options)
    return out.getvalue()
