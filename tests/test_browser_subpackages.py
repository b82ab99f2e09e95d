"""Subpackages in the host: fetched and verified only when a page in them opens, then running."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app, wait_until

pytestmark = pytest.mark.browser


async def test_subpackage_loads_on_first_navigation(live_server: LiveServer, browser: Browser) -> None:
    opened = await open_app(browser, live_server, "test-subpackages")
    home = opened.view()
    await expect(home.locator("#home")).to_have_text("home")
    await expect(home.locator("#home")).to_have_css("color", "rgb(0, 0, 255)")
    # logic.js, view.js, app-config.json, and the "extras" subpackage that preloadRule names for home.
    fetched = "performance.getEntriesByType('resource').filter((e) => e.name.includes('/blobs/')).length"
    # Polled from here: the host page's policy has no 'unsafe-eval' for wait_for_function's predicate.
    await wait_until(opened.page, f"{fetched} === 5")
    await home.locator("#go").click()
    shop = opened.view()
    await expect(shop.locator("#text")).to_have_text("HELLO SHOP")
    # The subpackage's entry script ran before its first page; app.wxss and the page's styles apply.
    await expect(shop.locator("#entry")).to_have_text("true")
    await expect(shop.locator("#entry")).to_have_css("color", "rgb(0, 0, 255)")
    await expect(shop.locator("#text")).to_have_css("color", "rgb(255, 0, 0)")
    await expect(shop.locator("#query")).to_have_text("1")
    assert await opened.page.evaluate(fetched) == 7  # shop/logic.js and shop/view.js, fetched on demand
    assert opened.errors == []
    await opened.page.close()
