"""Hostile mini program (tests/apps/hostile-network) against the network allow-list and the egress
proxy, in Chromium: each attempt to reach somewhere off its lists must fail, and the servers it aimed
at must have received nothing."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, OpenedApp, allow_domains, open_app
from tests.egress.helpers import egress_platform
from tests.nocors_server import Received, nocors_backend

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = [pytest.mark.browser, pytest.mark.fresh_context]

APPID = "test-hostile-network"
METADATA = "http://169.254.169.254"


@dataclass
class Targets:
    allowed: str  # on the request, upload, download and socket lists; CORS on; not proxied
    proxied: str  # on the request and proxy lists; no CORS
    private: str  # on the request and proxy lists, but on 127.0.0.2 (outside the proxy's override)
    offlist: str  # on no list; CORS on, so only the allow-list stands between it and the app
    private_seen: Received
    offlist_seen: Received
    allowed_seen: Received

    def query(self) -> str:
        params = {
            "allowed": self.allowed,
            "proxied": self.proxied,
            "private": self.private,
            "offlist": self.offlist,
        }
        return "&query=" + quote(urlencode(params), safe="")


@pytest.fixture(scope="module")
def targets() -> Iterator[Targets]:
    with (
        nocors_backend(cors=True) as (allowed, allowed_seen),
        nocors_backend() as (proxied, _),
        nocors_backend("127.0.0.2") as (private, private_seen),
        nocors_backend(cors=True) as (offlist, offlist_seen),
    ):
        yield Targets(allowed, proxied, private, offlist, private_seen, offlist_seen, allowed_seen)


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory, targets: Targets) -> AsyncIterator[LiveServer]:
    directory = tmp_path_factory.mktemp("hostile-network")
    async with egress_platform(directory, ["hostile-network"], "127.0.0.1/32") as live:
        t = targets
        await allow_domains(
            live,
            APPID,
            {
                "request": [t.allowed, t.proxied, t.private, METADATA],
                "upload": [t.allowed],
                "download": [t.allowed],
                "socket": [t.allowed.replace("http:", "ws:")],
                "proxy": [t.proxied, t.private, METADATA],
            },
        )
        yield live


async def run(browser: Browser, server: LiveServer, targets: Targets, button: str) -> tuple[OpenedApp, Any]:
    app = await open_app(browser, server, APPID, targets.query())
    view = app.view()
    await view.locator(f"#{button}").click()
    await expect(view.locator("#out")).not_to_be_empty(timeout=30000)
    return app, json.loads(await view.locator("#out").text_content() or "")


async def test_hostile_network_calls_off_the_lists_fail(
    server: LiveServer, browser: Browser, targets: Targets
) -> None:
    targets.offlist_seen.paths.clear()
    targets.private_seen.paths.clear()
    targets.allowed_seen.paths.clear()
    app, r = await run(browser, server, targets, "attempts")
    off = targets.offlist
    # (a) wx.request: off the list; https://allowed@offlist; a redirect from an allowed server (CORS on)
    # to the off-list one, which the host does not follow; the same host under another scheme.
    assert r["offList"].startswith(f"request:fail url not in domain list: {off} ")
    assert r["userinfo"].startswith("request:fail invalid url")
    assert r["directRedirect"].startswith("request:fail redirect refused")
    assert r["httpsTwin"].startswith("request:fail url not in domain list")
    assert r["aliasHost"].startswith("request:fail url not in domain list: http://localhost:")
    # (b) uploadFile, downloadFile, connectSocket.
    assert r["upload"].startswith(f"uploadFile:fail url not in domain list: {off} ")
    assert r["download"].startswith(f"downloadFile:fail url not in domain list: {off} ")
    socket = off.replace("http:", "ws:")
    assert r["socket"].startswith(f"connectSocket:fail url not in domain list: {socket} ")
    # (c) a private address through the proxy, although the developer listed it; the metadata address.
    assert "egress_address_refused" in r["proxyPrivate"], r["proxyPrivate"]
    assert "egress_address_refused" in r["proxyMetadata"], r["proxyMetadata"]
    # (d) a redirect from an allowed, proxied server to the private one and to the off-list one.
    assert "egress_redirect_refused" in r["proxyRedirectPrivate"], r["proxyRedirectPrivate"]
    assert "egress_redirect_refused" in r["proxyRedirectOffList"], r["proxyRedirectOffList"]
    # (e) the logic thread has no network API of its own, and none comes back through prototypes.
    assert r["globals"] == ["undefined"] * 6
    for name in ("fetch", "xhr", "websocket", "prototype", "scopeProto", "viaFunction", "nestedWorker"):
        assert r[name].startswith("failed"), (name, r[name])
    # Nothing arrived where the app aimed.
    assert targets.offlist_seen.paths == []
    assert targets.private_seen.paths == []
    assert targets.allowed_seen.paths == ["/redirect"]  # the redirect it answered, and nothing else
    await app.page.close()


async def test_hostile_network_worker_dynamic_import_fails(
    server: LiveServer, browser: Browser, targets: Targets
) -> None:
    targets.offlist_seen.paths.clear()
    app, r = await run(browser, server, targets, "import")
    await app.page.close()
    assert r["dynamicImport"].startswith("failed"), r["dynamicImport"]
    assert targets.offlist_seen.paths == []
