"""examples/snacks runs a coupon campaign end to end in Chromium on PostgreSQL (a browser journey: the coupon
and payment APIs it drives run on both databases), as `hutong demo` runs it: the brand's own back end
(examples/snacks-server, a process with the merchant credentials demo_shop seeds) signs the send-coupon
plugin's parameters and makes the orders.

One short journey: the merchant makes a merchant coupon (busifavor) in the console, starts it and prints
a poster code; the campaign's voucher (favor, funded from the marketing account) is made with WeChat's
call. A user claims the merchant coupon from the poster code (its claim page opens snacks), opens snacks
from the campaign link and claims the voucher through `<send-coupon>` on the host's sheet, whose "Use
now" opens the Shop tab; buys dried mango (18.00) there, the payment sheet applying the voucher (pays
15.00), and the back end hears the payment; the cashier types the poster coupon's code at the store's
redemption page with a 30.00 order. The merchant's coupon page, counting every stock together, shows 2
claimed, 2 used, 1 store visit and GMV 48.00 (18.00 + 30.00); the poster stock's own page shows its
1/1/1/30.00."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Browser, expect

from hutong import demo_shop
from hutong.examples import load_examples
from hutong.server.coupons import stores
from hutong.server.db import Database
from hutong.server.embedded import free_port
from hutong.server.funding.sandbox_bank import RunningBank
from hutong.server.payments import merchants
from hutong.server.payments.ids import now, rfc3339
from hutong.server.sealing import Keyring
from hutong.server.storage import BlobStore
from hutong.settings import Settings
from tests.conftest import EXAMPLES, LiveServer, on_databases, serve
from tests.coupons.world import fund_marketing
from tests.payments.world import MerchantClient
from tests.wallet.conftest import bank
from tests.wallet.shop import PASSWORD, press, set_pin_and_top_up

pytestmark = [pytest.mark.browser, on_databases("postgres")]
__all__ = ["bank"]
PIN = "369258"
TOP = ".surface:not([hidden]) iframe.hutong-page:not([hidden])"


@dataclass
class Snacks:
    server: LiveServer
    shop: demo_shop.RunningShop
    owner: str  # the merchant owner's email
    mchid: str
    store_id: int
    voucher: str  # the running voucher stock's id


async def _voucher_stock(server: LiveServer, credentials: dict[str, str]) -> str:
    """满10减3, made and started with WeChat's favor calls, signed with the merchant's key."""
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        mchid = credentials["mchid"]
        merchant = MerchantClient(http, mchid, credentials["serial_no"], credentials["private_key"], {})

        async def signed(target: str, body: dict[str, Any]) -> dict[str, Any]:
            text = json.dumps(body)
            headers = {
                "Authorization": merchant.authorization("POST", target, text),
                "Content-Type": "application/json",
            }
            answer = await http.post(target, content=text.encode(), headers=headers)
            assert answer.status_code == 200, answer.text
            found: dict[str, Any] = answer.json()
            return found

        begin = now() - timedelta(minutes=1)
        stock = await signed(
            "/v3/marketing/favor/coupon-stocks",
            {
                "stock_name": "满10减3",
                "belong_merchant": mchid,
                "available_begin_time": rfc3339(begin),
                "available_end_time": rfc3339(begin + timedelta(days=30)),
                "stock_use_rule": {"max_coupons": 5, "max_amount": 1_500, "max_coupons_per_user": 1},
                "coupon_use_rule": {
                    "fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 1_000}
                },
                "stock_type": "NORMAL",
                "out_request_no": "SNACKS-VOUCHER-1",
            },
        )
        await signed(f"/v3/marketing/favor/stocks/{stock['stock_id']}/start", {"stock_creator_mchid": mchid})
        return str(stock["stock_id"])


@pytest.fixture
async def snacks(tmp_path: Path, database_url: str, bank: RunningBank) -> AsyncIterator[Snacks]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        funding_sandbox_url=bank.url,
        funding_sandbox_api_key=bank.api_key,
        funding_sandbox_webhook_secret=bank.webhook_secret,
        funding_timeout_seconds=2.0,
        egress_allow_networks="127.0.0.1/32",  # as `hutong demo` sets: notifications reach loopback
    )
    only = tmp_path / "examples"
    only.mkdir()
    (only / "snacks").symlink_to(EXAMPLES / "snacks")
    database = Database(settings.effective_database_url, keyring=Keyring.from_settings(settings))
    await load_examples(database, BlobStore(settings.blob_dir), only)
    port = free_port()
    owner = f"snack-owner-{secrets.token_hex(4)}@example.com"
    async with serve(settings) as server:
        credentials = await demo_shop.seed(
            database, server.url, f"http://127.0.0.1:{port}", owner_email=owner, owner_password=PASSWORD,
            appid=demo_shop.SNACKS_APPID, merchant_name=demo_shop.SNACKS_MERCHANT_NAME,
        )  # fmt: skip
        mchid = credentials["mchid"]
        async with database.session() as session:
            merchant = await merchants.by_mchid(session, mchid)
            assert merchant is not None
            store = await stores.create(session, merchant, {"name": "Gulou"})
            store_id = store.id
            await session.commit()
        await fund_marketing(database, mchid, 1_500)
        await database.dispose()
        path = tmp_path / "snacks-merchant.json"
        demo_shop.write_credentials(path, credentials)
        voucher = await _voucher_stock(server, credentials)
        with demo_shop.run_tea_server(EXAMPLES, port, path, script=demo_shop.SNACKS_SERVER_SCRIPT) as shop:
            yield Snacks(server, shop, owner, mchid, store_id, voucher)


async def test_a_snacks_campaign(snacks: Snacks, browser: Browser) -> None:
    server, mchid = snacks.server, snacks.mchid
    merchant = await browser.new_context()
    user = await browser.new_context()
    try:
        # The merchant's coupon for the counter: made and started in the console, printed as a poster.
        assert (
            await merchant.request.post(
                f"{server.url}/api/accounts/signin", data={"email": snacks.owner, "password": PASSWORD}
            )
        ).ok
        console = await merchant.new_page()
        await console.goto(f"{server.url}/console/merchants/{mchid}/coupons")
        form = console.locator("#new-stock")
        await form.locator('input[name="name"]').fill("零食节满20减5")
        await form.locator('input[name="amount"]').fill("5")
        await form.locator('input[name="minimum"]').fill("20")
        await form.locator('input[name="days_after"]').fill("7")
        await form.locator(f'input[name="stores"][value="{snacks.store_id}"]').check()
        await form.locator('button[type="submit"]').click()
        row = console.locator("#stocks tr", has_text="零食节满20减5")
        await row.get_by_role("button", name="Start").click()
        await expect(row.locator(".stock-state")).to_have_text("running")
        stock_id = await row.get_attribute("data-stock-id")
        assert stock_id
        await row.get_by_role("link", name="零食节满20减5").click()
        poster = console.locator("#new-poster")
        await poster.locator('input[name="appid"]').fill(demo_shop.SNACKS_APPID)
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
        errors: list[str] = []
        phone.on("pageerror", lambda error: errors.append(str(error)))
        await phone.goto(server.url)
        await set_pin_and_top_up(phone, PIN, "50")

        # The merchant coupon, claimed from the poster code; the claim page opens snacks.
        await phone.goto(url)
        await expect(phone.locator("#claim-name")).to_have_text("零食节满20减5")
        await phone.locator("#claim-button").click()
        await expect(phone.locator("#claim-status")).to_have_text("Added to Wallet → Cards & coupons.")
        await phone.locator("#claim-open").click()
        await expect(phone.frame_locator(TOP).locator("body")).to_contain_text("Snack week")

        # The back end signs only its own stocks (it asks the platform with its merchant key).
        sign = f"{snacks.shop.url}/api/coupons/sign"
        assert (await user.request.post(sign, data={"stock_id": "99999999"})).status == 400
        # The voucher, claimed in the mini program opened from the campaign link: <send-coupon> with the
        # back end's sign, the host's sheet.
        query = quote(f"backend={snacks.shop.url}&stock={snacks.voucher}", safe="")
        await phone.goto(f"{server.url}/?open={demo_shop.SNACKS_APPID}&query={query}")
        index = phone.frame_locator(TOP)
        await index.locator("#claim-voucher").click()
        sheet = phone.locator(".hutong-send-coupon")
        await expect(sheet).to_contain_text("满10减3")
        await sheet.locator(".hutong-send-coupon-claim").click()
        await expect(index.locator("#voucher-status")).to_contain_text("已领取")

        # "Use now" on the sheet opens the Shop tab. Checkout there: the payment sheet applies the
        # voucher, the back end hears the payment.
        await sheet.locator(".hutong-send-coupon-claim").click()
        await expect(sheet).to_have_count(0)
        shop = phone.frame_locator(TOP)
        await shop.locator("#buy-s2").click()
        pay = phone.locator(".hutong-pay")
        await expect(pay.locator(".hutong-pay-coupon-value")).to_have_text("满10减3 −¥3.00")
        await expect(pay.locator(".hutong-pay-amount")).to_have_text("15.00")
        await press(phone, PIN)
        await expect(shop.locator("#order-status")).to_have_text("已支付 Paid")
        out_trade_no = await shop.locator("#order-id").text_content() or ""
        known = snacks.shop.order(out_trade_no) or {}
        assert (known["status"], known["total"]) == ("paid", 1_800)
        wallet = await (await user.request.get(f"{server.url}/api/me/wallet")).json()
        assert wallet["balance_fen"] == 5_000 - 1_500

        mine = (await (await user.request.get(f"{server.url}/api/me/coupons")).json())["coupons"]
        assert sorted(entry["state"] for entry in mine) == ["SENDED", "USED"]
        [poster_coupon] = [entry for entry in mine if entry["stock_id"] == stock_id]
        code = (
            await (
                await user.request.get(f"{server.url}/api/me/coupons/{poster_coupon['coupon_id']}/code")
            ).json()
        )["code"]

        # At the store: the cashier enters the code the user shows, with the order's total.
        await console.goto(f"{server.url}/console/stores/{snacks.store_id}/redeem")
        await console.locator("#code").fill(code)
        await console.locator('input[name="order_total"]').fill("30")
        await console.locator("#code").press("Enter")
        await expect(console.locator("#redeem-result")).to_have_attribute("data-ok", "yes")
        await expect(console.locator("#redeem-result")).to_contain_text("A first visit to this store.")

        # The merchant's numbers: every stock together, then the poster stock alone.
        await console.goto(f"{server.url}/console/merchants/{mchid}/coupons")
        figures = (("all-claimed", "2"), ("all-used", "2"), ("all-visits", "1"), ("all-gmv", "¥48.00"))
        for figure, value in figures:
            await expect(console.locator(f"#{figure}")).to_have_text(value)
        await console.goto(f"{server.url}/console/merchants/{mchid}/coupons/{stock_id}")
        for figure, value in (("claimed", "1"), ("redeemed", "1"), ("visits", "1"), ("gmv", "¥30.00")):
            await expect(console.locator(f"#{figure}")).to_have_text(value)
        assert errors == []
    finally:
        await merchant.close()
        await user.close()
