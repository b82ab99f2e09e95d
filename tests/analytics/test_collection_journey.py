"""Chromium, on an example (tests/conftest.py loads examples/): opening the tea shop and moving around
is counted with no code of the developer's (the runtime collects it), and an error the shop's own code
throws is grouped with its source file and line.

The error is a real one in examples/tea: a cart kept in storage by an earlier version that still holds
a drink the menu no longer has makes ``cart.items()`` read ``product.name`` of undefined at the next
launch. The test leaves such a cart in the app's storage (as that version would have) through the
logic thread's own ``wx.setStorageSync``."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from playwright.async_api import Browser, expect
from sqlalchemy import select

from hutong.server.apps.models import App
from hutong.server.db import Database
from hutong.server.events import rollups
from hutong.server.events.service import recent_events
from tests.conftest import LiveServer, open_app

TEA = "hutong-tea"
TOP = ".surface:not([hidden]) iframe.hutong-page >> nth=-1"
STALE_CART = "wx.setStorageSync('tea-cart', { m1: 1, 'retired-drink': 2 })"


async def test_views_stays_scenes_timings_and_errors_are_collected(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, TEA)
    page = app.page
    tea = page.frame_locator(TOP)
    await tea.locator("#product-m1 .plus").click()
    await expect(tea.locator("#cart-count")).to_have_text("1 杯")
    await tea.locator("#checkout").click()
    await expect(page.frame_locator(TOP).locator("#place-order")).to_be_visible()
    await asyncio.sleep(1.2)  # on the cart page for at least a second
    await page.locator(".hutong-back").click()
    await expect(page.frame_locator(TOP).locator("#cart-count")).to_be_visible()
    # What an earlier version left in storage (the logic thread's own API writes it through the host).
    running = "typeof getCurrentPages === 'function' && getCurrentPages().length > 0"
    logic = [w for w in page.workers if await w.evaluate(running)]  # not an idle, prebooted one
    assert len(logic) == 1
    await logic[0].evaluate(STALE_CART)
    await asyncio.sleep(0.5)
    await page.locator("#close-app").click()  # the visit leaves the screen: its views end

    await page.goto(f"{live_server.url}/?open={TEA}")  # the next launch loads that cart
    await expect(page.locator("iframe.hutong-page").first).to_be_attached()
    await asyncio.sleep(1.0)
    await page.locator("#close-app").click()

    db = Database(live_server.settings.effective_database_url)
    try:
        async with db.session() as session:
            app_id = await session.scalar(select(App.id).where(App.appid == TEA))
        assert app_id is not None
        day = datetime.now(UTC).date()
        figures: rollups.Figures = {}
        for _ in range(100):  # each server process writes its buffer every second
            async with db.session() as session:
                figures = await rollups.compute_day(session, app_id, day)
            if figures.get(("visit_pv", ""), 0) >= 4 and rollups.by_key(figures, "error"):
                break
            await asyncio.sleep(0.1)
        async with db.session() as session:
            errors = await recent_events(session, TEA, kinds=("error",))
    finally:
        await db.dispose()
        await page.close()

    assert figures[("session_cnt", "")] == 2 and rollups.by_key(figures, "scene_sessions") == {"1001": 2}
    assert rollups.by_key(figures, "page_pv") == {"pages/menu/menu": 3, "pages/cart/cart": 1}
    assert figures[("uv", "")] == 1 and figures[("new_uv", "")] == 1
    assert rollups.by_key(figures, "entry") == {"pages/menu/menu": 2}
    assert rollups.by_key(figures, "exit") == {"pages/menu/menu": 2}
    assert rollups.by_key(figures, "depth") == {"3": 1, "1": 1}
    assert 1000 <= figures[("page_stay", "pages/cart/cart")] < 30_000
    assert sum(rollups.by_key(figures, "perf_launch").values()) == 2
    # The error, grouped by its message and the shop's source line (utils/cart.js line 28).
    assert rollups.by_key(figures, "error") == {
        "utils/cart.js:28\tCannot read properties of undefined (reading 'name')": 1
    }
    assert figures[("error_sessions", "")] == 1
    assert "utils/cart.js:28" in errors[0].data["stack"]
    assert errors[0].data["page"] == "pages/menu/menu"
