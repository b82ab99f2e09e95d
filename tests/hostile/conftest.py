"""The hostile suite's fixtures: a canary server that records every request reaching it, and a host
page that holds secrets (a cookie, localStorage, sessionStorage, an IndexedDB database) for the
hostile mini programs to try to steal."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, Frame, FrameLocator, Page, Worker, expect

from tests.conftest import LiveServer

HOST_SECRET = "HOST-SECRET-9d2e"

READ_HOST_SECRETS = """async () => {
  // Read the database only once it exists with its store (opening it sooner would create it empty).
  let secret = null;
  for (let i = 0; i < 100 && secret === null; i += 1) {
    const names = (await indexedDB.databases()).map((d) => d.name + '@' + d.version);
    if (names.includes('host-secret-db@1')) {
      const db = await new Promise((resolve) => {
        const r = indexedDB.open('host-secret-db', 1);
        r.onsuccess = () => resolve(r.result);
      });
      if (db.objectStoreNames.contains('secrets')) {
        secret = await new Promise((resolve) => {
          const r = db.transaction('secrets').objectStore('secrets').get('secret');
          r.onsuccess = () => resolve(r.result);
        });
      }
      db.close();
    }
    if (secret === null) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return [localStorage.getItem('hostSecret'), sessionStorage.getItem('hostSecret'), secret, document.cookie];
}"""

# Run in the host page (and, harmlessly, in every frame) before any of the shell's code.
PLANT_SECRETS = f"""
(() => {{
  if (window !== window.top) return;
  localStorage.setItem('hostSecret', '{HOST_SECRET}');
  sessionStorage.setItem('hostSecret', '{HOST_SECRET}');
  const plant = () => {{
    const open = indexedDB.open('host-secret-db', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('secrets').put('{HOST_SECRET}', 'secret');
    // An upgrade cut short by a navigation leaves an empty database: plant again.
    open.onsuccess = () => {{
      if (open.result.objectStoreNames.contains('secrets')) return;
      open.result.close();
      indexedDB.deleteDatabase('host-secret-db').onsuccess = plant;
    }};
  }};
  plant();
}})();
"""


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Canary:
    """A server on loopback that answers anything, with CORS open to all, and remembers each request."""

    url: str
    hits: list[Hit] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def escapes(self, allowed: tuple[str, ...] = ()) -> list[str]:
        """Requests that mean an attempt got through: every one but those under ``allowed`` paths."""
        return [hit.path for hit in self.hits if not hit.path.startswith(tuple(f"/hit/{a}" for a in allowed))]

    def leaked(self) -> list[Hit]:
        """Requests that carried the host's secret anywhere (path, cookie or any header)."""
        return [
            hit
            for hit in self.hits
            if HOST_SECRET in hit.path or any(HOST_SECRET in v for v in hit.headers.values())
        ]


def _handler(canary: Canary) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            canary.hits.append(Hit(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
            body = (self.headers.get("Cookie") or "no cookie").encode()
            kind = "text/javascript" if self.path.split("?")[0].endswith(".js") else "text/plain"
            if self.path.split("?")[0].endswith(".js"):
                body = b"self.__canaryRan = true;"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
            self.send_header("Access-Control-Allow-Credentials", "true")
            self.send_header("Access-Control-Allow-Headers", "*")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_OPTIONS = do_PUT = _answer

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


@pytest.fixture
def canary() -> Iterator[Canary]:
    found = Canary("")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    found.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()


@dataclass
class HostileApp:
    page: Page
    errors: list[str]

    def view(self, index: int = -1) -> FrameLocator:
        return self.page.frame_locator("iframe.hutong-page").nth(index)

    def view_frame(self) -> Frame:
        return next(
            f for f in self.page.frames if f.url.endswith("/view/view.html") and f.is_detached() is False
        )

    def logic_frame(self) -> Frame:
        return next(f for f in self.page.frames if f.url.endswith("/logic/sandbox.html"))

    def logic_worker(self) -> Worker:
        return next(w for w in self.page.workers if w.url.startswith("data:"))

    async def outcomes(self) -> dict[str, str]:
        """The page's attempt results (tests/hostile/apps/hostile/utils/attempts.js), once all are in."""
        view = self.view()
        await expect(view.locator("#done")).to_be_attached()
        outcomes: dict[str, str] = {}
        for text in await view.locator(".result").all_text_contents():
            name, _, outcome = text.partition(" = ")
            outcomes[name.strip()] = outcome.strip()
        return outcomes


async def host_page(browser: Browser, server: LiveServer) -> Page:
    """A fresh browser context's page whose host origin holds the secrets."""
    page = await browser.new_page()
    cookie = {"name": "host_secret", "value": HOST_SECRET, "url": server.url, "sameSite": "Lax"}
    await page.context.add_cookies([cookie])  # type: ignore[list-item]
    await page.add_init_script(PLANT_SECRETS)
    return page


async def open_hostile(
    browser: Browser,
    server: LiveServer,
    appid: str,
    path: str,
    canary: Canary | None = None,
    page: Page | None = None,
    look: bool = True,
) -> HostileApp:
    """Open ``appid`` at ``path`` in a host page holding secrets; the page learns the canary's address.
    ``look=False`` returns once navigated, without asking the page anything: Playwright's questions to a
    page (``expect`` included) are user gestures, after which the host may rightly act for 5 s."""
    if page is None:
        page = await host_page(browser, server)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    query = f"canary={quote(canary.url if canary else '', safe='')}&platform={quote(server.url, safe='')}"
    await page.goto(f"{server.url}/?open={appid}&path={quote(path, safe='')}&query={quote(query, safe='')}")
    if look:
        await expect(page.locator("iframe.hutong-page").first).to_be_attached()
    return HostileApp(page, errors)


async def host_secrets_intact(page: Page) -> None:
    """The host's own secrets are where the host left them, unchanged."""
    values = await page.evaluate(READ_HOST_SECRETS)
    assert values[:3] == [HOST_SECRET] * 3
    assert f"host_secret={HOST_SECRET}" in values[3]


async def wait_for_hit(canary: Canary, path: str, seconds: float = 15) -> None:
    """Wait until a request for ``path`` (an allowed one: the sign that the page's loads have run)."""
    for _ in range(int(seconds * 10)):
        if any(p.startswith(path) for p in canary.paths()):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} never reached the canary; it saw {canary.paths()}")
