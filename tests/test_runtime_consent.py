"""Scopes and consent, drawn by the host: authorize, getSetting, openSetting, Me → Authorizations,
through the test-consent mini program in real Chromium (a guest: decisions kept in the host's storage)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.async_api import Browser, FrameLocator, Page, expect

from tests.conftest import LiveServer

pytestmark = pytest.mark.browser


async def out(view: FrameLocator, contains: str = "") -> Any:
    """The JSON the test page wrote into #out, once it holds ``contains``."""
    await expect(view.locator("#out")).to_contain_text(contains or "{", timeout=20000)
    return json.loads(await view.locator("#out").text_content() or "")


async def tap(view: FrameLocator, name: str) -> None:
    """Clear #out (through the page), then press one of its buttons."""
    await view.locator(f"#{name}").click()


async def opened(page: Page, server: LiveServer) -> FrameLocator:
    await page.goto(f"{server.url}/?open=test-consent")
    view = page.frame_locator("iframe.hutong-page").last
    await expect(view.locator("#camera")).to_be_visible()
    return view


async def assert_host_only(page: Page) -> None:
    """The dialog is the host document's own, outside every iframe; no page frame can reach or cover it."""
    where = await page.evaluate(
        """() => {
          const dialog = document.querySelector('.hutong-consent');
          const allow = dialog.querySelector('.hutong-consent-allow');
          const box = allow.getBoundingClientRect();
          const hit = document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2);
          return {
            inHost: dialog.ownerDocument === document,
            inFrame: Boolean(dialog.closest('iframe')),
            hitIsAllow: hit === allow,
          };
        }"""
    )
    assert where == {"inHost": True, "inFrame": False, "hitIsAllow": True}
    frames = [frame for frame in page.frames if frame != page.main_frame]
    assert frames
    for frame in frames:
        # The page frames have opaque origins: the host document is out of their reach.
        assert await frame.evaluate("() => document.querySelector('.hutong-consent') === null")
        reach = await frame.evaluate(
            "() => { try { return String(window.parent.document.querySelector('.hutong-consent')); }"
            " catch (error) { return error.name; } }"
        )
        assert reach == "SecurityError"


async def test_authorize_getsetting_opensetting_and_me(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context(
        permissions=["geolocation"], geolocation={"latitude": 39.9, "longitude": 116.4}
    )
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    view = await opened(page, live_server)
    host_dialog = page.locator(".hutong-consent")

    # Nothing decided yet.
    await tap(view, "setting")
    assert await out(view, "getSetting:ok") == {
        "errMsg": "getSetting:ok",
        "authSetting": {},
        "subscriptionsSetting": {"mainSwitch": False, "itemSettings": {}},
    }

    # An undecided scope: the host asks; denying fails the call.
    await tap(view, "camera")
    await expect(host_dialog).to_contain_text("使用你的摄像头")
    await assert_host_only(page)
    await page.locator(".hutong-consent .hutong-consent-deny").click()
    assert await out(view, "authorize") == {"errMsg": "authorize:fail auth deny"}
    await expect(host_dialog).to_have_count(0)

    # A denied scope fails at once, without asking again.
    await tap(view, "setting")
    assert (await out(view, "getSetting:ok"))["authSetting"] == {"scope.camera": False}
    await tap(view, "camera")
    assert await out(view, "authorize") == {"errMsg": "authorize:fail auth deny"}
    await expect(host_dialog).to_have_count(0)

    # Allowing: the call succeeds, and the next one does not ask.
    await tap(view, "record")
    await expect(host_dialog).to_contain_text("使用你的麦克风")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    assert await out(view, "authorize:ok") == {"errMsg": "authorize:ok"}
    await tap(view, "setting")
    await tap(view, "record")
    assert await out(view, "authorize:ok") == {"errMsg": "authorize:ok"}
    await expect(host_dialog).to_have_count(0)

    # The reason the app declares in app.json `permission` is shown with the question.
    await tap(view, "location")
    await expect(host_dialog).to_contain_text("获取你的位置信息")
    await expect(host_dialog).to_contain_text("用于为你推荐附近的茶馆")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    assert await out(view, "getLocation") == ["getLocation:ok", 39.9, 116.4]

    await tap(view, "badScope")
    assert await out(view, "authorize") == {"errMsg": "authorize:fail invalid scope"}

    # openSetting: the host's settings page; the user flips the camera on.
    await tap(view, "openSetting")
    settings = page.locator(".hutong-settings")
    await expect(settings).to_be_visible()
    camera = settings.get_by_role("switch", name="Camera")
    await expect(camera).not_to_be_checked()
    await expect(settings.get_by_role("switch", name="Microphone")).to_be_checked()
    await camera.click()
    await expect(camera).to_be_checked()
    await expect(camera).to_be_enabled()
    await settings.locator(".hutong-settings-done").click()
    assert await out(view, "openSetting") == {
        "errMsg": "openSetting:ok",
        "authSetting": {"scope.camera": True, "scope.record": True, "scope.userLocation": True},
    }
    await tap(view, "camera")
    assert await out(view, "authorize:ok") == {"errMsg": "authorize:ok"}

    # The button form of openSetting reports through bindopensetting.
    await view.locator("#settingButton").click()
    await page.locator(".hutong-settings .hutong-settings-done").click()
    assert (await out(view, "openSetting"))["authSetting"]["scope.camera"] is True

    # A guest's decisions live in the host's own storage: they survive a reload.
    view = await opened(page, live_server)
    await tap(view, "setting")
    assert (await out(view, "getSetting:ok"))["authSetting"] == {
        "scope.camera": True,
        "scope.record": True,
        "scope.userLocation": True,
    }

    # Me → Authorizations: the app is listed; revoking the camera is seen when the app asks next.
    await page.locator("#close-app").click()
    await page.locator("#account").click()
    await page.locator("#open-authorizations").click()
    listed = page.locator('.authorized-app[data-appid="test-consent"]')
    await expect(listed).to_be_visible()
    revoke = listed.get_by_role("switch", name="Camera")
    await expect(revoke).to_be_checked()
    await revoke.click()
    await expect(revoke).not_to_be_checked()
    await expect(revoke).to_be_enabled()
    await page.locator("#info-sheet [data-close]").click()
    page2 = await context.new_page()
    view = await opened(page2, live_server)
    await tap(view, "camera")
    assert await out(view, "authorize") == {"errMsg": "authorize:fail auth deny"}
    await tap(view, "setting")
    assert (await out(view, "getSetting:ok"))["authSetting"]["scope.camera"] is False
    assert errors == []
    await context.close()
