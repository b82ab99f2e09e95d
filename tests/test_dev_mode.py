"""`hutong dev`: a changed file is rebuilt (only it), released, and the open host page shows it."""

from __future__ import annotations

import asyncio
import shutil
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from hutong.devserver import DevSession, dev_server, serve
from hutong.server.app import SHELL_CSP
from hutong.server.embedded import free_port
from hutong.settings import Settings
from tests.conftest import EXAMPLES, migrate

pytestmark = pytest.mark.browser


@dataclass
class Dev:
    url: str
    project: Path
    session: DevSession


@pytest.fixture
async def dev(tmp_path: Path) -> AsyncIterator[Dev]:
    project = tmp_path / "counter"
    shutil.copytree(EXAMPLES / "counter", project)
    settings = Settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir()
    await migrate(settings.effective_database_url)
    port = free_port()
    server, session = dev_server(project, settings, "127.0.0.1", port)
    thread = threading.Thread(target=lambda: asyncio.run(serve(server, session)), daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the dev server did not start")
        await asyncio.sleep(0.05)
    yield Dev(f"http://127.0.0.1:{port}", project, session)
    server.should_exit = True
    thread.join(timeout=10)


async def test_a_saved_change_reloads_the_running_mini_program(dev: Dev, browser: Browser) -> None:
    page = await browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    opened = await page.goto(f"{dev.url}/?open={dev.session.appid}")
    # The production policy and sandbox, with the reload script as the one labelled dev addition.
    assert opened is not None and opened.headers["content-security-policy"] == SHELL_CSP
    assert await page.locator("script[data-hutong-dev]").count() == 1
    view = page.frame_locator("iframe.hutong-page")
    await expect(view.locator("#count")).to_have_text("0")
    sandbox = await page.locator("iframe.hutong-page").first.get_attribute("sandbox")
    assert sandbox is not None and "allow-same-origin" not in sandbox
    assert dev.session.generation == 1
    wxml = dev.project / "pages/index/index.wxml"
    wxml.write_text(wxml.read_text().replace('class="count"', 'class="count changed"'))
    await expect(view.locator("#count.changed")).to_have_text("0", timeout=15000)
    assert dev.session.generation == 2

    # A broken file shows the compile error over the host page; fixing it reloads again.
    js = dev.project / "pages/index/index.js"
    good = js.read_text()
    js.write_text(good + "\nconst = ;\n")
    await expect(page.locator("#hutong-compile-error")).to_contain_text(
        "pages/index/index.js:", timeout=15000
    )
    js.write_text(good.replace("count: 0", "count: 5"))
    await expect(view.locator("#count")).to_have_text("5", timeout=15000)
    # Only the changed script was compiled again; the rest came from the cache.
    assert dev.session.last is not None and dev.session.last.recompiled == 1
    await expect(page.locator("#hutong-compile-error")).to_have_count(0)
    assert refused == []  # nothing the dev tooling does needs more than the production policy
    await page.close()
