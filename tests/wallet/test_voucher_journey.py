"""In Chromium, the payment sheet with a real voucher: the merchant's voucher stock (its budget in the
marketing account) sends the payer a 3.00-off voucher; in the mini program the host's sheet shows the
coupon line preselected and the discounted amount, the PIN pays 15.80 of 18.80, and the mini program
hears requestPayment:ok. (The rules, the ledger, refunds and races are test_voucher_checkout.py's.)"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Browser, expect
from sqlalchemy import select

from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.db import Database
from hutong.server.identity import service as identity
from hutong.server.payments.ids import now, rfc3339
from tests.coupons.world import fund_marketing
from tests.payments.world import MerchantClient
from tests.wallet.conftest import PASSWORD
from tests.wallet.shop import ShopWorld, press, set_pin_and_top_up, shop_world

pytestmark = pytest.mark.browser
__all__ = ["shop_world"]
PIN = "246813"


async def test_the_sheet_pays_with_a_voucher(shop_world: ShopWorld, browser: Browser) -> None:
    server, merchant = shop_world.server, shop_world.merchant
    context = await browser.new_context()
    signup = await context.request.post(
        f"{server.url}/api/accounts/signup", data={"email": "voucher@example.com", "password": PASSWORD}
    )
    assert signup.status == 201
    page = await context.new_page()
    await page.goto(server.url)
    await set_pin_and_top_up(page, PIN, "30")

    database = Database.of_settings(server.settings)
    try:
        async with database.session() as session:
            user_id = await session.scalar(select(User.id).where(User.email == "voucher@example.com"))
            app = await session.scalar(select(App).where(App.appid == merchant.appid))
            assert user_id is not None and app is not None
            openid = await identity.openid_for(session, app, user_id)
        await fund_marketing(database, merchant.mchid, 1_500)
    finally:
        await database.dispose()

    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        shop = MerchantClient(http, merchant.mchid, merchant.serial_no, merchant.private_key_pem, {})

        async def signed(target: str, body: dict[str, Any]) -> dict[str, Any]:
            text = json.dumps(body)
            headers = {
                "Authorization": shop.authorization("POST", target, text),
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
                "belong_merchant": merchant.mchid,
                "available_begin_time": rfc3339(begin),
                "available_end_time": rfc3339(begin + timedelta(days=30)),
                "stock_use_rule": {"max_coupons": 5, "max_amount": 1_500, "max_coupons_per_user": 1},
                "coupon_use_rule": {
                    "fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 1_000}
                },
                "stock_type": "NORMAL",
                "out_request_no": "JOURNEY-FAVOR-1",
            },
        )
        creator = {"stock_creator_mchid": merchant.mchid}
        await signed(f"/v3/marketing/favor/stocks/{stock['stock_id']}/start", creator)
        body = {"stock_id": stock["stock_id"], "out_request_no": "JOURNEY-SEND-1", "appid": merchant.appid}
        await signed(f"/v3/marketing/favor/users/{openid}/coupons", {**body, **creator})

    query = quote(f"base={shop_world.base}&amount=1880", safe="")
    await page.goto(f"{server.url}/?open={merchant.appid}&query={query}")
    view = page.frame_locator("iframe.hutong-page").last
    await view.locator("#pay").click()
    pay = page.locator(".hutong-pay")
    await expect(pay.locator(".hutong-pay-coupon-value")).to_have_text("满10减3 −¥3.00")
    await expect(pay.locator(".hutong-pay-amount")).to_have_text("15.80")
    await expect(pay.locator(".hutong-pay-original")).to_have_text("¥18.80")
    await press(page, PIN)
    await expect(view.locator("#out")).to_have_text("requestPayment:ok")
    wallet = await (await context.request.get(f"{server.url}/api/me/wallet")).json()
    assert wallet["balance_fen"] == 3_000 - 1_580
    mine = await (await context.request.get(f"{server.url}/api/me/coupons")).json()
    assert [coupon["state"] for coupon in mine["coupons"]] == ["USED"]
    await context.close()
