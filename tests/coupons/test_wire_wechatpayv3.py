"""Wire compatibility: the PyPI package wechatpayv3, unchanged, runs a coupon campaign against Hutong
through `hutong pay gateway` (the payments wire test's set-up: a live platform on a loopback port).
Merchant coupons (busifavor): create, query, callback URL, a user's coupons, use, return; vouchers
(favor): create, start, send to an openid, pause, query."""

from __future__ import annotations

import json
from datetime import timedelta

from hutong.server.db import Database
from hutong.server.payments.ids import now, rfc3339
from tests.coupons.world import fund_marketing
from tests.payments.test_wire_wechatpayv3 import Shop, _sync, shop, trust_gateway

__all__ = ["shop", "trust_gateway"]  # the payments wire test's fixtures, used here too


async def test_a_coupon_campaign_through_the_sdk(shop: Shop) -> None:
    sdk = await _sync(shop.sdk, public_key_mode=True)
    begin = now() - timedelta(minutes=1)
    code, message = await _sync(
        sdk.marketing_busifavor_stock_create,
        stock_name="到店立减5元",
        belong_merchant=shop.mchid,
        goods_name="全场通用",
        stock_type="NORMAL",
        coupon_use_rule={
            "coupon_available_time": {
                "available_begin_time": rfc3339(begin),
                "available_end_time": rfc3339(begin + timedelta(days=30)),
            },
            "fixed_normal_coupon": {"discount_amount": 500, "transaction_minimum": 2000},
            "use_method": "OFF_LINE",
        },
        stock_send_rule={"max_coupons": 10, "max_coupons_per_user": 1},
        out_request_no="WIRE-STOCK-1",
        coupon_code_mode="WECHATPAY_MODE",
    )
    assert code == 200, message
    stock_id = json.loads(message)["stock_id"]
    code, message = await _sync(sdk.marketing_busifavor_stock_query, stock_id=stock_id)
    assert code == 200 and json.loads(message)["stock_state"] == "RUNNING"
    code, message = await _sync(
        sdk.marketing_busifavor_callback_update, notify_url="https://shop.example.com/coupon/notify"
    )
    assert code == 200, message
    code, message = await _sync(sdk.marketing_busifavor_callback_query)
    assert json.loads(message)["notify_url"] == "https://shop.example.com/coupon/notify"

    # Sent to the user by the merchant's server (the voucher send call names any of its stocks).
    code, message = await _sync(
        sdk.marketing_favor_stock_send,
        stock_id=stock_id,
        openid=shop.openid,
        out_request_no="WIRE-SEND-1",
        stock_creator_mchid=shop.mchid,
    )
    assert code == 200 and json.loads(message)["coupon_id"], message
    code, message = await _sync(sdk.marketing_busifavor_user_coupon, openid=shop.openid, stock_id=stock_id)
    assert code == 200 and json.loads(message)["total_count"] == 1
    coupon_code = json.loads(message)["data"][0]["coupon_code"]
    code, message = await _sync(
        sdk.marketing_busifavor_coupon_detail, coupon_code=coupon_code, openid=shop.openid
    )
    assert code == 200 and json.loads(message)["coupon_state"] == "SENDED"

    use = {
        "coupon_code": coupon_code,
        "stock_id": stock_id,
        "use_time": rfc3339(now()),
        "use_request_no": "WIRE-USE-1",
    }
    code, message = await _sync(sdk.marketing_busifavor_coupon_use, **use)
    assert code == 200 and json.loads(message)["openid"] == shop.openid, message
    code, message = await _sync(sdk.marketing_busifavor_coupon_use, **{**use, "use_request_no": "WIRE-USE-2"})
    assert code == 400 and "券已被其他订单核销" in json.loads(message)["message"]
    code, message = await _sync(
        sdk.marketing_busifavor_coupon_return,
        coupon_code=coupon_code,
        stock_id=stock_id,
        return_request_no="WIRE-RET-1",
    )
    assert code == 200 and "wechatpay_return_time" in json.loads(message)

    # Vouchers: made, started, sent, paused.
    code, message = await _sync(
        sdk.marketing_favor_stock_create,
        stock_name="满20减3",
        belong_merchant=shop.mchid,
        available_begin_time=rfc3339(begin),
        available_end_time=rfc3339(begin + timedelta(days=30)),
        stock_use_rule={"max_coupons": 5, "max_amount": 1500, "max_coupons_per_user": 1},
        coupon_use_rule={"fixed_normal_coupon": {"coupon_amount": 300, "transaction_minimum": 2000}},
        out_request_no="WIRE-FAVOR-1",
    )
    assert code == 200, message
    favor_id = json.loads(message)["stock_id"]
    database = Database.of_settings(shop.server.settings)
    try:
        await fund_marketing(database, shop.mchid, 1_500)  # what the start locks
    finally:
        await database.dispose()
    code, message = await _sync(
        sdk.marketing_favor_stock_start, stock_creator_mchid=shop.mchid, stock_id=favor_id
    )
    assert code == 200, message
    code, message = await _sync(
        sdk.marketing_favor_stock_send,
        stock_id=favor_id,
        openid=shop.openid,
        out_request_no="WIRE-SEND-2",
        stock_creator_mchid=shop.mchid,
    )
    assert code == 200, message
    code, message = await _sync(
        sdk.marketing_favor_stock_pause, stock_creator_mchid=shop.mchid, stock_id=favor_id
    )
    assert code == 200
    code, message = await _sync(
        sdk.marketing_favor_stock_detail, stock_creator_mchid=shop.mchid, stock_id=favor_id
    )
    assert json.loads(message)["status"] == "paused" and json.loads(message)["distributed_coupons"] == 1
    code, message = await _sync(sdk.marketing_favor_user_coupon, openid=shop.openid, stock_id=favor_id)
    assert code == 200 and json.loads(message)["data"][0]["status"] == "SENDED"
