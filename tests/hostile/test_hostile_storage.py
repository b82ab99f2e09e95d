"""Another app's storage and files (tests/hostile/apps/hostile, pages/storage): the victim app keeps a
secret in wx storage and in wxfile://usr; the hostile app, in the same browser and for the same
user, reads the same keys and paths, lists them, and walks out of its folder. It sees only its own."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer
from tests.hostile.conftest import host_page, open_hostile

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = pytest.mark.fresh_context

VICTIM_SECRET = "VICTIM-SECRET-5f1c"


async def test_another_apps_storage_and_files_are_out_of_reach(
    browser: Browser, live_server: LiveServer
) -> None:
    page = await host_page(browser, live_server)
    victim = await open_hostile(browser, live_server, "test-hostile-victim", "pages/index/index", page=page)
    await expect(victim.view().locator("#status")).to_have_text("saved")

    app = await open_hostile(browser, live_server, "test-hostile", "pages/storage/storage", page=page)
    outcomes = await app.outcomes()
    assert len(outcomes) == 8
    assert {name: o for name, o in outcomes.items() if not o.startswith("blocked")} == {}
    assert VICTIM_SECRET not in (await app.view().locator("wx-page").text_content() or "")

    # The secret is still there for its owner.
    again = await open_hostile(browser, live_server, "test-hostile-victim", "pages/index/index", page=page)
    await expect(again.view().locator("#secret")).to_have_text(VICTIM_SECRET)
    await page.close()
