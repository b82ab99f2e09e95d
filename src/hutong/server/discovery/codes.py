"""Mini program codes: QR images (PNG or SVG, optional centre icon) and reading them back from photos.

A code carries only a short link with a scene token; the server maps the token to page and query, so
codes stay small and any number of them can be made.
"""

from __future__ import annotations

import base64
import io
from typing import Literal

import segno
import zxingcpp
from PIL import Image, ImageDraw, UnidentifiedImageError

CodeFormat = Literal["png", "svg"]
# The icon covers at most this share of the code's width; error correction H restores up to 30 %.
_ICON_SHARE = 0.22
_MAX_SCAN_PIXELS = 16_000_000


class UnreadableImage(ValueError):
    """The image is not a picture, or holds no code."""


def render_code(
    content: str, kind: CodeFormat = "png", *, icon: bytes | None = None, scale: int = 8
) -> bytes:
    """A QR code for ``content``; with ``icon`` (PNG or JPEG bytes), the icon sits in a white disc
    at its centre."""
    qr = segno.make(content, error="h", micro=False)
    if kind == "svg":
        return _svg(qr, icon, scale)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=4)
    if icon is None:
        return buffer.getvalue()
    buffer.seek(0)
    code = Image.open(buffer).convert("RGBA")
    size = int(code.width * _ICON_SHARE)
    badge = _icon_badge(icon, size)
    offset = ((code.width - size) // 2, (code.height - size) // 2)
    code.alpha_composite(badge, offset)
    out = io.BytesIO()
    code.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _icon_badge(icon: bytes, size: int) -> Image.Image:
    try:
        picture = Image.open(io.BytesIO(icon)).convert("RGBA")
    except (UnidentifiedImageError, OSError) as error:
        raise UnreadableImage("the icon is not a PNG or JPEG image") from error
    badge = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    ImageDraw.Draw(badge).ellipse((0, 0, size - 1, size - 1), fill=(255, 255, 255, 255))
    inner = int(size * 0.8)
    picture.thumbnail((inner, inner))
    badge.alpha_composite(picture, ((size - picture.width) // 2, (size - picture.height) // 2))
    return badge


def _svg(qr: segno.QRCode, icon: bytes | None, scale: int) -> bytes:
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=scale, border=4, xmldecl=False, svgns=True)
    svg = buffer.getvalue().decode()
    if icon is None:
        return svg.encode()
    width = qr.symbol_size(scale=scale, border=4)[0]
    size = int(width * _ICON_SHARE)
    badge = io.BytesIO()
    _icon_badge(icon, size * 2).save(badge, format="PNG")
    data = base64.b64encode(badge.getvalue()).decode()
    origin = (width - size) / 2
    image = (
        f'<image x="{origin}" y="{origin}" width="{size}" height="{size}" '
        f'href="data:image/png;base64,{data}"/>'
    )
    return svg.replace("</svg>", image + "</svg>").encode()


def read_codes(image: bytes) -> list[str]:
    """Every QR code's text in a photo or screenshot (for hosts without a BarcodeDetector)."""
    try:
        picture = Image.open(io.BytesIO(image))
        if picture.width * picture.height > _MAX_SCAN_PIXELS:
            raise UnreadableImage("the image is too large to scan")
        picture.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UnreadableImage("the file is not an image") from error
    # QR codes only: read for every kind, about one QR code in a hundred was also read as a Codabar
    # bar code made of its own modules (tests/discovery/test_codes.py).
    found = zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [result.text for result in found if result.text]
