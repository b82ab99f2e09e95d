"""The suite's browser contexts are handed out again (tests/browser_pool.py): one a test gets from the
pool starts as clean as a new one, and one that a test changed in a way cleaning cannot undo is never
handed out again."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from hutong.check.browser import BASE_ARGS, CHROMIUM, WITHOUT_OMNIBOX_POPUP
from tests.browser_pool import ContextPool
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

# What a user leaves behind at the platform's origin, read from a page there.
LEFTOVERS = """async (bundle) => {
  const cached = await fetch(bundle, { cache: 'only-if-cached', mode: 'same-origin' })
    .then((r) => r.ok).catch(() => false);
  return {
    local: localStorage.length,
    cookie: document.cookie,
    databases: (await indexedDB.databases()).map((d) => d.name),
    caches: await caches.keys(),
    workers: (await navigator.serviceWorker.getRegistrations()).length,
    httpCached: cached,
  };
}"""
LEAVE = """async () => {
  localStorage.setItem('pooled', 'yes');
  document.cookie = 'pooled=yes; path=/';
  await new Promise((resolve, reject) => {
    const open = indexedDB.open('pooled', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('things');
    open.onsuccess = () => { open.result.close(); resolve(null); };
    open.onerror = () => reject(open.error);
  });
  await (await caches.open('pooled')).put('/pooled', new Response('yes'));
}"""


async def leftovers(page: Page, server: LiveServer) -> dict[str, Any]:
    # A JSON answer of the platform's: a document at its origin that runs none of the shell's code.
    await page.goto(server.url + "/api/categories")
    found: dict[str, Any] = await page.evaluate(LEFTOVERS, server.runtime + "shell/bundle.js")
    return found


async def test_a_context_from_the_pool_starts_clean(
    live_server: LiveServer, browser: Browser, context_pool: ContextPool
) -> None:
    page = await browser.new_page()
    context = page.context
    # A user opens a mini program: the shell registers its service worker, which keeps the shell page
    # and the app in Cache Storage, and the runtime's files are in the HTTP cache.
    await page.goto(f"{live_server.url}/?open=hutong-counter")
    await expect(page.frame_locator("iframe.hutong-page").locator("#count")).to_have_text("0")
    await page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    await page.evaluate(LEAVE)
    left = await leftovers(await context.new_page(), live_server)
    assert left["local"] == 1 and left["cookie"] == "pooled=yes"
    assert "pooled" in left["databases"] and "pooled" in left["caches"] and len(left["caches"]) > 1
    assert left["workers"] == 1 and left["httpCached"] is True

    # The same server under another name is another origin, with storage of its own.
    elsewhere = await context.new_page()
    other = live_server.url.replace("127.0.0.1", "localhost")
    await elsewhere.goto(other + "/api/categories")
    await elsewhere.evaluate("localStorage.setItem('pooled', 'yes')")

    await context_pool.release()  # what every test's end does
    again = await browser.new_page()
    assert again.context is context, "not the same context: this test proves nothing"
    await again.goto(other + "/api/categories")
    assert await again.evaluate("localStorage.length") == 0
    assert await leftovers(again, live_server) == {
        "local": 0,
        "cookie": "",
        "databases": [],
        "caches": [],
        "workers": 0,
        "httpCached": False,
    }
    assert await again.context.cookies() == []


async def test_a_context_a_test_changed_is_never_handed_out_again(
    live_server: LiveServer, browser: Browser, context_pool: ContextPool
) -> None:
    page = await browser.new_page()
    await page.context.add_init_script("window.planted = true")
    await context_pool.release()
    assert page.context not in browser.contexts
    again = await browser.new_page()
    assert again.context is not page.context
    await again.goto(live_server.url + "/api/categories")
    assert await again.evaluate("window.planted") is None
    await again.clock.install()  # through the page: the same clock as its context's
    await context_pool.release()
    assert again.context not in browser.contexts


@pytest.mark.fresh_context
async def test_a_test_marked_fresh_context_gets_a_new_one(
    browser: Browser, context_pool: ContextPool
) -> None:
    await context_pool.lease()
    await context_pool.release()
    idle = [entry.context for entry in context_pool.idle]
    assert idle
    page = await browser.new_page()
    assert page.context not in idle and not context_pool.owns(page.context)


def renderer_features() -> dict[str, set[str]]:
    """The features switched off in the renderer processes under this one (each renderer is given the
    browser's final list), by the profile folder of their browser."""
    parents: dict[int, int] = {}
    arguments: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # Chromium's children rewrite theirs as one string: split at spaces too.
            argv = (entry / "cmdline").read_bytes().decode(errors="replace").replace("\0", " ").split()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        arguments[int(entry.name)] = argv

    def mine(pid: int) -> bool:
        while pid > 1:
            if pid == os.getpid():
                return True
            pid = parents.get(pid, 0)
        return False

    found: dict[str, set[str]] = {}
    for pid, argv in arguments.items():
        if "--type=renderer" in argv and mine(pid):
            switches = dict(arg.split("=", 1) for arg in argv if arg.startswith("--") and "=" in arg)
            found.setdefault(switches.get("--user-data-dir", "?"), set()).update(
                switches.get("--disable-features", "").split(",")
            )
    return found


async def browser_ui(browser: Browser) -> list[str]:
    session = await browser.new_browser_cdp_session()
    targets = (await session.send("Target.getTargets"))["targetInfos"]
    await session.detach()
    return [target["url"] for target in targets if target["type"] == "browser_ui"]


@pytest.mark.fresh_context
async def test_the_suites_chromium_keeps_playwrights_switches_without_the_omnibox_popup(
    live_server: LiveServer, browser: Browser
) -> None:
    """The suite's Chromium is launched with a --disable-features list of its own (tests/conftest.py),
    which replaces Playwright's: it must still switch off every feature Playwright does, as a browser
    launched with Playwright's defaults shows them, and the omnibox popup's pages must be gone."""
    page = await browser.new_page()
    await page.goto(live_server.url + "/api/categories")
    assert await browser_ui(browser) == []
    ours = renderer_features()
    assert ours
    async with async_playwright() as playwright:
        plain = await playwright.chromium.launch(executable_path=CHROMIUM, args=BASE_ARGS)
        try:
            other = await plain.new_page()
            await other.goto(live_server.url + "/api/categories")
            assert any("omnibox-popup" in url for url in await browser_ui(plain))
            defaults = [features for profile, features in renderer_features().items() if profile not in ours]
        finally:
            await plain.close()
    assert len(defaults) == 1 and "ThirdPartyStoragePartitioning" in defaults[0]
    for features in ours.values():
        assert defaults[0] | set(WITHOUT_OMNIBOX_POPUP) <= features
