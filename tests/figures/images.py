"""Image files for the figure tests, made in memory (hostile ones included)."""

import struct
import zlib
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(fmt="PNG", size=(1200, 800), color=(30, 120, 200), mode="RGB", **options):
    out = BytesIO()
    Image.new(mode, size, color).save(out, fmt, **options)
    return out.getvalue()


def upload(content, name="chart.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_upload(size=(1200, 800), color=(30, 120, 200), name="chart.png"):
    return upload(image_bytes("PNG", size, color), name)


def jpeg_with_metadata():
    """A JPEG carrying EXIF (camera, GPS-like text) and a comment, as a phone writes it."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90 degrees
    return image_bytes("JPEG", (800, 600), exif=exif.tobytes(), comment=b"taken at 51.5N 0.1W")


def png_header_claiming(width, height):
    """A tiny PNG whose header claims width x height pixels: a decompression bomb's shape."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


HTML_AS_PNG = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
    b'<script>alert(1)</script><rect width="100" height="100" fill="red"/></svg>'
)


def truncated_jpeg():
    content = image_bytes("JPEG", (800, 600), (200, 10, 10), quality=95)
    return content[: len(content) // 2]
