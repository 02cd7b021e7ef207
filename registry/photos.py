"""Board members' photos: decoded in full, resized and re-encoded into a fresh image,
so what is stored and served carries no metadata (EXIF, GPS, XMP, ICC, comments).
The decoding and its Pillow traps are core.images'."""

from core import images
from core.errors import DomainError

MAX_SIDE = 800  # pixels, the longer side of what is stored


class BadPhoto(DomainError):
    """An upload that is not a photo the app accepts."""


def decoded(upload):
    """The upload as a fully decoded image, or BadPhoto saying why not."""
    try:
        return images.decoded(upload)
    except images.ImageRefused as refusal:
        if refusal.reason == "format":
            raise BadPhoto(f"A photo must be a JPEG, PNG or WebP image, not {refusal.found}.") from refusal
        if refusal.reason == "pixels":
            raise BadPhoto("This image has too many pixels to be a portrait; send a smaller one.") from refusal
        raise BadPhoto("This file is not an image the app can read (JPEG, PNG or WebP), or it is damaged.") from refusal


def rendition(image):
    """(JPEG bytes, width, height): upright, at most MAX_SIDE a side, no metadata."""
    image = images.upright(image)
    if image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    return images.encoded(image, "JPEG"), image.width, image.height
