"""A `/?open=<appid>` page carries its launch (server/delivery/shell_page.py): the signed manifest's exact
bytes and its bundles' preloads, counted once, under the shell's unchanged policy; the host uses it
instead of asking, and a restart asks again."""

from __future__ import annotations

import base64
import json
import re
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from playwright.async_api import Browser, Request, Response, expect

from hutong.server.app import SHELL_CSP
from tests.conftest import LiveServer, wait_until

APPID = "hutong-counter"
# The home screen's lists (shell/shell.js loadHome).
HOME_LISTS = {"/api/apps", "/api/categories", "/api/me/recent"}


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def inline_launch(html: str) -> dict[str, Any] | None:
    found = re.search(r'<script type="application/json" id="hutong-launch">(.*?)</script>', html, re.S)
    return None if found is None else dict(json.loads(found.group(1)))


async def test_the_page_carries_its_launch_signed_and_counted_once(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as client:
        response = await client.get(f"/?open={APPID}&scene=1011&path=pages/index/index")
        assert response.status_code == 200
        # The shell's policy is the plain page's, word for word; the page is this visitor's own.
        assert response.headers["content-security-policy"] == SHELL_CSP
        assert response.headers["cache-control"] == "private, no-store"
        launch = inline_launch(response.text)
        assert launch is not None
        assert (launch["appid"], launch["channel"], launch["scene"], launch["path"]) == (
            APPID,
            "release",
            1011,
            "pages/index/index",
        )
        # Signed by the platform over exactly these bytes, like the launch route's answer.
        header = dict(re.findall(r'(\w+)="([^"]*)"', launch["signature"]))
        jwks = (await client.get("/.well-known/hutong/platform-keys.json")).json()
        jwk = next(k for k in jwks["keys"] if k["kid"] == header["keyid"])
        body = launch["body"].encode()
        Ed25519PublicKey.from_public_bytes(_b64(jwk["x"])).verify(_b64(header["sig"]), body)
        manifest = json.loads(body)
        assert manifest["appid"] == APPID
        for name in ("logic.js", "view.js", "app-config.json"):
            url = manifest["bundles"][name]["url"]
            assert f'<link rel="preload" as="fetch" crossorigin="anonymous" href="{url}">' in response.text
        # Counted as a launch of this device (its cookie set with the page): on its recent list, once.
        assert client.cookies.get("hutong_device")
        recent = (await client.get("/api/me/recent")).json()
        assert [app["appid"] for app in recent] == [APPID]

        # The app's surface shows from the first paint; the plain home page shows home.
        assert '<section id="home" class="home" hidden>' in response.text
        assert '<section id="running" class="running">' in response.text
        home = (await client.get("/")).text
        assert '<section id="home" class="home">' in home
        assert '<section id="running" class="running" hidden>' in home

        # The plain home page and a launch the platform refuses carry none (the shell asks, and shows why).
        assert inline_launch(home) is None
        assert inline_launch((await client.get("/?open=no-such-app")).text) is None
        assert inline_launch((await client.get(f"/?open={APPID}&channel=trial")).text) is None


async def test_the_host_opens_with_the_page_s_launch(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context(service_workers="block")
    page = await context.new_page()
    launches: list[str] = []

    def note(request: Request) -> None:
        if "/launch" in request.url:
            launches.append(request.url)

    page.on("request", note)
    await page.goto(f"{live_server.url}/?open={APPID}")
    count = page.frame_locator("iframe.hutong-page").locator("#count")
    await expect(count).to_have_text("0")
    assert launches == []
    # Taken once: a restart asks the platform for a fresh launch.
    await page.locator("#capsule-menu").click()
    await page.locator('#menu-sheet [data-action="restart"]').click()
    await expect(count).to_have_text("0")
    assert len(launches) == 1 and f"/api/apps/{APPID}/launch?" in launches[0]
    await context.close()


@pytest.mark.fresh_context
async def test_an_address_s_app_leaves_the_home_lists_until_it_is_closed(
    live_server: LiveServer, browser: Browser
) -> None:
    """A `/?open=` page does not fetch the home screen's lists behind the app (shell/shell.js `boot`):
    they load when the app is closed; the service worker registers after the app's first page, and
    the app's bundles then bypass it (its static route), coming from the browser's HTTP cache."""
    context = await browser.new_context()
    page = await context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(urlsplit(request.url).path))
    await page.goto(f"{live_server.url}/?open={APPID}")
    await wait_until(page, "(window.__hutongLog || []).some((e) => e.kind === 'firstcontent')")
    await wait_until(page, "navigator.serviceWorker.getRegistration('/').then((r) => Boolean(r && r.active))")
    assert not HOME_LISTS & set(asked), asked
    # Reloaded under the active worker: the bundles are not its answers.
    blobs: list[Response] = []
    page.on("response", lambda response: blobs.extend([response] if "/blobs/" in response.url else []))
    await page.goto(f"{live_server.url}/?open={APPID}")
    await wait_until(page, "(window.__hutongLog || []).some((e) => e.kind === 'firstcontent')")
    assert await page.evaluate("Boolean(navigator.serviceWorker.controller)")
    assert blobs and not any(response.from_service_worker for response in blobs)
    assert not HOME_LISTS & set(asked), asked
    # Closing the app shows home, with its lists (the app just opened is on the recent one).
    await page.locator("#close-app").click()
    await expect(page.locator(f'#recent-list button[data-appid="{APPID}"]')).to_be_visible()
    assert set(asked) >= HOME_LISTS
    await context.close()
