"""Coupon test helpers on top of the payments world: WeChat bodies for stocks, and a merchant client."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hutong.server import ledger
from hutong.server.db import Database
from hutong.server.payments.ids import now, rfc3339
from tests.payments.world import PayWorld

STOCKS = "/v3/marketing/busifavor/stocks"


def busifavor_body(number: str = "S20261206000001", **send_rule: Any) -> dict[str, Any]:
    begin = now() - timedelta(minutes=1)
    return {
        "stock_name": "到店立减5元",
        "belong_merchant": "",
        "goods_name": "全场通用",
        "stock_type": "NORMAL",
        "coupon_use_rule": {
            "coupon_available_time": {
                "available_begin_time": rfc3339(begin),
                "available_end_time": rfc3339(begin + timedelta(days=30)),
                "available_day_after_receive": 7,
            },
            "fixed_normal_coupon": {"discount_amount": 500, "transaction_minimum": 2000},
            "use_method": "OFF_LINE",
        },
        "stock_send_rule": {"max_coupons": 100, "max_coupons_per_user": 1, **send_rule},
        "out_request_no": number,
        "coupon_code_mode": "WECHATPAY_MODE",
    }


async def make_stock(pw: PayWorld, number: str = "S20261206000001", **send_rule: Any) -> str:
    body = busifavor_body(number, **send_rule)
    body["belong_merchant"] = pw.merchant.mchid
    made = await pw.merchant.call("POST", STOCKS, body)
    assert made.status_code == 200, made.text
    return str(made.json()["stock_id"])


async def send(pw: PayWorld, stock_id: str, number: str, openid: str | None = None) -> Any:
    body = {
        "stock_id": stock_id,
        "out_request_no": number,
        "appid": pw.w.a1.appid,
        "stock_creator_mchid": pw.merchant.mchid,
    }
    return await pw.merchant.call("POST", f"/v3/marketing/favor/users/{openid or pw.openid}/coupons", body)


async def fund_marketing(database: Database, mchid: str, fen: int) -> None:
    """Money in the merchant's marketing account, which a voucher stock's start locks (coupons/budget.py;
    the console's funding route is tests/wallet/test_voucher_checkout.py's)."""
    async with database.session() as session:
        await ledger.post(
            session,
            f"test:marketing:{mchid}:{fen}",
            "marketing funds",
            [("funding_clearing:test", -fen), (f"merchant_marketing:{mchid}", fen)],
        )
