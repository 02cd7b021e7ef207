"""Board members' photos: decoded in full, resized and re-encoded into a fresh image,
so what is stored and served carries no metadata (EXIF, GPS, XMP, ICC, comments).

Pillow's traps (DEPENDENCY-NOTES-2.md, section 7): verify() passes truncated files,
so the image is load()ed; a decompression bomb only warns at the default limit, so the
warning is an error here; the pixel limit is global to the process, so it is set once,
in this module.
"""

import warnings
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import DomainError

Image.MAX_IMAGE_PIXELS = 40_000_000
FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_SIDE = 800  # pixels, the longer side of what is stored


class BadPhoto(DomainError):
    """An upload that is not a photo the app accepts."""


def _decoded(upload):
    upload.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(upload) as probe:
            if probe.format not in FORMATS:
                raise BadPhoto(f"A photo must be a JPEG, PNG or WebP image, not {probe.format}.")
            probe.verify()
        upload.seek(0)
        image = Image.open(upload)
        image.load()
    return image


def decoded(upload):
    """The upload as a fully decoded image, or BadPhoto saying why not."""
    try:
        return _decoded(upload)
    except BadPhoto:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise BadPhoto("This image has too many pixels to be a portrait; send a smaller one.") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise BadPhoto("This file is not an image the app can read (JPEG, PNG or WebP), or it is damaged.") from error


def rendition(image):
    """(JPEG bytes, width, height): upright, at most MAX_SIDE a side, no metadata."""
    image = ImageOps.exif_transpose(image)  # apply the orientation before the metadata goes
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue(), clean.width, clean.height
