"""Vouchers limited to stores, and store visits from vouchers, on SQLite and PostgreSQL: an order names
the store it is paid at with WeChat's scene_info.store_info.id (JSAPI, Native or a counter's codepay),
the order records it; a voucher stock with available_stores applies only to orders paid at one of
them; paying with it records the store on the voucher, so the merchant's results count a store visit
(a new customer) for the voucher as for a coupon redeemed at the counter."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from hutong.server.payments.ids import now, rfc3339
from hutong.server.payments.models import Order
from tests.coupons.world import fund_marketing
from tests.wallet.conftest import bank
from tests.wallet.test_checkout import Shop
from tests.wallet.test_voucher_checkout import _db, _order, _pay, _send, _start, _stock, shop

__all__ = ["bank", "shop"]


async def test_a_voucher_for_a_store_applies_there_and_counts_a_visit(shop: Shop) -> None:
    client, mchid, dev = shop.client, shop.pw.merchant.mchid, shop.pw.w.dev_a
    base = f"/api/merchants/{mchid}"
    store = (await client.post(f"{base}/stores", json={"name": "Wudaokou"}, headers=dev)).json()
    other = (await client.post(f"{base}/stores", json={"name": "Sanlitun"}, headers=dev)).json()

    # available_stores must name the merchant's own stores.
    begin = now() - timedelta(minutes=1)
    foreign = {
        "stock_name": "满10减3",
        "belong_merchant": mchid,
        "available_begin_time": rfc3339(begin),
        "available_end_time": rfc3339(begin + timedelta(days=30)),
        "stock_use_rule": {"max_coupons": 5, "max_amount": 1_500, "max_coupons_per_user": 5},
        "coupon_use_rule": {
            "fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 1_000},
            "available_stores": [store["id"] + 1000],
        },
        "no_cash": False,
        "stock_type": "NORMAL",
        "out_request_no": "STORES00",
    }
    wrong = await shop.pw.merchant.call("POST", "/v3/marketing/favor/coupon-stocks", foreign)
    assert wrong.status_code == 400 and "不属于该商户" in wrong.json()["message"], wrong.text
    await fund_marketing(_db(shop), mchid, 1_500)
    stock_id = await _stock(
        shop, "STORES01", amount=300, minimum=1_000, count=5, available_stores=[store["id"]]
    )
    assert (await _start(shop, stock_id)).status_code == 200
    query = f"/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={mchid}"
    shown = (await shop.pw.merchant.call("GET", query)).json()
    assert shown["coupon_use_rule"]["available_stores"] == [store["id"]]
    voucher = await _send(shop, stock_id)
    await shop.top_up(5_000)

    def at(store_id: object) -> dict[str, object]:
        return {"scene_info": {"payer_client_ip": "127.0.0.1", "store_info": {"id": str(store_id)}}}

    # Not offered: no store named, another of the merchant's stores, an id that is no store of theirs.
    for extra in ({}, at(other["id"]), at("MY-STORE-7"), at(999_999)):
        _, params = await _order(shop, 1_880, **extra)
        assert (await shop.preview(params)).json()["coupons"] == [], extra
    _, elsewhere = await _order(shop, 1_880, **at(other["id"]))
    refused = await _pay(shop, elsewhere, voucher)
    assert refused.status_code == 409 and refused.json()["code"] == "coupon_not_applicable"

    # Paid at its store: offered, applied, and the order and the voucher know the store.
    out_trade_no, params = await _order(shop, 1_880, **at(store["id"]))
    assert [c["coupon_id"] for c in (await shop.preview(params)).json()["coupons"]] == [voucher]
    paid = await _pay(shop, params, voucher)
    assert paid.status_code == 200, paid.text
    async with _db(shop).session() as session:
        order = await session.scalar(select(Order).where(Order.out_trade_no == out_trade_no))
        assert order is not None and order.store_info_id == str(store["id"])

    report = (await client.get(f"{base}/coupon-stocks/{stock_id}/results", headers=dev)).json()
    assert report["total"]["redeemed"] == 1 and report["total"]["store_visits"] == 1
    assert report["total"]["new_customers"] == 1 and report["total"]["gmv_fen"] == 1_880
    assert [(s["name"], s["store_visits"]) for s in report["stores"]] == [("Wudaokou", 1)]
    overall = (await client.get(f"{base}/coupon-results", headers=dev)).json()["total"]
    assert (overall["redeemed"], overall["store_visits"]) == (1, 1)

    # A counter payment records the store its till names, too.
    code = (await client.post("/api/me/wallet/paycode", headers=shop.csrf)).json()
    body = {
        "appid": shop.pw.w.a1.appid,
        "mchid": mchid,
        "description": "counter",
        "out_trade_no": "C" + secrets.token_hex(6),
        "amount": {"total": 100, "currency": "CNY"},
        "payer": {"auth_code": code.get("code", "")},
        **at(store["id"]),
    }
    counter = await shop.pw.merchant.call("POST", "/v3/pay/transactions/codepay", body)
    async with _db(shop).session() as session:
        recorded = await session.scalar(select(Order).where(Order.out_trade_no == body["out_trade_no"]))
    assert recorded is not None and recorded.store_info_id == str(store["id"]), counter.text
