"""examples/snacks runs a coupon campaign in Chromium on SQLite and PostgreSQL, one short journey: the
merchant makes a stock in the console and starts it, prints a poster code for the snacks mini program;
a user scans it (opens its link in the shell), claims on the host's sheet and opens snacks from there;
the cashier types the code shown in Wallet at the store's redemption page with the order total; the
stock's results page counts 1 claimed, 1 redeemed, 1 store visit and the GMV. (The claim inside a
mini program through the send-coupon plugin is tests/coupons/test_send_coupon_browser.py.)"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, expect

from hutong.settings import Settings
from tests.conftest import EXAMPLES, LiveServer, serve
from tests.coupons.campaign import Campaign, campaign

pytestmark = pytest.mark.browser
PASSWORD = "long enough"


@pytest.fixture
async def snacks(tmp_path: Path, database_url: str) -> AsyncIterator[tuple[LiveServer, Campaign]]:
    async with serve(Settings(data_dir=tmp_path, database_url=database_url)) as server:
        yield server, await campaign(server, EXAMPLES / "snacks")


async def test_a_snacks_campaign(snacks: tuple[LiveServer, Campaign], browser: Browser) -> None:
    server, c = snacks
    async with httpx.AsyncClient(base_url=server.url) as client:
        email = (await client.get("/api/accounts/me", headers=c.dev)).json()["email"]
    merchant = await browser.new_context()
    user = await browser.new_context()
    try:
        assert (
            await merchant.request.post(
                f"{server.url}/api/accounts/signin", data={"email": email, "password": PASSWORD}
            )
        ).ok
        console = await merchant.new_page()
        await console.goto(f"{server.url}/console/merchants/{c.mchid}/coupons")
        form = console.locator("#new-stock")
        await form.locator('input[name="name"]').fill("零食节满20减5")
        await form.locator('input[name="amount"]').fill("5")
        await form.locator('input[name="minimum"]').fill("20")
        await form.locator('input[name="days_after"]').fill("7")
        await form.locator(f'input[name="stores"][value="{c.store_id}"]').check()
        await form.locator('button[type="submit"]').click()
        row = console.locator("#stocks tr", has_text="零食节满20减5")
        await row.get_by_role("button", name="Start").click()
        await expect(row.locator(".stock-state")).to_have_text("running")
        stock_id = await row.get_attribute("data-stock-id")
        assert stock_id
        await row.get_by_role("link", name="零食节满20减5").click()
        poster = console.locator("#new-poster")
        await poster.locator('input[name="appid"]').fill(c.appid)
        await poster.locator('input[name="scene"]').fill("poster-gulou")
        await poster.locator('input[name="path"]').fill("pages/index/index")
        await poster.locator('button[type="submit"]').click()
        url = (await console.locator("#poster-url").text_content() or "").strip()
        assert re.search(r"/coupon/c[\w-]+$", url), url

        signup = await user.request.post(
            f"{server.url}/api/accounts/signup",
            data={"email": f"fan-{secrets.token_hex(4)}@example.com", "password": PASSWORD},
        )
        assert signup.ok
        phone = await user.new_page()
        await phone.goto(url)
        await expect(phone.locator("#claim-name")).to_have_text("零食节满20减5")
        await phone.locator("#claim-button").click()
        await expect(phone.locator("#claim-status")).to_have_text("Added to Wallet → Cards & coupons.")
        await phone.locator("#claim-open").click()
        snacks_page = phone.frame_locator("iframe.hutong-page").last
        await expect(snacks_page.locator("body")).to_contain_text("Snack week")
        coupons = await (await user.request.get(f"{server.url}/api/me/coupons")).json()
        [mine] = [entry for entry in coupons["coupons"] if entry["stock_id"] == stock_id]
        code = (
            await (await user.request.get(f"{server.url}/api/me/coupons/{mine['coupon_id']}/code")).json()
        )["code"]

        await console.goto(f"{server.url}/console/stores/{c.store_id}/redeem")
        await console.locator("#code").fill(code)
        await console.locator('input[name="order_total"]').fill("30")
        await console.locator("#code").press("Enter")
        await expect(console.locator("#redeem-result")).to_have_attribute("data-ok", "yes")
        await expect(console.locator("#redeem-result")).to_contain_text("A first visit to this store.")

        await console.goto(f"{server.url}/console/merchants/{c.mchid}/coupons/{stock_id}")
        for figure, value in (("claimed", "1"), ("redeemed", "1"), ("visits", "1"), ("gmv", "¥30.00")):
            await expect(console.locator(f"#{figure}")).to_have_text(value)
    finally:
        await merchant.close()
        await user.close()
