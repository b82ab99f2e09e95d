"""The send-coupon plugin in Chromium (SQLite; the API test covers PostgreSQL): tests/apps/sendcoupon
declares WeChat Pay's plugin and puts its <send-coupon> around a button; a tap opens the host's claim
sheet (outside every frame), the tap on Claim there claims, the page gets `sendcoupon` with WeChat's
send_coupon_result, then `userconfirm`; the coupon is in Wallet → Cards & coupons. A forged sign gets
the page an error and no sheet."""

from __future__ import annotations

import json
import secrets
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Browser, FrameLocator, expect

from hutong.compiler import build_project
from hutong.server.apps import service as apps
from hutong.server.coupons import plugin
from hutong.server.db import Database
from hutong.server.storage import BlobStore
from tests.conftest import TEST_APPS, LiveServer
from tests.coupons.world import busifavor_body
from tests.payments.world import APIV3_KEY
from tests.platform.apiclient import token_for
from tests.test_runtime_consent import out

pytestmark = pytest.mark.browser


async def _merchant_app(server: LiveServer) -> tuple[str, str, str]:
    """(appid, mchid, stock_id): the developer's app runs tests/apps/sendcoupon, bound to a merchant
    with an APIv3 key and a running stock."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        dev = await token_for(client, f"plugin-{secrets.token_hex(4)}@example.com")
        org = (await client.post("/api/orgs", json={"name": "Snacks"}, headers=dev)).json()["id"]
        appid = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Snacks"}, headers=dev)).json()[
            "appid"
        ]
        mchid = (
            await client.post(f"/api/orgs/{org}/merchants", json={"name": "Snack Co"}, headers=dev)
        ).json()["mchid"]
        key = await client.put(
            f"/api/merchants/{mchid}/apiv3-key", json={"apiv3_key": APIV3_KEY}, headers=dev
        )
        assert key.status_code == 200, key.text
        assert (await client.put(f"/api/merchants/{mchid}/apps/{appid}", headers=dev)).status_code == 204
        body = busifavor_body()
        del body["out_request_no"]
        stock = (await client.post(f"/api/merchants/{mchid}/coupon-stocks", json=body, headers=dev)).json()
        await client.post(f"/api/merchants/{mchid}/coupon-stocks/{stock['stock_id']}/start", headers=dev)
    database = Database.of_settings(server.settings)
    try:
        async with database.session() as session:
            await apps.publish(
                session, BlobStore(server.settings.blob_dir), appid=appid, name="Snacks", description="",
                version="1.0.0", build=build_project(TEST_APPS / "sendcoupon"),
            )  # fmt: skip
    finally:
        await database.dispose()
    return appid, mchid, str(stock["stock_id"])


async def test_the_plugin_claims_on_the_hosts_sheet(live_server: LiveServer, browser: Browser) -> None:
    appid, mchid, stock_id = await _merchant_app(live_server)
    params = [{"stock_id": stock_id, "out_request_no": "MINI-1"}]
    good = plugin.sign(params, mchid, APIV3_KEY)
    context = await browser.new_context()
    try:
        signup = await context.request.post(
            f"{live_server.url}/api/accounts/signup",
            data={"email": f"fan-{secrets.token_hex(4)}@example.com", "password": "long enough"},
        )
        assert signup.status == 201
        page = await context.new_page()

        async def opened(sign: str) -> FrameLocator:
            query = quote(f"stock={stock_id}&no=MINI-1&merchant={mchid}&sign={sign}", safe="")
            await page.goto(f"{live_server.url}/?open={appid}&query={query}")
            view = page.frame_locator("iframe.hutong-page").last
            await expect(view.locator("#claim")).to_be_visible()
            return view

        # A forged sign: the page hears why, and no sheet is drawn.
        view = await opened("0" * 64)
        await view.locator("#claim").click()
        assert (await out(view, 0))["errcode"] == "SIGN_ERROR"
        await expect(page.locator(".hutong-send-coupon")).to_have_count(0)

        view = await opened(good)
        await view.locator("#claim").click()
        sheet = page.locator(".hutong-send-coupon")
        await expect(sheet).to_contain_text("¥5 off on ¥20 or more")
        assert await page.evaluate(
            "() => document.querySelector('.hutong-send-coupon').ownerDocument === document"
        )
        for frame in page.frames[1:]:
            assert await frame.evaluate("() => document.querySelector('.hutong-send-coupon') === null")
        await sheet.locator(".hutong-send-coupon-claim").click()
        detail = await out(view, 0)
        [result] = detail["send_coupon_result"]
        assert detail["errcode"] == "OK" and result["code"] == "SUCCESS" and result["stock_id"] == stock_id
        await expect(sheet.locator(".hutong-send-coupon-claim")).to_have_text("立即使用 Use now")
        await sheet.locator(".hutong-send-coupon-claim").click()
        await expect(view.locator("#confirmed")).to_have_text(
            json.dumps({"errcode": "OK", "msg": ""}, separators=(",", ":"))
        )
        await expect(sheet).to_have_count(0)

        mine = await (await context.request.get(f"{live_server.url}/api/me/coupons")).json()
        assert [c["coupon_id"] for c in mine["coupons"]] == [result["coupon_id"]]
    finally:
        await context.close()
