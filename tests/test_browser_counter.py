"""The thin path end to end, in real Chromium: open the host, open counter, tap, see the new count."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer

pytestmark = pytest.mark.browser


async def test_counter_tap_updates_the_page(live_server: LiveServer, browser: Browser) -> None:
    page = await browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(live_server.url + "/")
    await page.get_by_role("button", name="Counter").click()
    view = page.frame_locator("iframe.hutong-page")
    await expect(view.locator("#count")).to_have_text("0")
    await expect(page.locator(".hutong-title")).to_have_text("Counter")
    await view.locator("#increment").click()
    await expect(view.locator("#count")).to_have_text("1")
    for _ in range(9):
        await view.locator("#increment").click()
    await expect(view.locator("#count")).to_have_text("10")
    await expect(view.locator(".hint")).to_have_text("Double digits!")
    assert errors == []
    await page.close()


async def test_page_code_runs_in_isolated_contexts(live_server: LiveServer, browser: Browser) -> None:
    """The page frame has an opaque origin and no way into the host; the logic thread has no DOM."""
    page = await browser.new_page()
    await page.goto(live_server.url + "/?open=hutong-counter")
    view = page.frame_locator("iframe.hutong-page")
    await expect(view.locator("#count")).to_have_text("0")
    frame = next(f for f in page.frames if f.url.endswith("/view/view.html"))
    assert await frame.evaluate("self.origin") == "null"
    assert (
        await frame.evaluate(
            "(() => { try { return parent.document.title; } catch (e) { return 'blocked'; } })()"
        )
        == "blocked"
    )
    assert (
        await frame.evaluate("(() => { try { return document.cookie; } catch (e) { return 'blocked'; } })()")
        == "blocked"
    )
    sandbox = await page.locator("iframe.hutong-page").get_attribute("sandbox")
    assert sandbox == "allow-scripts"
    workers = page.workers
    assert len(workers) == 1
    assert await workers[0].evaluate("typeof document") == "undefined"
    assert await workers[0].evaluate("self.origin") == "null"
    await page.close()
