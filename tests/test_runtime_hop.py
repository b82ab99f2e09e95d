"""One mini program opening another in the end-user host (Chromium): wx.navigateToMiniProgram asks
the user once per pair, the target sees scene 1037 and referrerInfo, navigateBackMiniProgram brings the
source back with scene 1038 and the target's extraData, `<navigator target="miniProgram">` opens and
exits, and a refusal, a bad envVersion and a back with nowhere to go fail as WeChat's do."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, FrameLocator, Page, expect

from tests.conftest import LiveServer, logic_without_a_gesture, wait_until_drawn

TOP = ".surface:not([hidden]) iframe.hutong-page:not([hidden])"


def view(page: Page) -> FrameLocator:
    return page.frame_locator(TOP)


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context()
    yield context
    await context.close()


def _j(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


async def test_navigate_to_and_back_from_another_mini_program(
    live_server: LiveServer, context: BrowserContext
) -> None:
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{live_server.url}/?open=test-hop")
    source = view(page)
    await expect(source.locator("#shows")).to_have_text("1001:{}")

    # Nowhere to go back to, an unknown envVersion: clean failures, nothing opens.
    await source.locator("#back-nowhere").click()
    await expect(source.locator("#result")).to_have_text(
        "navigateBackMiniProgram:fail no mini program to go back to"
    )
    await source.locator("#bad-version").click()
    await expect(source.locator("#result")).to_have_text(
        'navigateToMiniProgram:fail invalid envVersion "nightly"'
    )

    # The first hop to a target is asked; refusing fails "cancel".
    await source.locator("#to-counter").click()
    dialog = page.locator(".hutong-hop-dialog .hutong-dialog")
    await expect(dialog).to_contain_text("即将打开")
    await dialog.get_by_role("button", name="取消").click()
    await expect(source.locator("#result")).to_have_text("navigateToMiniProgram:fail cancel")

    # Allowed: the target starts at the path, from scene 1037, with the source's appId and extraData.
    await source.locator("#go").click()
    await expect(dialog).to_contain_text('即将打开"Hop target"小程序')
    await dialog.get_by_role("button", name="允许").click()
    target = view(page)
    referrer = "1037:" + _j({"appId": "test-hop", "extraData": {"coupon": "C1", "amount": 500}})
    await expect(target.locator("#launched")).to_have_text(referrer)
    await expect(target.locator("#launch")).to_have_text(referrer)
    await expect(target.locator("#enter")).to_have_text(referrer)
    await expect(target.locator("#query")).to_have_text(_j({"coupon": "C1"}))

    # Back: the same source instance shows again, from scene 1038, with the target's extraData.
    await target.locator("#back").click()
    back = "1038:" + _j({"appId": "test-hop-target", "extraData": {"paid": True}})
    await expect(source.locator("#shows")).to_have_text(f"1001:{{}} | {back}")
    await expect(source.locator("#enter")).to_have_text(
        _j({"appId": "test-hop-target", "extraData": {"paid": True}})
    )
    await expect(source.locator("#result")).to_have_text("navigateToMiniProgram:ok")

    # The pair is allowed now: the navigator opens the target without asking, with its extra-data.
    await wait_until_drawn(source.locator("#nav"))
    await source.locator("#nav").click()
    other = view(page)
    await expect(other.locator("#referrer")).to_have_text(
        "1037:" + _j({"appId": "test-hop", "extraData": {"from": "navigator", "n": 2}})
    )
    await expect(dialog).to_have_count(0)
    # A navigator with open-type exit closes the app, as the capsule does.
    await other.locator("#exit").click()
    await expect(page.locator("#home")).to_be_visible()
    assert errors == []


async def test_a_hop_forged_without_a_tap_is_refused(
    live_server: LiveServer, context: BrowserContext
) -> None:
    """The logic thread asking the host directly, with no tap on the page, opens nothing: the host
    wants the browser's own user activation, which no script can make."""
    page = await context.new_page()
    await page.goto(f"{live_server.url}/?open=test-hop")
    # Seen from the logic thread, so that nothing has given the host page a user activation.
    worker = await logic_without_a_gesture(page, "() => getCurrentPages()[0]?.data.shows === '1001:{}'")
    forged = worker.evaluate(
        """async () => {
          const { callHost } = self[Symbol.for('hutong.modules')]['logic/call.js'];
          return callHost('navigateToMiniProgram', { appId: 'test-hop-target' }).then((r) => r, (r) => r);
        }"""
    )
    answer = await asyncio.wait_for(forged, 20)
    assert answer == {"errMsg": "navigateToMiniProgram:fail can only be invoked by user TAP gesture."}
    await expect(page.locator(".hutong-hop-dialog")).to_have_count(0)
    await expect(view(page).locator("#shows")).to_have_text("1001:{}")


async def test_restart_mini_program_starts_the_app_again_at_a_page(
    live_server: LiveServer, context: BrowserContext
) -> None:
    """wx.restartMiniProgram: the app closes and starts again (App.onLaunch anew) at the page asked for,
    with its query, entered as the first time (scene 1001 here)."""
    page = await context.new_page()
    await page.goto(f"{live_server.url}/?open=test-hop-target")
    target = view(page)
    await expect(target.locator("#launches")).to_have_text("1")
    await expect(target.locator("#query")).to_have_text("{}")
    await target.locator("#restart").click()
    await expect(view(page).locator("#launches")).to_have_text("2")
    await expect(view(page).locator("#query")).to_have_text(_j({"again": "1"}))
    await expect(view(page).locator("#launched")).to_have_text("1001:{}")
    # One app running, not two: the old one is gone.
    await expect(page.locator(".surface")).to_have_count(1)
