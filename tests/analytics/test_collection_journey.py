"""Chromium: opening a mini program and moving around is counted with no code of the developer's (the
runtime collects it), and a thrown error is grouped with its source file and line."""

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


async def test_views_stays_scenes_timings_and_errors_are_collected(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-analytics")
    view = app.view()
    await view.locator("#open").click()
    await expect(app.view().locator("#detail")).to_be_visible()
    await asyncio.sleep(1.2)  # on the detail page for at least a second
    await app.page.locator(".hutong-back").click()
    await view.locator("#boom").click()
    await app.page.locator("#close-app").click()  # the visit leaves the screen: its views end

    db = Database(live_server.settings.effective_database_url)
    try:
        async with db.session() as session:
            app_id = await session.scalar(select(App.id).where(App.appid == "test-analytics"))
        assert app_id is not None
        day = datetime.now(UTC).date()
        figures: rollups.Figures = {}
        for _ in range(100):  # each server process writes its buffer every second
            async with db.session() as session:
                figures = await rollups.compute_day(session, app_id, day)
            if figures.get(("visit_pv", ""), 0) >= 3 and rollups.by_key(figures, "error"):
                break
            await asyncio.sleep(0.1)
        async with db.session() as session:
            errors = await recent_events(session, "test-analytics", kinds=("error",))
    finally:
        await db.dispose()
        await app.page.close()

    assert figures[("session_cnt", "")] == 1 and rollups.by_key(figures, "scene_sessions") == {"1001": 1}
    assert rollups.by_key(figures, "page_pv") == {"pages/index/index": 2, "pages/detail/detail": 1}
    assert figures[("uv", "")] == 1 and figures[("new_uv", "")] == 1
    assert rollups.by_key(figures, "entry") == {"pages/index/index": 1}
    assert rollups.by_key(figures, "exit") == {"pages/index/index": 1}
    assert rollups.by_key(figures, "depth") == {"3": 1}
    assert 1000 <= figures[("page_stay", "pages/detail/detail")] < 30_000
    assert sum(rollups.by_key(figures, "perf_launch").values()) == 1
    assert sum(rollups.by_key(figures, "perf_render").values()) == 2  # index, detail (back re-renders none)
    # The error, grouped by its message and the developer's source line (index.js line 10).
    assert rollups.by_key(figures, "error") == {
        "pages/index/index.js:10\tCannot read properties of undefined (reading 'total')": 1
    }
    assert figures[("error_sessions", "")] == 1
    assert "pages/index/index.js:10" in errors[0].data["stack"]
    assert errors[0].data["page"] == "pages/index/index"
