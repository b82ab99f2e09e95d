"""The widgets that move or draw: canvas (2D and WebGL nodes, the legacy context), swiper, picker."""

from __future__ import annotations

import base64
import struct
import zlib

import pytest
from playwright.async_api import Browser, FloatRect, FrameLocator, expect

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
    """Decode the PNG of a data: URL (8-bit RGBA, filters none or up: what Canvas.toDataURL writes)."""
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
    rows = bytearray()
    above = bytes(width * 4)
    for y in range(height):
        kind, row = raw[y * stride], raw[y * stride + 1 : (y + 1) * stride]
        assert kind in (0, 2)
        line = bytes((a + b) & 0xFF for a, b in zip(row, above, strict=True)) if kind == 2 else row
        rows += line
        above = line
    return width, height, bytes(rows)


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
    await expect(log).to_contain_text("offscreen:0,255,0,255;")
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
    # Compressed: three flat colours on 200 × 160 pixels take far less than their 128,000 bytes.
    assert len(base64.b64decode(str(await view.locator("#copy").get_attribute("src")).split(",")[1])) < 8000
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
    # Touches on a canvas carry x and y from its corner; disable-scroll keeps the page still.
    await view.locator("#c2d").click(position={"x": 10, "y": 20})
    await expect(log).to_contain_text("touch:10,20;")
    assert await view.locator("#c2d").evaluate("el => getComputedStyle(el).touchAction") == "none"
    assert app.errors == []


async def box_of(view: FrameLocator, selector: str) -> FloatRect:
    box = await view.locator(selector).bounding_box()
    assert box is not None
    return box


async def test_swiper_loops_seamlessly_by_touch_mouse_and_autoplay(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-widgets", "&path=pages/swiper/swiper")
    view = app.view()
    log = view.locator("#log")
    page = app.page
    touch = await page.context.new_cdp_session(page)

    async def finger(kind: str, x: float, y: float) -> None:
        points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
        await touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    circ = await box_of(view, "#circ")
    mid_y = circ["y"] + 50
    # A mouse drag to the left turns to the next item: change at once, animationfinish after it.
    await page.mouse.move(circ["x"] + 250, mid_y)
    await page.mouse.down()
    await page.mouse.move(circ["x"] + 60, mid_y, steps=8)
    await page.mouse.up()
    # A press that does not drag, while the items move, lets them finish the move.
    await page.mouse.down()
    await page.mouse.up()
    await expect(log).to_contain_text("transition:next:0;circ:1:B:touch;finish:1:touch;")
    assert (await box_of(view, "#circ .s1"))["x"] == pytest.approx(circ["x"], abs=1)
    # A touch drag to the right goes back to A; another goes from A, the first, to C, the last.
    for expected in ("circ:0:A:touch;finish:0:touch;", "circ:2:C:touch;finish:2:touch;"):
        await finger("touchStart", circ["x"] + 40, mid_y)
        for step in range(1, 9):
            await finger("touchMove", circ["x"] + 40 + step * 25, mid_y)
        await finger("touchEnd", 0, 0)
        await expect(log).to_contain_text(expected)
    # Seamless: while a finger pulls the last item (C) to the left, A comes in from the right.
    await finger("touchStart", circ["x"] + 250, mid_y)
    for step in range(1, 5):
        await finger("touchMove", circ["x"] + 250 - step * 25, mid_y)
    # Both read in one call, in the frame: two reads could straddle a frame that applies a late move.
    offset, a_x, c_x = await view.locator("#circ").evaluate(
        "(el) => [el, el.querySelector('.s0'), el.querySelector('.s2')]"
        ".map((n) => n.getBoundingClientRect().x)"
    )
    c_x += circ["x"] - offset
    a_x += circ["x"] - offset
    assert circ["x"] - 100 <= c_x < circ["x"] - 20
    assert a_x == pytest.approx(c_x + 300, abs=1)
    await finger("touchEnd", 0, 0)
    await expect(log).to_contain_text("circ:0:A:touch;finish:0:touch;")
    await expect(view.locator("#circ .dot").nth(0)).to_have_class("dot on")

    # Autoplay from the last item goes on to the first without passing the middle one: B's place is
    # recorded on every change and never comes into view.
    await view.locator("#auto").evaluate(
        """el => {
          window.__places = [];
          const items = el.querySelectorAll('wx-swiper-item');
          const left = (i) => Math.round(i.getBoundingClientRect().left - el.getBoundingClientRect().left);
          const watch = { subtree: true, attributes: true, attributeFilter: ['style'] };
          new MutationObserver(() => window.__places.push(Array.from(items, left))).observe(el, watch);
        }"""
    )
    await view.locator("#start").click()
    await expect(log).to_contain_text("auto:0::autoplay;")
    await expect(log).to_contain_text("auto:1::autoplay;")
    places = await view.locator("#auto").evaluate("() => window.__places")
    # From C starting to move until A arrives: A comes from the right, B stays out of the frame.
    moving: list[list[int]] = []
    for place in places:
        if place[2] == 0 and not moving:
            continue
        moving.append(place)
        if place[0] == 0:
            break
    assert moving and moving[-1][0] == 0, places
    assert all(-300 <= p[2] <= 0 and 0 <= p[0] <= 300 for p in moving), places
    assert all(p[1] <= -300 or p[1] >= 300 for p in moving), places
    await view.locator("#start").click()  # autoplay off again

    # Two items a frame, with margins: the previous item shows in the left margin, the next in the right.
    multi = await box_of(view, "#multi")
    d = await box_of(view, "#multi .s3")
    b = await box_of(view, "#multi .s1")
    assert d["x"] + d["width"] == pytest.approx(multi["x"] + 20, abs=1)
    assert b["x"] == pytest.approx(multi["x"] + 20 + 130, abs=1)
    await page.mouse.move(multi["x"] + 200, multi["y"] + 30)
    await page.mouse.down()
    await page.mouse.move(multi["x"] + 40, multi["y"] + 30, steps=6)
    await page.mouse.up()
    await expect(log).to_contain_text("multi:1::touch;")

    # Vertical: dragging up turns to the next; from the first, dragging down wraps to the last.
    vert = await box_of(view, "#vert")
    await page.mouse.move(vert["x"] + 100, vert["y"] + 70)
    await page.mouse.down()
    await page.mouse.move(vert["x"] + 100, vert["y"] + 10, steps=6)
    await page.mouse.up()
    await expect(log).to_contain_text("vert:1::touch;")
    # Without circular, a setData current moves there, reported with an empty source.
    await view.locator("#jump").click()
    await expect(log).to_contain_text("plain:2::;")
    await expect(log).to_contain_text("finish:2:;")
    plain = await box_of(view, "#plain")
    assert (await box_of(view, "#plain .s2"))["x"] == pytest.approx(plain["x"], abs=1)
    assert app.errors == []


async def test_picker_sheets_and_picker_view_wheels(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-widgets", "&path=pages/picker/picker")
    view = app.view()
    page = app.page
    log = view.locator("#log")
    sheet = view.locator(".hutong-picker")
    column = sheet.locator("wx-picker-view-column")
    ok = sheet.locator(".ok")

    async def turn(index: int, notches: int) -> None:
        await column.nth(index).hover()
        for _ in range(abs(notches)):
            await page.mouse.wheel(0, 100 if notches > 0 else -100)

    # selector: WeChat's sheet (mask, 取消/确定, a title); change only on 确定.
    await view.locator("#sel").click()
    await expect(sheet.locator(".hutong-picker-title")).to_have_text("Fruit")
    mask = view.locator(".hutong-picker-mask")
    assert await mask.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 0, 0.6)"
    assert await ok.evaluate("el => getComputedStyle(el).color") == "rgb(7, 193, 96)"
    assert await sheet.locator(".cancel").inner_text() == "取消"
    await column.locator(".hutong-picker-row", has_text="cherry").click()
    await expect(column).to_have_js_property("target", 2)
    await ok.click()
    await expect(log).to_have_text("sel:2;")
    await expect(sheet).to_have_count(0)
    await expect(view.locator("#sel")).to_have_text("cherry")
    # The mask cancels: cancel, and no change.
    await view.locator("#sel").click()
    await column.locator(".hutong-picker-row", has_text="apple").click()
    await mask.click(position={"x": 10, "y": 10})
    await expect(log).to_have_text("sel:2;cancel;")
    await expect(view.locator("#sel")).to_have_text("cherry")
    # disabled: no sheet.
    await view.locator("#off").click()
    await expect(sheet).to_have_count(0)

    # multiSelector: columnchange while turning; the app's new range shows at once.
    await view.locator("#multi").click()
    await column.nth(0).locator(".hutong-picker-row", has_text="Y").click()
    await expect(log).to_contain_text("col:0=1;")
    await expect(column.nth(1).locator(".hutong-picker-row")).to_have_text(["y1", "y2", "y3"])
    await turn(1, 2)
    await expect(log).to_contain_text("col:1=2;")
    await ok.click()
    await expect(log).to_contain_text("multi:[1,2];")

    # time within start and end: 08 has minutes from 30 only.
    await view.locator("#time").click()
    await expect(column.nth(0).locator(".hutong-picker-row").first).to_have_text("08")
    await expect(column.nth(0).locator(".hutong-picker-row").last).to_have_text("18")
    await turn(0, -1)
    await expect(column.nth(1).locator(".hutong-picker-row").first).to_have_text("30")
    await ok.click()
    await expect(log).to_contain_text('time:"08:30";')

    # date with fields="month": two wheels, the years from start to end.
    await view.locator("#month").click()
    await expect(column).to_have_count(2)
    await expect(column.nth(0).locator(".hutong-picker-row")).to_have_text(["2023年", "2024年", "2025年"])
    await ok.click()
    await expect(log).to_contain_text('month:"2024-11";')
    # A day follows its month: 31 January turns to February 2024, which has 29 days.
    await view.locator("#day").click()
    await turn(1, 1)
    await expect(column.nth(2).locator(".hutong-picker-row")).to_have_count(29)
    await ok.click()
    await expect(log).to_contain_text('day:"2024-02-29";')

    # region with level="city" and a custom item first in each column.
    await view.locator("#region").click()
    await expect(column).to_have_count(2)
    await expect(column.nth(0).locator(".hutong-picker-row").first).to_have_text("全部")
    await turn(0, 18)
    await expect(column.nth(1).locator(".hutong-picker-row").nth(1)).to_have_text("广州市")
    await column.nth(1).locator(".hutong-picker-row", has_text="深圳市").click()
    await expect(column.nth(1)).to_have_js_property("target", 3)
    await ok.click()
    await expect(log).to_contain_text("region:广东省/深圳市:440000,440300;")
    # The custom item picked first leaves only itself in the next column.
    await view.locator("#region").click()
    await turn(0, -19)
    await expect(column.nth(1).locator(".hutong-picker-row")).to_have_text(["全部"])
    await ok.click()
    await expect(log).to_contain_text("region:全部/全部:,;")

    # picker-view: the indicator's height is the row height; indicator-class comes from the page.
    pv = view.locator("#pv")
    indicator = pv.locator(".indicator")
    assert await indicator.evaluate("el => el.getBoundingClientRect().height") == 50
    assert await indicator.evaluate("el => getComputedStyle(el).backgroundColor") == "rgba(0, 0, 255, 0.1)"
    assert (
        await pv.locator(".mask").evaluate("el => getComputedStyle(el).backgroundColor")
        == "rgba(255, 0, 0, 0.2)"
    )
    row = pv.locator("wx-picker-view-column").nth(0).locator(".row", has_text="1")
    row_box, ind_box = await row.bounding_box(), await indicator.bounding_box()
    assert row_box is not None and ind_box is not None
    assert row_box["y"] == pytest.approx(ind_box["y"], abs=1)
    # A flick by touch: pickstart, the new value at release (immediate-change), pickend at rest.
    touch = await page.context.new_cdp_session(page)
    first = await pv.locator("wx-picker-view-column").nth(0).bounding_box()
    assert first is not None
    x, y = first["x"] + first["width"] / 2, first["y"] + 200
    await touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 6):
        await touch.send(
            "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y - step * 30}]}
        )
    await touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    await expect(log).to_contain_text("pickend;")
    text = await log.inner_text()
    flick = text[text.index("pickstart;") :]
    value = int(flick.split("view:")[1].split(",")[0])
    assert value > 3 and flick.endswith(f"view:{value},2;pickend;")
    # A mouse wheel notch turns the second column one row.
    await pv.locator("wx-picker-view-column").nth(1).hover()
    await page.mouse.wheel(0, 100)
    await expect(log).to_contain_text(f"view:{value},3;pickend;")
    # Rows that arrive after the value still show the value's row.
    late = view.locator("#late wx-picker-view-column")
    await expect(late).to_have_js_property("target", 3)
    assert await view.locator("#late").evaluate("el => el.hutongValue()") == [3]
    assert app.errors == []


async def test_region_picker_has_every_district_with_codes(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-widgets", "&path=pages/picker/picker")
    view = app.view()
    log = view.locator("#log")
    column = view.locator(".hutong-picker wx-picker-view-column")
    rows = column.locator(".hutong-picker-row")
    await expect(view.locator("#full")).to_have_text("full region")

    async def pick(index: int, name: str) -> None:
        """Turn wheel ``index`` to the row ``name`` with the mouse wheel, a row per notch."""
        labels = await column.nth(index).locator(".hutong-picker-row").all_inner_texts()
        target = labels.index(name)
        now = await column.nth(index).evaluate("el => el.target")
        await column.nth(index).hover()
        for _ in range(abs(target - now)):
            await app.page.mouse.wheel(0, 100 if target > now else -100)
        await expect(column.nth(index)).to_have_js_property("target", target)

    async def loaded() -> list[str]:
        names: list[str] = await view.locator("body").evaluate(
            "() => performance.getEntriesByType('resource').map((e) => e.name)"
        )
        return [name for name in names if "region-data" in name]

    # The region list is not part of the frame's startup: it arrives when a region picker opens.
    assert await loaded() == []
    await view.locator("#full").click()
    await expect(column).to_have_count(3)
    assert len(await loaded()) == 1
    await expect(column.nth(0).locator(".hutong-picker-row").first).to_have_text("北京市")
    await expect(column.nth(1).locator(".hutong-picker-row")).to_have_text(["北京市"])
    await expect(column.nth(2).locator(".hutong-picker-row").first).to_have_text("东城区")
    # Every province of the mainland, then Taiwan, Hong Kong and Macau, as WeChat lists them.
    await expect(column.nth(0).locator(".hutong-picker-row")).to_have_count(34)
    await expect(column.nth(0).locator(".hutong-picker-row").last).to_have_text("澳门特别行政区")
    await pick(0, "广东省")
    await expect(column.nth(1).locator(".hutong-picker-row").first).to_have_text("广州市")
    await expect(column.nth(2).locator(".hutong-picker-row").first).to_have_text("荔湾区")
    await pick(1, "深圳市")
    await expect(column.nth(2).locator(".hutong-picker-row").first).to_have_text("罗湖区")
    await pick(2, "南山区")
    await expect(column.nth(2)).to_have_js_property("target", 2)
    await view.locator(".hutong-picker .ok").click()
    # WeChat's detail: names and the statistical code of each level; no postcode (none is bundled).
    await expect(log).to_contain_text("full:广东省/深圳市/南山区:440000,440300,440305:false;")
    await expect(view.locator("#full")).to_have_text("广东省 深圳市 南山区")
    # Opened again, the wheels stand on the value; a county-level city under its province's
    # "省直辖县级行政区划", as WeChat lists it.
    await view.locator("#full").click()
    await expect(column.nth(2)).to_have_js_property("target", 2)
    await expect(rows.filter(has_text="南山区")).to_have_count(1)
    await pick(0, "河南省")
    await expect(column.nth(1).locator(".hutong-picker-row").first).to_have_text("郑州市")
    await pick(1, "省直辖县级行政区划")
    await expect(column.nth(2).locator(".hutong-picker-row")).to_have_text(["济源市"])
    await view.locator(".hutong-picker .ok").click()
    await expect(log).to_contain_text("full:河南省/省直辖县级行政区划/济源市:410000,419000,419001:false;")
    assert len(await loaded()) == 1
    assert app.errors == []


async def test_keyboard_height_from_the_visible_viewport(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-widgets", "&path=pages/keyboard/keyboard")
    page = app.page
    view = app.view()
    log = view.locator("#log")
    await page.set_viewport_size({"width": 400, "height": 800})
    await expect(view.locator("#name")).to_be_visible()
    tall = await view.locator("body").evaluate("() => innerHeight")

    # No field has focus: the viewport shrinking is no keyboard.
    await page.set_viewport_size({"width": 400, "height": 500})
    await wait_frame_height(view, tall - 300)
    await page.set_viewport_size({"width": 400, "height": 800})
    await wait_frame_height(view, tall)
    assert await log.inner_text() == ""
    # A focused field: the visible area losing 300 px is a 300 px keyboard, for the field and for
    # wx.onKeyboardHeightChange; growing back brings it to 0.
    await view.locator("#name input").click()
    await expect(log).to_have_text("focus:0;")
    await page.set_viewport_size({"width": 400, "height": 500})
    await expect(log).to_have_text("focus:0;name:300:0;wx:300;")
    await page.set_viewport_size({"width": 400, "height": 800})
    await expect(log).to_have_text("focus:0;name:300:0;wx:300;name:0:0;wx:0;")
    # Letting go while the keyboard is up brings it down too.
    await page.set_viewport_size({"width": 400, "height": 500})
    await expect(log).to_contain_text("wx:0;name:300:0;wx:300;")
    await view.locator("#tap").click()
    await expect(log).to_have_text("focus:0;" + "name:300:0;wx:300;name:0:0;wx:0;" * 2 + "tap;")
    await page.set_viewport_size({"width": 400, "height": 800})
    await wait_frame_height(view, tall)

    # hold-keyboard: a tap elsewhere on the page leaves the field focused.
    await view.locator("#held input").click()
    await view.locator("#tap").click()
    await expect(log).to_contain_text("wx:0;tap;tap;")
    await expect(view.locator("#held input")).to_be_focused()
    assert "blur" not in await log.inner_text()

    # adjust-position with cursor-spacing: the field low on the page comes up above the keyboard, 40 px
    # clear of it; wx.offKeyboardHeightChange stops the app's listener, the field still hears it.
    await view.locator("#off").click()
    await expect(log).to_contain_text(";off;")
    await view.locator("#low textarea").click()
    # Where it stands, a 300 px keyboard would cover it.
    assert await view.locator("#low").evaluate("el => el.getBoundingClientRect().bottom") > tall - 300
    await page.set_viewport_size({"width": 400, "height": 500})
    await expect(log).to_contain_text(";off;blur;low:300:0;")
    bottom = await view.locator("#low").evaluate("el => el.getBoundingClientRect().bottom")
    assert bottom + 40 == pytest.approx(tall - 300, abs=1)
    assert await view.locator("body").evaluate("() => scrollY") > 0
    await page.set_viewport_size({"width": 400, "height": 800})
    await expect(log).to_contain_text(";off;blur;low:300:0;low:0:0;")
    assert (await log.inner_text()).endswith("off;blur;low:300:0;low:0:0;")
    assert app.errors == []


async def wait_frame_height(view: FrameLocator, height: int) -> None:
    await expect(view.locator("html")).to_have_js_property("clientHeight", height)
