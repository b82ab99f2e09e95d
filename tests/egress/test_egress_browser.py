"""wx.request, uploadFile and downloadFile in Chromium to a back end that sends no CORS headers: the
origin is on the app's proxy list, so the host relays through the platform and the calls succeed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, allow_domains, open_app
from tests.egress.helpers import egress_platform
from tests.nocors_server import nocors_backend

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LiveServer]:
    async with egress_platform(tmp_path_factory.mktemp("egress-browser"), ["egress"], "127.0.0.1/32") as live:
        yield live


async def test_requests_to_a_server_without_cors_go_through_the_proxy(
    server: LiveServer, browser: Browser
) -> None:
    with nocors_backend() as (base, seen):
        kinds = ("request", "upload", "download")
        await allow_domains(server, "test-egress", {**{k: [base] for k in kinds}, "proxy": [base]})
        app = await open_app(browser, server, "test-egress", "&query=" + quote(f"base={base}", safe=""))
        await app.page.context.add_cookies([{"name": "hutong_probe", "value": "1", "url": server.url}])
        view = app.view()
        await view.locator("#run").click()
        await expect(view.locator("#out")).not_to_be_empty(timeout=20000)
        r = json.loads(await view.locator("#out").text_content() or "")
        assert r["get"] == ["request:ok", 200, "GET", "x=1&a=1", "yes", "Bearer app-own", ""]
        assert r["post"] == [200, '{"a":[1,2]}', "application/json"]
        assert r["redirect"] == [200, "hop=1"]  # followed by the proxy, within the allowed origin
        assert r["cookie"] == [200, "cookie"]
        assert r["upload"] == ["uploadFile:ok", 200, {"note": "hi", "size": len("hello proxy")}]
        assert r["download"] == ["downloadFile:ok", 200, 1000]
        # The back end's Set-Cookie reached the app as data only: the browser stored nothing for it.
        names = {cookie["name"] for cookie in await app.page.context.cookies()}
        assert "backend" not in names
        assert seen.paths.count("/echo") == 3
        await app.page.close()

    # The same back end without the proxy list: the browser refuses the answer (no CORS headers).
    with nocors_backend() as (base, seen):
        await allow_domains(server, "test-egress", {"request": [base], "upload": [base], "download": [base]})
        app = await open_app(browser, server, "test-egress", "&query=" + quote(f"base={base}", safe=""))
        view = app.view()
        await view.locator("#run").click()
        await expect(view.locator("#out")).not_to_be_empty(timeout=20000)
        r = json.loads(await view.locator("#out").text_content() or "")
        assert r["get"][0].startswith("request:fail")
        assert r["upload"][0].startswith("uploadFile:fail")
        assert r["download"][0].startswith("downloadFile:fail")
        await app.page.close()
