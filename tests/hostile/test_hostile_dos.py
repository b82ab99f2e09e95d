"""Denial of service (tests/hostile/apps/hostile, pages/spam): 15 pages where WeChat allows 10, 5,000
toasts, 20,000 bridge calls and 1,500 dialogs in one go. The stack stops at 10, the host draws one
toast and one dialog at a time, and the host page still answers its user: the capsule closes the app."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.conftest import LiveServer
from tests.hostile.conftest import open_hostile


async def test_a_flood_stays_bounded_and_the_host_stays_responsive(
    browser: Browser, live_server: LiveServer
) -> None:
    app = await open_hostile(browser, live_server, "test-hostile", "pages/spam/spam")
    first = app.view(0)
    await expect(first.locator("#status")).to_have_text("flooded", timeout=60_000)
    assert (await first.locator("#failures").text_content() or "").count("webview count limit exceed") == 5
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(10)
    await expect(app.view().locator("#depth")).to_have_text("10")
    assert await app.page.locator(".hutong-toast").count() <= 1
    # 1,500 dialogs asked for at once: each takes the place of the one before, so the user has one to
    # answer, and the capsule is theirs again.
    await expect(first.locator("#answered")).to_have_text("1499")
    await expect(app.page.locator(".hutong-dialog")).to_have_count(1)
    await app.page.locator(".hutong-dialog-cancel").click()
    await app.page.locator("#close-app").click()
    await expect(app.page.locator("#home")).to_be_visible()
    await app.page.close()
