"""Denial of service (tests/hostile/apps/hostile, pages/spam): 15 pages where WeChat allows 10, 5,000
toasts, 20,000 bridge calls and 1,500 dialogs in one go. The stack stops at 10, the host draws one
toast and one dialog at a time, and the host page still answers its user: the capsule closes the app."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, allow_domains
from tests.hostile.conftest import Canary, open_hostile

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = pytest.mark.fresh_context


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


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(listener.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()
    for connection in held:
        connection.close()


async def test_calls_in_flight_are_bounded(
    browser: Browser, live_server: LiveServer, silent_server: str
) -> None:
    # 1,200 requests to a server that never answers: 10 run, the rest wait in the host, up to 1,000 calls
    # in all; the last 200 fail at once.
    await allow_domains(live_server, "test-hostile", {"request": [silent_server]})
    app = await open_hostile(browser, live_server, "test-hostile", "pages/flood/flood", Canary(silent_server))
    await expect(app.view().locator("#sent")).to_be_attached()
    await expect(app.view().locator("#refused")).to_have_text("200")
    await app.page.close()
