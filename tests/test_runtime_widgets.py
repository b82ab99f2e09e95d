"""The widgets that move or draw: canvas (2D and WebGL nodes, the legacy context), swiper, picker."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest
from playwright.async_api import Browser, FrameLocator, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser

# The colour at (x, y) CSS pixels of what an element shows: its canvas or its image, drawn into a
# scratch canvas of the element's CSS size in the page frame.
PIXEL = """(el, [x, y]) => {
  const root = el.shadowRoot || el;
  const src = root.querySelector('canvas') || root.querySelector('img') || el.querySelector('img');
  const box = el.getBoundingClientRect();
  const out = document.createElement('canvas');
  out.width = Math.round(box.width);
  out.height = Math.round(box.height);
  const ctx = out.getContext('2d');
  ctx.drawImage(src, 0, 0, out.width, out.height);
  return Array.from(ctx.getImageData(x, y, 1, 1).data).join(',');
}"""

RED, GREEN, BLUE = "255,0,0,255", "0,255,0,255", "0,0,255,255"


async def pixel(view: FrameLocator, selector: str, x: int, y: int) -> str:
    return str(await view.locator(selector).evaluate(PIXEL, [x, y]))


def png_pixels(url: str) -> tuple[int, int, bytes]:
    """Decode the PNG of a data: URL (8-bit RGBA, no filters: what Canvas.toDataURL writes)."""
    data = base64.b64decode(url.split(",", 1)[1])
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    at, idat = 8, b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        if data[at + 4 : at + 8] == b"IDAT":
            idat += data[at + 8 : at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4 + 1
    rows = b"".join(raw[y * stride + 1 : (y + 1) * stride] for y in range(height))
    return width, height, rows


def rgba(pixels: tuple[int, int, bytes], x: int, y: int) -> str:
    width, _, rows = pixels
    at = (y * width + x) * 4
    return ",".join(str(b) for b in rows[at : at + 4])


async def test_canvas_nodes_and_the_legacy_context(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-widgets", "&path=pages/canvas/canvas")
    view = app.view()
    log = view.locator("#log")
    await expect(log).to_contain_text("oldtemp:true;")
    await expect(log).to_contain_text("gl:60x40;")
    # The node starts at the element's CSS size; measureText, createImage and requestAnimationFrame work.
    await expect(log).to_contain_text("size:100x80:100x80;text:true;")
    await expect(log).to_contain_text("img:4x4;raf;temp:true;measure:true;drawn;")
    # What the logic thread drew is what the page shows: red left, the blue image top right, green
    # bottom right (drawn in a later animation frame), at twice the CSS resolution.
    assert await pixel(view, "#c2d", 10, 10) == RED
    assert await pixel(view, "#c2d", 75, 20) == BLUE
    assert await pixel(view, "#c2d", 75, 60) == GREEN
    assert await view.locator("#c2d").evaluate("el => el.shadowRoot.querySelector('canvas').width") == 200
    # toDataURL: a real PNG of the canvas's pixels.
    copy = png_pixels(str(await view.locator("#copy").evaluate("el => el.getAttribute('src')")))
    assert copy[:2] == (200, 160)
    assert rgba(copy, 20, 20) == RED and rgba(copy, 150, 40) == BLUE and rgba(copy, 150, 120) == GREEN
    # canvasToTempFilePath with the node: x, y, width and height in CSS pixels.
    assert await pixel(view, "#temp", 10, 20) == RED
    assert await pixel(view, "#temp", 40, 20) == BLUE
    # WebGL: shown the right way up, and toDataURL reads it the right way up.
    assert await pixel(view, "#gl", 5, 5) == BLUE
    assert await pixel(view, "#gl", 5, 35) == RED
    assert await pixel(view, "#gl", 55, 35) == BLUE
    gl = png_pixels(await view.locator("#gl-url").inner_text())
    assert rgba(gl, 5, 5) == BLUE and rgba(gl, 5, 35) == RED
    # The legacy context: a gradient, a clip, a dashed line, a temp file drawn with drawImage,
    # draw's callback once drawn, canvasGetImageData inside and outside the clip.
    dark = [int(c) for c in (await pixel(view, "#old", 1, 5)).split(",")]
    light = [int(c) for c in (await pixel(view, "#old", 98, 5)).split(",")]
    assert max(dark[:3]) < 20 and min(light[:3]) > 230 and dark[3] == light[3] == 255
    assert await pixel(view, "#old", 10, 15) == BLUE
    assert await pixel(view, "#old", 30, 15) == "0,0,0,0"
    assert await pixel(view, "#old", 1, 45) != "0,0,0,0"
    assert await pixel(view, "#old", 6, 45) == "0,0,0,0"
    assert await pixel(view, "#old", 60, 20) == RED
    assert await pixel(view, "#old", 90, 20) == BLUE
    await expect(log).to_contain_text(f"pixels:{BLUE}/0,0,0,0:21x1;")
    assert app.errors == []
