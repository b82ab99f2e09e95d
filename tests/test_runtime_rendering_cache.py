"""WeChat's initial rendering cache: a page whose json asks for it opens, from its second time, with what
it looked like on its initial data, drawn before its logic has run; it answers no input until its real
first render replaces it, and a new release never shows what an older one recorded."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, FrameLocator, Page, expect

from tests.conftest import TEST_APPS, LiveServer, publish_project, wait_until

pytestmark = pytest.mark.browser

APPID = "test-rendering-cache"
# The routes the host keeps a cache for (host/rendering-cache.js: IndexedDB `hutong-apps`, `rendering`).
KEPT = """new Promise((resolve) => {
  const open = indexedDB.open('hutong-apps');
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains('rendering')) { db.close(); resolve([]); return; }
    const keys = db.transaction('rendering').objectStore('rendering').getAllKeys();
    keys.onsuccess = () => { db.close(); resolve(keys.result.map((key) => key[2]).sort()); };
  };
})"""
# Whether a kept cache holds `text` somewhere.
HOLDS = """(text) => new Promise((resolve) => {
  const open = indexedDB.open('hutong-apps');
  open.onsuccess = () => {
    const db = open.result;
    const all = db.transaction('rendering').objectStore('rendering').getAll();
    all.onsuccess = () => {
      db.close();
      resolve(all.result.some((record) => JSON.stringify(record.ops).includes(text)));
    };
  };
})"""
LOG = "(window.__hutongLog || []).map((entry) => entry.kind).filter((kind) => kind.endsWith('content'))"


def address(server: LiveServer, route: str, query: str = "") -> str:
    path = f"pages/{route}/{route}" + (f"?{query}" if query else "")
    return f"{server.url}/?open={APPID}&path={quote(path, safe='')}"


async def kept(page: Page) -> list[str]:
    routes: list[str] = await page.evaluate(KEPT)
    return routes


async def until_kept(page: Page, routes: list[str]) -> None:
    want = json.dumps(json.dumps(routes))
    await wait_until(page, f"{KEPT}.then((routes) => JSON.stringify(routes) === {want})")


async def until_holds(page: Page, text: str) -> None:
    for _ in range(300):
        if await page.evaluate(HOLDS, text):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no kept cache holds {text!r}")


async def first_open(
    browser: Browser, server: LiveServer, route: str, selector: str, text: str
) -> tuple[Page, FrameLocator]:
    """Open the app at ``route`` for the first time, until ``selector`` reads ``text`` and the host keeps
    that page's cache: nothing was kept before, so the page waited for its logic."""
    page = await browser.new_page()
    view = page.frame_locator("iframe.hutong-page")
    await page.goto(address(server, route))
    await expect(view.locator(selector)).to_have_text(text)
    await until_kept(page, [f"pages/{route}/{route}"])
    assert await page.evaluate(LOG) == ["firstcontent"]
    return page, view


async def test_static_cache_is_drawn_first_and_answers_nothing(
    live_server: LiveServer, browser: Browser
) -> None:
    page, view = await first_open(browser, live_server, "static", "#state", "Loaded")

    # Second open, the logic thread busy in onLoad for 2 s: the kept picture shows the initial data (not
    # onLoad's setData), the component as attached left it, and no switch (not a cached component).
    await page.goto(address(live_server, "static", "slow=2000"))
    await expect(view.locator("#state")).to_have_text("Loading")
    await expect(view.locator(".badge")).to_have_text("Menu (attached)")
    await expect(view.locator("#toggle")).to_have_count(0)
    assert await page.evaluate(LOG) == ["cachedcontent"]
    # A tap on the picture goes nowhere, as in WeChat; the real page then replaces it, whole.
    await view.locator("#tap").click()
    await expect(view.locator("#state")).to_have_text("Loaded", timeout=10_000)
    assert await page.evaluate(LOG) == ["cachedcontent", "firstcontent"]
    await expect(view.locator("#state")).to_have_count(1)
    await expect(view.locator("#toggle")).to_have_count(1)
    await expect(view.locator("#tap")).to_have_text("Tapped 0")
    await view.locator("#tap").click()
    await expect(view.locator("#tap")).to_have_text("Tapped 1")

    # A page that did not ask for a cache gets none, even when it calls setInitialRenderingCache.
    await page.goto(address(live_server, "plain"))
    await expect(view.locator("#plain")).to_have_text("Plain 0")
    await page.goto(address(live_server, "plain"))
    await expect(view.locator("#plain")).to_have_text("Plain 0")
    assert await page.evaluate(LOG) == ["firstcontent"]
    assert await kept(page) == ["pages/static/static"]


async def test_dynamic_cache_takes_the_last_call_and_null_forgets_it(
    live_server: LiveServer, browser: Browser
) -> None:
    page, view = await first_open(browser, live_server, "dynamic", "#live", "live")

    # Kept: the initial data with the last call's data over it; nothing onLoad set.
    await page.goto(address(live_server, "dynamic", "slow=1500"))
    await expect(view.locator("#hint")).to_have_text("Kept")
    await expect(view.locator("#live")).to_have_text("")
    # Rendered again in the background: its components created for the picture, never attached.
    await expect(view.locator(".badge")).to_have_text("Dynamic (created)")
    await expect(view.locator("#live")).to_have_text("live", timeout=10_000)
    await expect(view.locator("#hint")).to_have_text("Initial")
    await expect(view.locator(".badge")).to_have_text("Dynamic (attached)")

    # Asked five hundred times in a loop: the last ask is what the next open draws.
    await view.locator("#flood").click()
    await expect(view.locator("#live")).to_have_text("flooded")
    await until_holds(page, "Flood 499")
    await page.goto(address(live_server, "dynamic", "slow=1500"))
    await expect(view.locator("#hint")).to_have_text("Flood 499")
    await expect(view.locator("#live")).to_have_text("live", timeout=10_000)

    # A picture bigger than the host keeps (256 KB) is not kept, and the older one is forgotten with it:
    # the last ask wins.
    await view.locator("#huge").click()
    await expect(view.locator("#live")).to_have_text("huge")
    await until_kept(page, [])
    await page.goto(address(live_server, "dynamic"))
    await expect(view.locator("#live")).to_have_text("live")
    await until_holds(page, "Kept")

    # null forgets it: the next open waits for the logic thread again.
    await view.locator("#forget").click()
    await expect(view.locator("#live")).to_have_text("forgotten")
    await until_kept(page, [])
    await page.goto(address(live_server, "dynamic"))
    await expect(view.locator("#live")).to_have_text("live")
    assert await page.evaluate(LOG) == ["firstcontent"]


async def test_a_new_release_never_shows_an_older_cache(
    live_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    page, view = await first_open(browser, live_server, "static", "#state", "Loaded")

    # The same app released again with another initial title: its first open shows no picture of the
    # old release, and records its own.
    project = tmp_path / "rendering-cache"
    shutil.copytree(TEST_APPS / "rendering-cache", project)
    script = project / "pages" / "static" / "static.js"
    script.write_text(script.read_text().replace("title: 'Menu'", "title: 'Carte'"))
    await publish_project(live_server.settings, project, APPID, "2.0.0")
    await page.goto(address(live_server, "static", "slow=1000"))
    await expect(view.locator("#state")).to_have_text("Loaded", timeout=10_000)
    await expect(view.locator(".badge")).to_have_text("Carte (attached)")
    assert await page.evaluate(LOG) == ["firstcontent"]
    await until_holds(page, "Carte")
    await page.goto(address(live_server, "static", "slow=1500"))
    await expect(view.locator(".badge")).to_have_text("Carte (attached)")
    await expect(view.locator("#state")).to_have_text("Loading")
    await expect(view.locator("#state")).to_have_text("Loaded", timeout=10_000)


# A host database as the host kept it before the rendering cache (version 1: storage and files), with one
# app's stored value in it.
VERSION_1 = """new Promise((resolve, reject) => {
  const open = indexedDB.open('hutong-apps', 1);
  open.onupgradeneeded = () => {
    open.result.createObjectStore('storage');
    open.result.createObjectStore('files');
  };
  open.onsuccess = () => {
    const db = open.result;
    const store = db.transaction('storage', 'readwrite').objectStore('storage');
    const put = store.put('from before', ['other-app', 'someone', 'k']);
    put.onsuccess = () => { db.close(); resolve(); };
    put.onerror = () => reject(put.error);
  };
})"""
STATE = """new Promise((resolve) => {
  const open = indexedDB.open('hutong-apps');
  open.onsuccess = () => {
    const db = open.result;
    const get = db.transaction('storage').objectStore('storage').get(['other-app', 'someone', 'k']);
    get.onsuccess = () => {
      resolve({ version: db.version, stores: Array.from(db.objectStoreNames).sort(), kept: get.result });
      db.close();
    };
  };
})"""


async def test_a_host_database_from_before_the_cache_is_upgraded_in_place(
    live_server: LiveServer, browser: Browser
) -> None:
    """A browser that kept the host's database at version 1 (before this cache): the host opens it at
    version 2, adds the `rendering` store beside the others and keeps what they held."""
    page = await browser.new_page()
    await page.goto(f"{live_server.url}/api/apps")  # the platform's origin, the shell not running
    await page.evaluate(VERSION_1)
    view = page.frame_locator("iframe.hutong-page")
    await page.goto(address(live_server, "static"))
    await expect(view.locator("#state")).to_have_text("Loaded")
    await until_kept(page, ["pages/static/static"])
    assert await page.evaluate(STATE) == {
        "version": 2,
        "stores": ["files", "rendering", "storage"],
        "kept": "from before",
    }
    await page.close()
