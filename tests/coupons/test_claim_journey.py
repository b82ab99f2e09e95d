"""A poster's coupon in Chromium (SQLite; the API tests cover PostgreSQL): a merchant makes a stock and
a poster code; a signed-in user opens the code's link in the shell, claims on the host's claim sheet,
finds the coupon in Wallet → Cards & coupons and shows its code (the QR reads back as the digits shown);
a cashier redeems it at the store and the shown code turns into "Used"."""

from __future__ import annotations

import io
import secrets

import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer
from tests.coupons.world import busifavor_body
from tests.platform.apiclient import token_for

pytestmark = pytest.mark.browser
PASSWORD = "long enough"


async def _campaign(server: LiveServer) -> tuple[str, int, dict[str, str], str]:
    """(the claim token, the store id, the owner's headers, the stock's name)."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        dev = await token_for(client, f"snacks-{secrets.token_hex(4)}@example.com")
        org = (await client.post("/api/orgs", json={"name": "Snacks"}, headers=dev)).json()["id"]
        appid = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Snacks"}, headers=dev)).json()[
            "appid"
        ]
        mchid = (
            await client.post(f"/api/orgs/{org}/merchants", json={"name": "Snack Co"}, headers=dev)
        ).json()["mchid"]
        assert (await client.put(f"/api/merchants/{mchid}/apps/{appid}", headers=dev)).status_code == 204
        store = (
            await client.post(f"/api/merchants/{mchid}/stores", json={"name": "Gulou"}, headers=dev)
        ).json()
        body = busifavor_body()
        del body["out_request_no"]
        stock = (await client.post(f"/api/merchants/{mchid}/coupon-stocks", json=body, headers=dev)).json()
        await client.post(f"/api/merchants/{mchid}/coupon-stocks/{stock['stock_id']}/start", headers=dev)
        link = await client.post(
            f"/api/merchants/{mchid}/coupon-stocks/{stock['stock_id']}/claim-links",
            json={"appid": appid, "scene": "poster-gulou"},
            headers=dev,
        )
        assert link.status_code == 201, link.text
        return link.json()["token"], int(store["id"]), dev, str(stock["name"])


async def test_claim_from_a_poster_and_show_the_code(live_server: LiveServer, browser: Browser) -> None:
    token, store_id, owner, name = await _campaign(live_server)
    context = await browser.new_context()
    try:
        signup = await context.request.post(
            f"{live_server.url}/api/accounts/signup",
            data={"email": f"fan-{secrets.token_hex(4)}@example.com", "password": PASSWORD},
        )
        assert signup.status == 201
        page = await context.new_page()
        await page.goto(f"{live_server.url}/coupon/{token}")
        sheet = page.locator("#claim-sheet")
        await expect(sheet.locator("#claim-name")).to_have_text(name)
        await expect(sheet).to_contain_text("¥5 off on ¥20 or more")
        await sheet.locator("#claim-button").click()
        await expect(sheet.locator("#claim-status")).to_have_text("Added to Wallet → Cards & coupons.")
        await sheet.get_by_role("button", name="Done").click()

        await page.locator("#wallet").click()
        coupons = page.locator("#wallet-coupons")
        await expect(coupons).to_contain_text(name)
        await coupons.get_by_role("button", name="Use").click()
        digits = (await page.locator(".wallet-coupon-digits").text_content() or "").replace(" ", "")
        assert len(digits) == 26 and digits.isdigit()
        shot = await page.get_by_alt_text("Coupon QR code").screenshot()
        assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))] == [digits]

        # The cashier scans it; the user's screen says so within a few seconds.
        async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as client:
            done = await client.post(
                f"/api/stores/{store_id}/redemptions", json={"code": digits}, headers=owner
            )
            assert done.status_code == 200, done.text
        await expect(page.locator(".wallet-coupon-done")).to_have_text("Used", timeout=15_000)
    finally:
        await context.close()
