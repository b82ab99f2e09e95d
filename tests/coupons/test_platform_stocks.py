"""Platform-funded vouchers over HTTP, on SQLite and PostgreSQL: only an operator makes one; starting it
locks its budget from the platform's marketing account (no merchant's money); it is sent to a user by
appid and openid; a payment to a merchant it names uses it, the merchant still receives the whole
order from the stock's budget and promotion_detail shows WeChat Pay's contribution; a stock that names
other merchants does not apply; no merchant can query it; stopping it gives the rest back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from hutong.server.accounts.service import set_operator_role
from hutong.server.payments.ids import now, rfc3339
from tests.platform.apiclient import token_for
from tests.wallet.conftest import bank
from tests.wallet.test_checkout import Shop
from tests.wallet.test_voucher_checkout import _balance, _db, _order, _pay, shop

__all__ = ["bank", "shop"]
STOCKS = "/api/operator/coupon-stocks"


def _body(number: str, available: list[str]) -> dict[str, Any]:
    begin = now() - timedelta(minutes=1)
    return {
        "stock_name": "平台满10减3",
        "available_begin_time": rfc3339(begin),
        "available_end_time": rfc3339(begin + timedelta(days=30)),
        "stock_use_rule": {"max_coupons": 10, "max_amount": 3_000, "max_coupons_per_user": 5},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 1_000}},
        "no_cash": False,
        "stock_type": "NORMAL",
        "out_request_no": number,
        "available_merchants": available,
    }


async def test_a_platform_voucher_pays_part_of_a_merchants_order(shop: Shop) -> None:
    client, mchid = shop.client, shop.pw.merchant.mchid
    refused = await client.post(STOCKS, json=_body("P1", [mchid]), headers=shop.pw.w.dev_a)
    assert refused.status_code == 403 and refused.json()["code"] == "operators_only"
    signed_in = httpx.Cookies(client.cookies)  # token_for signs the payer's cookie out: keep it
    operator = await token_for(client, "operator@example.com")
    client.cookies = signed_in
    async with _db(shop).session() as session:
        await set_operator_role(session, "operator@example.com", "admin")
        await session.commit()

    made = await client.post(STOCKS, json=_body("P1", [mchid]), headers=operator)
    assert made.status_code == 201, made.text
    stock_id = made.json()["stock_id"]
    assert made.json()["state"] == "draft" and made.json()["funded_by"] == "platform"
    assert (await client.post(STOCKS, json=_body("P1", [mchid]), headers=operator)).json()[
        "stock_id"
    ] == stock_id
    elsewhere = (await client.post(STOCKS, json=_body("P2", ["1999999999"]), headers=operator)).json()
    for made_id in (stock_id, elsewhere["stock_id"]):
        started = await client.post(f"{STOCKS}/{made_id}/start", headers=operator)
        assert started.status_code == 200 and started.json()["state"] == "running", started.text
    assert await _balance(shop, "platform_marketing") == -6_000
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 3_000
    assert await _balance(shop, f"merchant_marketing:{mchid}") == 0

    # No merchant owns it.
    query = f"/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={mchid}"
    assert (await shop.pw.merchant.call("GET", query)).status_code == 404

    async def send(stock: str, number: str) -> str:
        body = {"appid": shop.pw.w.a1.appid, "openid": shop.pw.openid, "out_request_no": number}
        sent = await client.post(f"{STOCKS}/{stock}/send", json=body, headers=operator)
        assert sent.status_code == 200, sent.text
        return str(sent.json()["coupon_id"])

    mine, theirs = await send(stock_id, "S1"), await send(elsewhere["stock_id"], "S2")
    await shop.top_up(5_000)
    out_trade_no, params = await _order(shop, 1_880)
    offered = (await shop.preview(params)).json()["coupons"]
    assert [offer["coupon_id"] for offer in offered] == [mine]  # not the other merchants' stock
    wrong = await _pay(shop, params, theirs)
    assert wrong.status_code == 409 and wrong.json()["code"] == "coupon_not_applicable"
    paid = await _pay(shop, params, mine)
    assert paid.status_code == 200, paid.text
    assert await shop.balance() == 5_000 - 1_580
    assert await _balance(shop, f"merchant_pending:{mchid}") == 1_880  # the whole order
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 2_700
    transaction = (
        await shop.pw.merchant.call("GET", f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={mchid}")
    ).json()
    [detail] = transaction["promotion_detail"]
    assert (detail["wechatpay_contribute"], detail["merchant_contribute"], detail["amount"]) == (300, 0, 300)

    stopped = await client.post(f"{STOCKS}/{stock_id}/stop", headers=operator)
    assert stopped.status_code == 200 and stopped.json()["state"] == "stopped"
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 0
    assert await _balance(shop, "platform_marketing") == -3_000 - 300
    listed = (await client.get(STOCKS, headers=operator)).json()
    assert {row["stock_id"]: row["used"] for row in listed} == {stock_id: 1, elsewhere["stock_id"]: 0}
