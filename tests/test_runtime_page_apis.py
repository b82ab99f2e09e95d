"""Page-level APIs in real Chromium, through the test-pageapi mini program: selector queries from
every lifecycle, this.animate / clearAnimation, and the capsule menu's share entry."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, FrameLocator, Route, expect

from tests.conftest import TEST_APPS, LiveServer, OpenedApp, open_app
from tests.fontgen import box_font

pytestmark = pytest.mark.browser


async def out(view: FrameLocator) -> Any:
    """The JSON a test page wrote into #out, once it is there."""
    await expect(view.locator("#out")).not_to_be_empty()
    return json.loads(await view.locator("#out").text_content() or "")


async def open_page(browser: Browser, server: LiveServer, page: str) -> OpenedApp:
    return await open_app(browser, server, "test-pageapi", f"&path={quote(page)}")


async def test_selector_queries_answer_from_onload_onshow_and_onready(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_page(browser, live_server, "pages/query/query")
    r = await out(app.view())
    # Queries made before the first render wait for it, as WeChat's exec waits for the view.
    assert r["onLoad"] == [120, 40, "box"]
    assert r["lateInOnLoad"] == [60, 30, "late"]  # set in onLoad before the query
    assert r["onShow"] == [120, 40]
    assert r["viewport"] == "number"
    assert r["onReady"] == [120, 40, "box"]
    assert app.errors == []


async def test_animate_and_clear_animation(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/animate/animate")
    view = app.view()
    r = await out(view)
    # The last keyframe stays once the animation is over (fill forwards); the callback ran after it.
    assert r["a"]["opacity"] == "0.2"
    assert r["a"]["background-color"] == "rgb(0, 255, 0)"
    # translate(30px, 10px) rotate(90deg) scale(2, 2): the matrix [0, 2, -2, 0, 30, 10].
    assert r["a"]["transform"] == "matrix(0, 2, -2, 0, 30, 10)"
    assert r["a"]["width"] == "50px"  # width: 50 is in pixels
    assert r["pair"] == ["0.5", "0.5"]  # every node the selector matches
    # Clearing opacity alone leaves the transform; clearing all gives the styles back.
    assert r["partly"]["opacity"] == "1"
    assert r["partly"]["transform"] == "matrix(0, 2, -2, 0, 30, 10)"
    assert r["cleared"] == {
        "opacity": "1",
        "transform": "none",
        "background-color": "rgb(74, 144, 226)",
        "width": 100,
        "height": 20,
    }
    assert r["component"] == "0.25"
    # The ScrollTimeline form: 0…200 px of scrolling plays the keyframes.
    assert r["scrollStart"] == "1"
    await view.locator("#scroller").evaluate("el => { el.scroller.scrollTop = 100; }")
    opacity = view.locator("#c")
    await expect(opacity).to_have_css("opacity", "0.5")
    await view.locator("#scroller").evaluate("el => { el.scroller.scrollTop = 400; }")
    await expect(opacity).to_have_css("opacity", "0")
    assert app.errors == []


# Records the top of the share sheet's Close button when the sheet is first drawn (a mutation
# observer's callback runs before any later task, such as the page's picture arriving, can change it).
SHEET_DRAWN = """() => {
  new MutationObserver((records, observer) => {
    const close = document.querySelector('.hutong-share .hutong-host-sheet-close');
    if (!close) return;
    window.__closeDrawnAt = close.getBoundingClientRect().top;
    observer.disconnect();
  }).observe(document.body, { childList: true, subtree: true });
}"""


async def test_capsule_menu_shares_what_the_page_says(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/share/share")
    page, view = app.page, app.view()
    base = f"{live_server.url}/miniapp/test-pageapi/pages/share/share"
    # Share from the menu: onShareAppMessage({from: 'menu'}); its promise's answer wins. There is no
    # timeline on this host, so Share to Timeline is never offered.
    sheet = page.locator(".hutong-share")
    link = sheet.get_by_label("Link to this page")
    # Where the sheet's Close is the moment the sheet is drawn (the page's picture, drawn by its frame,
    # arrives later, in a task of its own).
    await page.evaluate(SHEET_DRAWN)
    await page.get_by_role("button", name="More").click()
    await expect(page.get_by_role("menuitem", name="Share to Timeline")).to_be_hidden()
    await page.get_by_role("menuitem", name="Share", exact=True).click()
    await expect(view.locator("#from")).to_have_text("menu")
    await expect(link).to_have_value(f"{base}?via=promise#share")
    await expect(sheet).to_contain_text("Shared after a promise")
    # The page's picture fills the card's place for it: nothing in the sheet moves under the user's
    # finger when it arrives (a tap on Close as it arrived used to land on the card and close nothing).
    await expect(sheet.locator("img.hutong-share-snapshot")).to_be_visible()
    close = sheet.get_by_role("button", name="Close")
    assert await close.evaluate("(b) => b.getBoundingClientRect().top") == await page.evaluate(
        "window.__closeDrawnAt"
    )
    await close.click()

    # Add to Favorites calls its own handler.
    await page.get_by_role("button", name="More").click()
    await page.get_by_role("menuitem", name="Add to Favorites").click()
    await expect(view.locator("#from")).to_have_text("favorites")
    await expect(page.locator("#info-sheet")).to_contain_text("Kept")
    await page.get_by_role("button", name="Done").click()

    # The share button draws the same sheet, with from: 'button' and its target.
    await view.locator("#share-button").click()
    await expect(view.locator("#from")).to_have_text("button:tea")
    await expect(link).to_have_value(f"{base}?item=tea#share")
    await sheet.get_by_role("button", name="Close").click()

    # hideShareMenu takes Share (and the timeline) out of the menu; showShareMenu brings them back.
    await view.locator("#hide").click()
    await page.get_by_role("button", name="More").click()
    await expect(page.get_by_role("menuitem", name="Share", exact=True)).to_be_disabled()
    await expect(page.get_by_role("menuitem", name="Share to Timeline")).to_be_hidden()
    await page.get_by_role("menuitem", name="Cancel").click()
    await view.locator("#show").click()
    await page.get_by_role("button", name="More").click()
    await expect(page.get_by_role("menuitem", name="Share", exact=True)).to_be_enabled()
    await page.get_by_role("menuitem", name="Cancel").click()
    assert app.errors == []


async def test_no_share_handler_no_share_entry(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/noshare/noshare")
    await expect(app.view().locator("#plain")).to_be_visible()
    await app.page.get_by_role("button", name="More").click()
    await expect(app.page.get_by_role("menuitem", name="Share", exact=True)).to_be_disabled()
    await expect(app.page.get_by_role("menuitem", name="Share to Timeline")).to_be_hidden()
    await expect(app.page.get_by_role("menuitem", name="Add to Favorites")).to_be_hidden()
    await app.page.get_by_role("menuitem", name="Cancel").click()
    # showShareMenu offers Share all the same: the page as it is, titled with the app's name.
    await app.view().locator("#show").click()
    await app.page.get_by_role("button", name="More").click()
    await app.page.get_by_role("menuitem", name="Share", exact=True).click()
    link = f"{live_server.url}/miniapp/test-pageapi/pages/noshare/noshare#share"
    await expect(app.page.get_by_label("Link to this page")).to_have_value(link)


async def test_cloud_init_is_accepted_and_cloud_calls_fail(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/cloud/cloud")
    r = await out(app.view())
    assert r == {
        "callFunction": "cloud.callFunction:fail not supported",
        "callback": "cloud.uploadFile:fail not supported",
        "query": "cloud.database.get:fail not supported",
        "doc": "cloud.database.update:fail not supported",
        "other": "function",
    }
    log = await app.page.evaluate("window.__hutongLog")
    unsupported = {e["name"] for e in log if e["kind"] == "unsupported"}
    # Only what would reach the cloud counts as use: init and building queries do not.
    assert {"wx.cloud.callFunction", "wx.cloud.uploadFile", "wx.cloud.database.get"} <= unsupported
    assert "wx.cloud.init" not in unsupported and "wx.cloud.database" not in unsupported
    assert app.errors == []


async def test_load_font_face(live_server: LiveServer, browser: Browser) -> None:
    font = Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf").read_bytes()
    page = await browser.new_page()

    async def serve_font(route: Route) -> None:
        if route.request.url.endswith("/probe.ttf"):
            headers = {"Access-Control-Allow-Origin": "*", "Content-Type": "font/ttf"}
            await route.fulfill(status=200, body=font, headers=headers)
        else:
            await route.fulfill(status=404, body="", headers={"Access-Control-Allow-Origin": "*"})

    await page.route("https://fonts.hutong.test/**", serve_font)
    await page.goto(f"{live_server.url}/?open=test-pageapi&path={quote('pages/font/font')}")
    view = page.frame_locator("iframe.hutong-page").last
    r = await out(view)
    assert r == {
        "page": "loadFontFace:ok",
        "global": "loadFontFace:ok loaded",
        "missing": "loadFontFace:fail",
        "noFamily": "loadFontFace:fail family and source are required",
    }
    assert await view.locator("#sample").evaluate("() => document.fonts.check('12px Probe')")
    # A global font reaches the pages opened later.
    await view.locator("#next").click()
    await expect(page.locator("iframe.hutong-page")).to_have_count(2)
    later = page.frame_locator("iframe.hutong-page").nth(1)
    await expect(later.locator("#sample")).to_be_attached()
    loaded = await later.locator("#sample").evaluate(
        """async () => {
            await document.fonts.ready;
            return [...document.fonts].some((f) => f.family === 'Everywhere' && f.status === 'loaded');
        }"""
    )
    assert loaded
    await page.close()


async def test_performance_background_fetch_random_and_keyboard(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_page(browser, live_server, "pages/misc/misc")
    view = app.view()
    r = await out(view)
    assert r["observed"] == ["navigation:appLaunch", "render:firstRender"]
    assert r["launch"] == ["navigation", "pages/misc/misc", True]
    assert r["render"] == ["firstRender"]
    assert r["now"] == "number"
    assert r["fetch"] == "getBackgroundFetchData:fail no background fetch data"
    assert r["token"] == "t-1"
    assert r["random"] == 16
    assert r["badRandom"] == "getRandomValues:fail length must be between 1 and 65536"
    assert r["media"] == [True, False, True]
    assert r["adError"] == 1004  # no ad to show, as WeChat reports it
    assert r["adShow"] == "RewardedVideoAd.show:fail no advertisement"
    # hideKeyboard: the focused field lets go (its blur event fires).
    await view.locator("#field input, #field textarea").first.focus()
    await view.locator("#field input, #field textarea").first.press("a")
    await view.locator("#hide").dispatch_event("click")
    await expect(view.locator("#blurred")).to_have_text("yes")
    assert app.errors == []


async def test_menu_button_rect_is_where_the_capsule_is(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/capsule/capsule")
    r = await out(app.view())
    assert r["width"] > 0 and r["height"] > 0
    assert r["right"] - r["left"] == r["width"] and r["bottom"] - r["top"] == r["height"]
    # The page draws a box at that rect: on screen it covers the host's capsule exactly.
    capsule = await app.page.locator(".capsule").bounding_box()
    box = await app.view().locator("#bar").bounding_box()
    assert capsule and box
    for key in ("x", "y", "width", "height"):
        assert abs(box[key] - capsule[key]) <= 1, (key, box, capsule)


async def test_width_fix_with_an_endless_decimal_settles(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/image/image")
    view = app.view()
    await expect(view.locator("#out")).to_have_text("loaded")
    third = await view.locator("#third").bounding_box()
    tall = await view.locator("#tall").bounding_box()
    assert third and tall
    assert abs(third["height"] - 200 / 3) < 0.5
    assert abs(tall["width"] - 105) < 0.5
    assert app.errors == []  # no endless re-render of the style attribute


async def test_select_components_before_the_first_render(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/early/early")
    # The observer ran while the component was being created: nothing to find yet, and no error.
    assert await out(app.view()) == [[0, None]]
    assert app.errors == []
    assert "Cannot read properties" not in await app.dev_panel_text()


def test_the_test_font_is_our_own_generated_font() -> None:
    assert (TEST_APPS / "pageapi/fonts/box.ttf").read_bytes() == box_font()
    page = (TEST_APPS / "pageapi/pages/fontfile/fontfile.js").read_text()
    assert f"data:font/ttf;base64,{base64.b64encode(box_font()).decode()}'" in page


async def test_load_font_face_from_the_apps_own_files(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/fontfile/fontfile")
    view = app.view()
    r = await out(view)
    # Canvas (the native scope, in the logic thread) measures "iiii" at 20px: 80px in the box font,
    # under 50 in the fallback; a font loaded for webview only is not there.
    widths = [r.pop(name) for name in ("canvasBefore", "canvasAfter", "relativeCanvas", "dataCanvas")]
    assert widths[0] < 50 and widths[1] == pytest.approx(80, abs=0.5) and widths[2] < 50
    assert widths[3] == pytest.approx(80, abs=0.5)
    assert r == {
        "root": "loadFontFace:ok loaded",
        "relative": "loadFontFace:ok",
        "global": "loadFontFace:ok",
        "data": "loadFontFace:ok",
        "missing": "loadFontFace:fail file not found: /fonts/missing.ttf error",
        "scope": 'loadFontFace:fail scopes: unknown scope "paper"',
    }

    async def width(frame: FrameLocator, selector: str) -> float:
        script = "async (el) => { await document.fonts.ready; return el.getBoundingClientRect().width; }"
        box: float = await frame.locator(selector).evaluate(script)
        return box

    # Every character of the box font is 1 em wide: "iiii" at 20px is 80px.
    for selector in ("#root", "#relative", "#everywhere", "#data"):
        assert await width(view, selector) == pytest.approx(80, abs=0.5)
    families = await view.locator("#root").evaluate(
        "() => [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family).sort()"
    )
    assert families == ["Box Data", "Box Everywhere", "Box Relative", "Box Root"]
    # The global font reaches the next page; the page's own fonts do not.
    await view.locator("#next").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(2)
    later = app.view()
    await expect(later.locator("#everywhere")).to_be_attached()
    assert await width(later, "#everywhere") == pytest.approx(80, abs=0.5)
    assert await width(later, "#root") < 60
    assert app.errors == []
