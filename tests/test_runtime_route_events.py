"""WeChat's route listeners and the smaller base APIs a browser answers honestly, through the
test-route-events mini program in real Chromium."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app, wait_until_drawn

pytestmark = pytest.mark.browser

TOP = ".surface:not([hidden]) iframe.hutong-page:not([hidden])"


async def test_route_listeners_and_extras(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-route-events")
    page = app.page
    home = page.frame_locator(TOP)
    await home.locator("#go").click()
    await page.frame_locator(TOP).locator("#back").click()
    await wait_until_drawn(page.frame_locator(TOP).locator("#show"))
    await page.frame_locator(TOP).locator("#show").click()
    events = page.frame_locator(TOP).locator("#events")
    await expect(events).to_contain_text("AppRouteDone:navigateBack:pages/index/index")
    assert (await events.inner_text()).split("|") == [
        "BeforeAppRoute:appLaunch:pages/index/index",
        "BeforePageLoad::pages/index/index",
        "AfterPageLoad::pages/index/index",
        "AppRoute:appLaunch:pages/index/index",
        "AppRouteDone:appLaunch:pages/index/index",
        "BeforeAppRoute:navigateTo:pages/next/next",
        "BeforePageLoad::pages/next/next",
        "AfterPageLoad::pages/next/next",
        "AppRoute:navigateTo:pages/next/next",
        "AppRouteDone:navigateTo:pages/next/next",
        "BeforeAppRoute:navigateBack:pages/index/index",
        "BeforePageUnload::pages/next/next",
        "AfterPageUnload::pages/next/next",
        "AppRoute:navigateBack:pages/index/index",
        "AppRouteDone:navigateBack:pages/index/index",
    ]

    await page.frame_locator(TOP).locator("#extras").click()
    result = page.frame_locator(TOP).locator("#result")
    await expect(result).not_to_be_empty()
    assert json.loads(await result.inner_text()) == {
        "idle": {"didTimeout": False, "budget": True},
        "ua": True,
        "skyline": {
            "isSupported": False,
            "version": "",
            "reason": "Hutong renders every page with the web engine (WebView); Skyline is not available",
        },
        "skylineAsync": False,
        "category": {"apiCategory": "default"},
        "privacy": {"errMsg": "getPrivacySetting:ok", "needAuthorization": False, "privacyContractName": ""},
        "authorize": "requirePrivacyAuthorize:ok",
        "benchmark": ["benchmarkLevel", "errMsg", "modelLevel"],
        "pip": False,
        "audioOption": "setInnerAudioOption:ok",
        "sources": ["auto"],
        "canIUse": [True, True, True, True],
    }
    assert app.errors == []
    await page.close()


async def test_keys_weak_network_pinned_and_save_to_disk(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-route-events")
    page = app.page
    view = page.frame_locator(TOP)
    device = view.locator("#device")
    # A physical keyboard's keys while the page has focus.
    await view.locator("#show").click()
    await page.keyboard.press("KeyA")
    await expect(device).to_contain_text("down:a:KeyA:number;up:a;")
    # The network turning weak (offline counts) and back.
    await page.context.set_offline(True)
    await expect(device).to_contain_text("weak:true:none;")
    await page.context.set_offline(False)
    await expect(device).to_contain_text("weak:false:")
    # Bytes the app holds, shown by <image> through createBufferURL, then revoked.
    await view.locator("#buffer").click()
    await expect(device).to_contain_text("buffer:true:true:")
    await expect(device).to_contain_text("loaded:1x1;revoked:true;")
    # A guest has no My mini programs.
    await view.locator("#pinned").click()
    await expect(device).to_contain_text("added:false;")
    # An app's own file, saved as a download.
    async with page.expect_download() as download:
        await view.locator("#save").click()
    saved = await download.value
    assert saved.suggested_filename == "note.txt"
    assert Path(await saved.path()).read_text(encoding="utf-8") == "hello disk"
    await expect(device).to_contain_text("saveFileToDisk:ok;")
    assert app.errors == []
    await page.close()
