"""Codes render as PNG and SVG, survive a centre icon, and read back from images."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from hutong.server.discovery.codes import UnreadableImage, read_codes, render_code

LINK = "http://127.0.0.1:8000/s/Ab3xYz9"


def _icon() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (7, 193, 96)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_png_reads_back_with_and_without_icon() -> None:
    assert read_codes(render_code(LINK)) == [LINK]
    with_icon = render_code(LINK, icon=_icon())
    assert Image.open(io.BytesIO(with_icon)).getpixel((0, 0)) == (255, 255, 255)
    assert read_codes(with_icon) == [LINK]


def test_svg_has_the_icon_embedded() -> None:
    plain = render_code(LINK, "svg").decode()
    assert plain.startswith("<svg") and plain.rstrip().endswith("</svg>")
    assert "<image" not in plain
    assert 'href="data:image/png;base64,' in render_code(LINK, "svg", icon=_icon()).decode()


def test_a_photo_of_a_code_on_a_larger_picture_reads() -> None:
    code = Image.open(io.BytesIO(render_code(LINK, scale=4)))
    photo = Image.new("RGB", (800, 600), (200, 180, 160))
    photo.paste(code, (300, 150))
    buffer = io.BytesIO()
    photo.save(buffer, format="JPEG", quality=85)
    assert read_codes(buffer.getvalue()) == [LINK]


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(UnreadableImage):
        read_codes(b"not an image")
    with pytest.raises(UnreadableImage):
        render_code(LINK, icon=b"nope")
    blank = io.BytesIO()
    Image.new("RGB", (100, 100), "white").save(blank, format="PNG")
    assert read_codes(blank.getvalue()) == []


def test_a_qr_code_is_read_as_itself_alone() -> None:
    """The reader looks for QR codes only (what mini program codes and links are). Read for every kind of
    barcode, about one QR code in a hundred also read as a Codabar bar code made of its own modules: this
    one as "D45C", and a camera or the shell's scanner acted on whichever came first."""
    link = "http://127.0.0.1:8000/miniapp/hx28dfd5dc5250fbac;version=trial/pages/menu/menu?table=3"
    photo = io.BytesIO()
    Image.open(io.BytesIO(render_code(link))).convert("RGB").save(photo, format="JPEG", quality=90)
    assert read_codes(photo.getvalue()) == [link]
