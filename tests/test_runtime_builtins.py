"""Built-in components: form fields and their events, form submit/reset, display components, rich-text
sanitising, unsupported notices, scroll-view, swiper, image, canvas, navigator, navigation-bar, web-view."""

from __future__ import annotations

import asyncio
import json

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_form_fields_and_display_components(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-builtins")
    view = app.view()
    log = view.locator("#log")
    name = view.locator("#name input")
    await expect(name).to_have_value("Ann")
    # maxlength 5 and WeChat's input detail; a number input drops what is not a digit.
    await name.fill("Annabelle")
    await expect(name).to_have_value("Annab")
    await expect(log).to_contain_text("input:Annab;")
    await name.press("Enter")
    await expect(log).to_contain_text("confirm:Annab;")
    await view.locator("#age input").press_sequentially("4x2")
    await expect(view.locator("#age input")).to_have_value("42")
    # A bindinput handler's returned string replaces what the input shows, as in WeChat.
    await view.locator("#upper input").press_sequentially("abc")
    await expect(view.locator("#upper input")).to_have_value("ABC")
    # A label passes its tap to the checkbox it wraps; the group reports every checked value.
    await view.locator("#pear").click()
    await expect(log).to_contain_text("group:apple+pear;")
    await view.locator("#r-s").click()
    await expect(log).to_contain_text("radio:s;")
    await view.locator("#sw-label").click()
    await expect(log).to_contain_text("switch:true;")
    # The selector picker's sheet, the time picker, a multiSelector's columnchange and the region list:
    # a tap on a row turns its wheel there, a mouse wheel notch turns one row.
    sheet_column = view.locator(".hutong-picker wx-picker-view-column")
    await view.locator("#pk").click()
    await sheet_column.locator(".hutong-picker-row", has_text="blue").click()
    await view.locator(".hutong-picker .ok").click()
    await expect(log).to_contain_text("pick:2;")
    await expect(view.locator("#pk")).to_have_text("blue")
    await view.locator("#pt").click()
    await sheet_column.nth(0).hover()
    await app.page.mouse.wheel(0, 100)
    await expect(sheet_column.nth(0)).to_have_js_property("target", 10)
    await view.locator(".hutong-picker .ok").click()
    await expect(view.locator("#pt")).to_have_text("time 10:30")
    await view.locator("#pm").click()
    await sheet_column.nth(1).locator(".hutong-picker-row", has_text="z").click()
    await expect(log).to_contain_text("col:1=2;")
    await view.locator(".hutong-picker .ok").click()
    await expect(log).to_contain_text("col:1=2;multi:0,2;")
    await view.locator("#pr").click()
    await sheet_column.nth(0).hover()
    for _ in range(18):  # 北京市 … 广东省 is 18 rows down
        await app.page.mouse.wheel(0, 100)
    await expect(sheet_column.nth(1).locator(".hutong-picker-row").first).to_have_text("广州市")
    await sheet_column.nth(1).locator(".hutong-picker-row", has_text="深圳市").click()
    await expect(sheet_column.nth(1)).to_have_js_property("target", 2)
    await view.locator(".hutong-picker .ok").click()
    await expect(log).to_contain_text("region:广东省/深圳市;")

    # Submit gathers every named field; reset clears them.
    await view.locator("#submit").click()
    await expect(view.locator("#out")).not_to_be_empty()
    value = json.loads(await view.locator("#out").inner_text())
    assert value == {
        "name": "Annab",
        "age": "42",
        "bio": "hi",
        "fruits": ["apple", "pear"],
        "size": "s",
        "on": True,
        "level": 30,
        "pick": 2,
        "pv": [1, 0],
    }
    # picker-view: scrolling a column to a row reports every column's index.
    await view.locator("#pv wx-picker-view-column").nth(1).hover()
    await app.page.mouse.wheel(0, 100)
    await app.page.mouse.wheel(0, 100)
    await expect(log).to_contain_text("pv:1,2;")
    await view.locator("#reset").click()
    await expect(log).to_contain_text("reset;")
    await expect(name).to_have_value("")
    assert await view.locator("#sw").evaluate("el => el.hutongValue()") is False

    # An open type with no platform handler yet still answers, the WeChat way.
    await view.locator("#phone").click()
    await expect(log).to_contain_text("phone:launchapp:fail not supported;")
    assert await view.locator("#phone .hutong-loading svg").count() == 1
    assert (
        await view.locator("#submit").evaluate("el => getComputedStyle(el).backgroundColor")
        == "rgb(7, 193, 96)"
    )

    # Icons are inline SVG in their colours; progress; text decode and space.
    assert await view.locator("#i-success svg circle").count() == 1
    assert await view.locator("#i-success svg").evaluate("el => getComputedStyle(el).width") == "30px"
    assert await view.locator("#i-warn svg").evaluate("el => getComputedStyle(el).color") == "rgb(255, 0, 0)"
    # The first base library's types, still in public apps: drawn, in WeChat's colours.
    assert await view.locator("#i-waiting svg circle").count() == 1
    assert (
        await view.locator("#i-waiting svg").evaluate("el => getComputedStyle(el).color")
        == "rgb(16, 174, 255)"
    )
    assert await view.locator("#i-safe svg path").count() == 2
    assert await view.locator("#pg .info").inner_text() == "40%"
    assert await view.locator("#t").inner_text() == "a<b\u00a0\u00a0c"
    # rich-text keeps markup and classes, drops scripts, handlers and javascript: URLs.
    rich = view.locator("#rt1 div[part=content]")
    assert await rich.locator("b").inner_text() == "bold"
    assert await rich.locator(".p").evaluate("el => getComputedStyle(el).color") == "rgb(0, 0, 255)"
    assert await rich.locator("script").count() == 0
    assert await rich.locator("img").get_attribute("onerror") is None
    assert await rich.locator("a").get_attribute("href") is None
    nodes = view.locator("#rt2 div[part=content] .n")
    assert await nodes.inner_text() == "node text"
    assert await nodes.get_attribute("onclick") is None
    # live-pusher: a visible notice in place, and reported to the shell's diagnostics log.
    await expect(view.locator("#pusher [role=note]")).to_contain_text("not supported")
    logged = await app.page.evaluate("window.__hutongLog")
    # Plain HTML tag names (WeUI writes <h2>, <em>) are not reported; nothing else on this page is either.
    unsupported = [entry for entry in logged if entry["kind"] == "unsupported"]
    assert unsupported == [{"kind": "unsupported", "what": "component", "name": "live-pusher"}]
    await expect(view.locator("#h2")).to_contain_text("Plain HTML tags")
    assert app.errors == []


async def test_scroll_swiper_media_and_navigation(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-builtins", "&path=pages/media/media")
    view = app.view()
    log = view.locator("#log")
    # Images: bindload with the natural size; aspectFit; widthFix takes its height from the picture.
    await expect(log).to_contain_text("load:40x20;")
    await expect(log).to_contain_text("error:y;")
    # The app's own images, by absolute and page-relative path, load from their blobs.
    await expect(log).to_contain_text("local:3x2;local:3x2;")
    assert "/blobs/" in await view.locator("#img-abs img").evaluate("el => el.src")
    fit = view.locator("#img-fit .pic")
    assert await fit.evaluate("el => el.style.backgroundSize") == "contain"
    await expect(view.locator("#img-wf")).to_have_attribute("style", "width: 80px; height: 40px;")
    # scroll-into-view and the swiper's current, set by setData; events with WeChat's detail.
    await view.locator("#jump").click()
    await expect(log).to_contain_text("scroll:true:400;")
    await expect(log).to_contain_text("lower:bottom;")
    # A new style from setData keeps widthFix's height following the width.
    await expect(view.locator("#img-wf")).to_have_attribute("style", "width: 120px; height: 60px;")
    assert await view.locator("#sv .scroller").evaluate("el => el.scrollTop") > 250
    await expect(view.locator("#sw .dot.on")).to_have_count(1)
    assert await view.locator("#sw .dot").nth(2).evaluate("el => el.classList.contains('on')")
    # A swipe by touch moves to the previous slide, once the move to slide 2 has come to rest (a touch
    # during the move would stop the items where they are and drag from there).
    await view.locator("#sw").scroll_into_view_if_needed()
    for _ in range(300):
        if await view.locator("#sw").evaluate("el => el.pos") == 2:
            break
        await asyncio.sleep(0.05)
    box = await view.locator("#sw").bounding_box()
    assert box is not None
    await app.page.mouse.move(box["x"] + 40, box["y"] + 40)
    await app.page.mouse.down()
    await app.page.mouse.move(box["x"] + 160, box["y"] + 40, steps=5)
    await app.page.mouse.up()
    await expect(log).to_contain_text("swiper:1:item1:touch;")
    # movable-view stays inside its area.
    await expect(view.locator("#mv")).to_have_attribute(
        "style", "width: 20px; height: 20px; transform: translate(30px, 80px);"
    )
    # The legacy canvas API: recorded in the logic thread, drawn here.
    await view.locator("#draw").click()
    await expect(log).to_contain_text("drawn;")
    pixel = (
        "el => Array.from(el.shadowRoot.querySelector('canvas').getContext('2d')"
        ".getImageData(5, 5, 1, 1).data).join(',')"
    )
    for _ in range(50):
        if await view.locator("#cv").evaluate(pixel) == "0,255,0,255":
            break
        await asyncio.sleep(0.1)
    assert await view.locator("#cv").evaluate(pixel) == "0,255,0,255"
    # VideoContext from the logic thread drives the page's <video>.
    await view.locator("#seek").click()
    await expect(log).to_contain_text("seek:5;")
    assert await view.locator("#vid video").evaluate("el => el.currentTime") == 5
    assert await view.locator("#vid video").evaluate("el => el.controls") is False
    # navigator opens the page with its query; navigation-bar sets the host's bar; back returns.
    await view.locator("#nav").click()
    other = app.view()
    await expect(other.locator("#from")).to_have_text("from=nav")
    await expect(app.page.locator(".hutong-title")).to_have_text("Custom title")
    await expect(other.locator("#nick")).to_have_text("微信用户")
    # The early modal and toast components: confirm hides the modal, the toast reports its end.
    await expect(other.locator("#modal .title")).to_have_text("Sure?")
    await other.locator("#modal .confirm").click()
    await expect(other.locator("#legacy")).to_have_text("confirm;toast;")
    await expect(other.locator("#modal")).to_be_hidden()
    await expect(other.locator("#toast")).to_be_hidden()
    await expect(other.locator("#mm-wide")).to_be_hidden()
    await expect(other.locator("#mm-any")).to_have_text("any width")
    # Skyline's grid-view and sticky-header, in web layout: three cells a row, a sticky header.
    tops = await other.locator("#gv .cell").evaluate_all("els => els.map(e => e.getBoundingClientRect().top)")
    assert tops[0] == tops[1] == tops[2] < tops[3]
    assert await other.locator("#sh").evaluate("el => getComputedStyle(el).position") == "sticky"
    await other.locator("#back").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(1)
    assert app.errors == []


async def test_web_view_outside_the_allow_list_shows_an_error(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-builtins", "&path=pages/webview/webview")
    view = app.view()
    await expect(view.locator("wx-web-view [role=alert]")).to_contain_text("evil.example")
    assert await view.locator("wx-web-view iframe").count() == 0
