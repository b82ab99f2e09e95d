"""The shell's service worker: a mini program opened once opens again with the network cut, even in a
shell reloaded offline, and a new release (or a rollback) replaces what it kept on the next online open."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from hutong.settings import Settings
from tests.conftest import migrate, publish_project, serve

# The service worker's first install and what it keeps: a context as new as a first visit, never one
# cleaned after another test (tests/browser_pool.py).
pytestmark = pytest.mark.fresh_context

ROOT = Path(__file__).resolve().parent.parent
APPID = "hutong-offline-counter"
PREBOOT_READY = "Boolean(window[Symbol.for('hutong.preboot')]?.ready)"


async def until(page: Page, expression: str) -> None:
    for _ in range(400):  # the shell's policy forbids wait_for_function's eval: poll from here
        if await page.evaluate(expression):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never true: {expression}")


async def publish(settings: Settings, work: Path, label: str, version: str) -> None:
    """The counter example as APPID, its label reading ``label``, released to everyone."""
    project = work / "projects" / version
    shutil.copytree(ROOT / "examples" / "counter", project)
    config_file = project / "project.config.json"
    config = json.loads(config_file.read_text())
    config_file.write_text(json.dumps({**config, "appid": APPID}))
    wxml = project / "pages" / "index" / "index.wxml"
    wxml.write_text(wxml.read_text().replace('class="label">Count<', f'class="label">{label}<'))
    await publish_project(settings, project, APPID, version, "Offline counter")


async def restart(page: Page) -> None:
    """Start the app afresh (not resumed from the background): its launch fetches a manifest again."""
    await page.locator(f'#sections button[data-appid="{APPID}"]').click()
    await page.locator("#capsule-menu").click()
    await page.locator('#menu-sheet [data-action="restart"]').click()


async def test_reopens_offline_and_a_release_replaces_the_kept_one(tmp_path: Path, browser: Browser) -> None:
    (tmp_path / "data").mkdir()
    settings = Settings(data_dir=tmp_path / "data")
    await migrate(settings.effective_database_url)
    await publish(settings, tmp_path, "First release", "1.0.0")
    async with serve(settings) as server:
        context = await browser.new_context()
        page = await context.new_page()
        # Opened by its address: the page carries the launch (delivery/shell_page.py) and the worker,
        # registered after it, is handed that manifest to keep.
        await page.goto(server.url + f"/?open={APPID}")
        label = page.frame_locator("iframe.hutong-page").locator(".label")
        await expect(label).to_have_text("First release")
        await until(page, "Boolean(navigator.serviceWorker.controller)")
        await page.locator("#close-app").click()
        await until(page, PREBOOT_READY)

        # A new release meanwhile; then the network goes. The app starts afresh from what was kept: the
        # manifest it had (still signed and unexpired) and that manifest's bundles, not the new release.
        await publish(settings, tmp_path, "Second release", "1.0.1")
        await context.set_offline(True)
        assert await page.evaluate("fetch('/api/health').then(() => 'online', () => 'offline')") == "offline"
        await restart(page)
        await expect(label).to_have_text("First release")
        await expect(page.frame_locator("iframe.hutong-page").locator("#count")).to_have_text("0")
        await page.frame_locator("iframe.hutong-page").locator("#increment").click()
        await expect(page.frame_locator("iframe.hutong-page").locator("#count")).to_have_text("1")

        # The shell itself reloaded with the network still cut: it starts from what its worker kept (the
        # page, the keys, the manifest) and opens the app its address names again; home lists it.
        await page.reload()
        await expect(label).to_have_text("First release")
        await page.locator("#close-app").click()
        await expect(page.locator(f'#sections button[data-appid="{APPID}"]')).to_be_visible()
        assert await page.evaluate("fetch('/api/health').then(() => 'online', () => 'offline')") == "offline"

        # Online again: the next start gets the new release, not the kept one.
        await context.set_offline(False)
        await restart(page)
        await expect(label).to_have_text("Second release")

        # A rollback (the first build released again) replaces it just the same: no stale code.
        await publish(settings, tmp_path, "First release", "1.0.2")
        await page.locator("#close-app").click()
        await restart(page)
        await expect(label).to_have_text("First release")
        await context.close()
