"""WXML and WXS as a person sees them, in real Chromium: templates, import/include, wxs, loops and
conditions, and every event binding form, on one small mini program (tests/apps/wxml-features)."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_templates_wxs_loops_conditions_and_events(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-wxml-features")
    view = app.view()
    # include copies the content but not the included file's templates or wxs; data is the page's.
    await expect(view.locator("#header")).to_have_text("Features")
    # Dynamic `is` per item with `data="{{...item}}"`; an unknown name renders nothing; a template
    # sees only its data (no `outsideData`) and its own file's wxs; imports are not transitive.
    await expect(view.locator("#cards .card")).to_have_text(["Tea", "Cake: ¥3.00"])
    await expect(view.locator("#cards .badge")).to_have_text("[Cake]")
    await expect(view.locator("#cards .inner")).to_have_text("inner template")
    await expect(view.locator("#non-transitive")).to_have_text("-")
    # wx:for before wx:if on one element, nested loops with renamed item and index.
    await expect(view.locator("#loops")).to_have_text("0.1 0.3 1.5")
    await expect(view.locator("#chars")).to_have_text("a|b|c|")
    await expect(view.locator("#numbers")).to_have_text("012")
    await expect(view.locator("#object")).to_have_text("a=1;b=2;")
    await expect(view.locator("#cond")).to_have_text("medium")
    # getDate, getRegExp (with a WXS string keeping `\d`), the WXS `constructor` names, require
    # between .wxs files.
    await expect(view.locator("#wxs")).to_have_text("1970 123 Array,Array,Date,RegExp ¥12.50 ¥1.00 true")
    await expect(view.locator("#text")).to_have_text("<b> & <i> yes 1,2 1")
    attrs = view.locator("#attrs")
    await expect(attrs).to_have_attribute("title", "n=3")
    await expect(attrs).to_have_attribute("aria-label", "1,2 ")
    await view.locator("#bump").click()
    await expect(view.locator("#cond")).to_have_text("big")
    await expect(attrs).to_have_attribute("title", "n=6")

    # Every event binding form, on the same page.
    log = view.locator("#log")

    async def tap(selector: str, expected: str) -> None:
        await view.locator("#bump").click()  # clears the log
        await expect(log).to_have_text("")
        await view.locator(selector).click()
        await expect(log).to_have_text(expected)

    # capture on the way down, then bind bubbling up; the colon form is the same binding.
    await tap("#plain", "capture:plain,plain,outer")
    # catch stops the event at the catching element.
    await tap("#caught", "capture:caught,caught,catcher")
    # capture-catch stops the event on the way down.
    await tap("#capture-caught", "capture:capture-caught,capture-catcher")
    # A handler named by data; an empty name disables the binding (the event still bubbles).
    await tap("#dynamic", "capture:dynamic,log2:dynamic,outer")
    await tap("#disabled", "capture:disabled,outer")
    # mut-bind: only the innermost one on the path runs.
    await tap("#mut-inner", "capture:mut-inner,mut-inner,outer")
    # A wxs function as handler runs in the view and calls the page through ownerInstance.
    await tap("#via-wxs", "capture:via-wxs,wxs:via-wxs,outer")
    await expect(view.locator("#via-wxs")).to_have_class("wxs-tapped")
    await view.locator("#data").click()
    await expect(view.locator("#dataset")).not_to_have_text("")
    dataset = json.loads(await view.locator("#dataset").text_content() or "{}")
    assert dataset == {"elementType": "a", "elementtype": "b"}
    assert app.errors == []
    await app.page.close()
