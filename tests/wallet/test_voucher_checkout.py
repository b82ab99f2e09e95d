"""Paying with a voucher (代金券) over HTTP, on SQLite and PostgreSQL: the merchant funds its marketing
account and starts a voucher stock (refused while the account cannot cover the budget), sends vouchers
to the payer, the payment sheet offers the best applicable one, the payer pays the order less its
discount from the wallet, the stock's budget pays the discount, the merchant's pending balance gets the
whole order; the transaction and TRANSACTION.SUCCESS carry payer_total and promotion_detail, COUPON.USE
reaches the merchant's favor callback URL; refunds split between payer and voucher as WeChat does and a
full refund gives the voucher back; the books reconcile. And one voucher cannot pay two orders at once."""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from hutong.server import ledger, outbox
from hutong.server.db import Database
from hutong.server.funding.sandbox_bank import RunningBank
from hutong.server.payments import bills, reconcile
from hutong.server.payments.ids import now, rfc3339
from hutong.server.payments.models import Merchant
from hutong.server.payments.reconcile import beijing_day
from hutong.server.wechatpay import crypto
from tests.payments.receiver import receiver
from tests.payments.world import APIV3_KEY, jsapi_body
from tests.wallet.test_checkout import PIN, Shop, open_shop

LOOPBACK = "127.0.0.0/8"
STOCKS = "/v3/marketing/favor/coupon-stocks"


@pytest.fixture
async def shop(tmp_path: Path, database_url: str, bank: RunningBank) -> AsyncIterator[Shop]:
    async with open_shop(tmp_path, database_url, bank, egress_allow_networks=LOOPBACK) as opened:
        yield opened


def _db(shop: Shop) -> Database:
    database: Database = shop.pw.w.app.state.database
    return database


async def _balance(shop: Shop, account: str) -> int:
    async with _db(shop).session() as session:
        return await ledger.balance(session, account)


async def _settled_money(shop: Shop, fen: int) -> None:
    """The merchant's available balance, as earlier settled days would have left it."""
    async with _db(shop).session() as session:
        await ledger.post(
            session,
            f"test:settled:{secrets.token_hex(4)}",
            "settled earlier",
            [("funding_clearing:test", -fen), (f"merchant_available:{shop.pw.merchant.mchid}", fen)],
        )


async def _fund(shop: Shop, fen: int, key: str) -> httpx.Response:
    return await shop.client.post(
        f"/api/merchants/{shop.pw.merchant.mchid}/marketing",
        json={"amount_fen": fen},
        headers={**shop.pw.w.dev_a, "Idempotency-Key": key},
    )


async def _stock(shop: Shop, number: str, *, amount: int, minimum: int, count: int, **rule: Any) -> str:
    begin = now() - timedelta(minutes=1)
    body = {
        "stock_name": f"满{minimum // 100}减{amount // 100}",
        "belong_merchant": shop.pw.merchant.mchid,
        "available_begin_time": rfc3339(begin),
        "available_end_time": rfc3339(begin + timedelta(days=30)),
        "stock_use_rule": {"max_coupons": count, "max_amount": amount * count, "max_coupons_per_user": 5},
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": amount, "transaction_minimum": minimum}}
        | rule,
        "no_cash": False,
        "stock_type": "NORMAL",
        "out_request_no": number,
    }
    made = await shop.pw.merchant.call("POST", STOCKS, body)
    assert made.status_code == 200, made.text
    return str(made.json()["stock_id"])


async def _start(shop: Shop, stock_id: str) -> httpx.Response:
    body = {"stock_creator_mchid": shop.pw.merchant.mchid}
    return await shop.pw.merchant.call("POST", f"/v3/marketing/favor/stocks/{stock_id}/start", body)


async def _send(shop: Shop, stock_id: str) -> str:
    body = {
        "stock_id": stock_id,
        "out_request_no": "SEND" + secrets.token_hex(6),
        "appid": shop.pw.w.a1.appid,
        "stock_creator_mchid": shop.pw.merchant.mchid,
    }
    sent = await shop.pw.merchant.call("POST", f"/v3/marketing/favor/users/{shop.pw.openid}/coupons", body)
    assert sent.status_code == 200, sent.text
    return str(sent.json()["coupon_id"])


async def _order(shop: Shop, total: int, **extra: Any) -> tuple[str, dict[str, str]]:
    out_trade_no = "V" + secrets.token_hex(8)
    body = jsapi_body(shop.pw, out_trade_no=out_trade_no, total=total, **extra)
    made = await shop.pw.merchant.call("POST", "/v3/pay/transactions/jsapi", body)
    assert made.status_code == 200, made.text
    return out_trade_no, shop.params(made.json()["prepay_id"], shop.pw.w.a1.appid)


async def _pay(shop: Shop, params: dict[str, str], coupon_id: str | None) -> httpx.Response:
    body = {"appid": shop.pw.w.a1.appid, **params, "pin": PIN, "coupon_id": coupon_id}
    return await shop.client.post("/api/me/wallet/payments", json=body, headers=shop.csrf)


async def _refund(shop: Shop, out_trade_no: str, number: str, fen: int, total: int) -> dict[str, Any]:
    body = {
        "out_trade_no": out_trade_no,
        "out_refund_no": number,
        "amount": {"refund": fen, "total": total, "currency": "CNY"},
    }
    made = await shop.pw.merchant.call("POST", "/v3/refund/domestic/refunds", body)
    assert made.status_code == 200, made.text
    worker = outbox.Worker(_db(shop), shop.pw.w.app.state.settings, topics={"payments.refund"})
    assert await worker.run_once() == 1
    done = await shop.pw.merchant.call("GET", f"/v3/refund/domestic/refunds/{number}")
    answer: dict[str, Any] = done.json()
    return answer


def _decrypt(body: bytes) -> dict[str, Any]:
    resource = json.loads(body)["resource"]
    plain = crypto.aes_gcm_decrypt(
        APIV3_KEY.encode(), resource["nonce"], resource["ciphertext"], resource["associated_data"]
    )
    return {"event_type": json.loads(body)["event_type"], **json.loads(plain)}


async def test_paying_with_a_voucher(shop: Shop) -> None:
    mchid = shop.pw.merchant.mchid
    budget_of = "coupon_budget:{}".format
    await _settled_money(shop, 5_000)
    stock_id = await _stock(shop, "FAVOR0001", amount=300, minimum=1_000, count=5)

    # The stock's budget (3.00 × 5) is locked at start: refused while the marketing account is short.
    short = await _start(shop, stock_id)
    assert short.status_code == 403 and short.json()["code"] == "NOT_ENOUGH", short.text
    assert (await _fund(shop, 1_000, "fund-one-0001")).json() == {"marketing_fen": 1_000}
    assert (await _fund(shop, 1_000, "fund-one-0001")).json() == {"marketing_fen": 1_000}  # replayed
    reused = await _fund(shop, 999, "fund-one-0001")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    assert (await _fund(shop, 9_999, "fund-too-much")).json()["code"] == "insufficient_balance"
    assert (await _fund(shop, 500, "fund-two-0002")).json() == {"marketing_fen": 1_500}
    assert (await _start(shop, stock_id)).status_code == 200
    assert await _balance(shop, f"merchant_marketing:{mchid}") == 0
    assert await _balance(shop, budget_of(stock_id)) == 1_500
    balances = (await shop.client.get(f"/api/merchants/{mchid}/balances", headers=shop.pw.w.dev_a)).json()
    assert (balances["available_fen"], balances["marketing_fen"]) == (3_500, 0)

    # A stock for tea only (goods_tag); it applies only to orders that carry the tag.
    await _fund(shop, 1_000, "fund-three-03")
    tea_stock = await _stock(shop, "FAVOR0002", amount=500, minimum=1_000, count=2, goods_tag=["tea"])
    assert (await _start(shop, tea_stock)).status_code == 200

    first, second = await _send(shop, stock_id), await _send(shop, stock_id)
    tea = await _send(shop, tea_stock)
    await shop.top_up(5_000)

    with receiver(lambda headers, body: (204, b"")) as endpoint:
        callback = {"mchid": mchid, "notify_url": endpoint.url}
        assert (
            await shop.pw.merchant.call("POST", "/v3/marketing/favor/callbacks", callback)
        ).status_code == 200
        # Below the minimum: no coupon line. A tea order: the tea voucher is the best.
        _, small = await _order(shop, 800)
        assert (await shop.preview(small)).json()["coupons"] == []
        _, tagged = await _order(shop, 1_880, goods_tag="tea")
        offers = (await shop.preview(tagged)).json()
        assert [offer["coupon_id"] for offer in offers["coupons"]] == [tea, first, second]
        out_trade_no, params = await _order(shop, 1_880, notify_url=endpoint.url)
        preview = (await shop.preview(params)).json()
        assert preview["coupons"] == [
            {"coupon_id": first, "title": "满10减3", "discount_fen": 300},
            {"coupon_id": second, "title": "满10减3", "discount_fen": 300},
        ]
        assert preview["coupon_id"] == first and preview["amount_fen"] == 1_880
        # The tea voucher on an order without the tag: refused, nothing charged, nothing used.
        wrong = await _pay(shop, params, tea)
        assert wrong.status_code == 409 and wrong.json()["code"] == "coupon_not_applicable"
        assert await shop.balance() == 5_000

        paid = await _pay(shop, params, first)
        assert paid.status_code == 200, paid.text
        assert await shop.balance() == 5_000 - 1_580
        assert await _balance(shop, f"merchant_pending:{mchid}") == 1_880  # the whole order
        assert await _balance(shop, budget_of(stock_id)) == 1_200
        query = f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={mchid}"
        transaction = (await shop.pw.merchant.call("GET", query)).json()
        assert transaction["amount"] == {
            "total": 1_880,
            "currency": "CNY",
            "payer_total": 1_580,
            "payer_currency": "CNY",
        }
        detail = {
            "coupon_id": first,
            "name": "满10减3",
            "scope": "GLOBAL",
            "type": "CASH",
            "amount": 300,
            "stock_id": stock_id,
            "wechatpay_contribute": 0,
            "merchant_contribute": 300,
            "other_contribute": 0,
            "currency": "CNY",
        }
        assert transaction["promotion_detail"] == [detail]
        history = (await shop.client.get("/api/me/wallet/history")).json()
        assert (history[0]["kind"], history[0]["amount_fen"]) == ("payment", -1_580)
        mine = (await shop.client.get("/api/me/coupons")).json()["coupons"]
        assert {c["coupon_id"]: c["state"] for c in mine}[first] == "USED"
        coupons = f"/v3/marketing/favor/users/{shop.pw.openid}/coupons/{first}?appid={shop.pw.w.a1.appid}"
        used = (await shop.pw.merchant.call("GET", coupons)).json()
        assert used["status"] == "USED"
        assert used["consume_information"]["transaction_id"] == transaction["transaction_id"]

        # The voucher is spent: it cannot pay another order.
        _, other = await _order(shop, 2_000)
        again = await _pay(shop, other, first)
        assert again.status_code == 409 and again.json()["code"] == "coupon_not_applicable"
        assert await shop.balance() == 5_000 - 1_580

        settings = shop.pw.w.app.state.settings
        sent = await outbox.Worker(
            _db(shop), settings, topics={"payments.notify", "coupons.notify"}
        ).run_once()
        assert sent == 2
        notes = {note["event_type"]: note for note in (_decrypt(r.body) for r in endpoint.received)}
        assert notes["TRANSACTION.SUCCESS"]["amount"]["payer_total"] == 1_580
        assert notes["TRANSACTION.SUCCESS"]["promotion_detail"] == [detail]
        assert notes["COUPON.USE"]["coupon_id"] == first and notes["COUPON.USE"]["status"] == "USED"
        assert notes["COUPON.USE"]["consume_information"]["transaction_id"] == transaction["transaction_id"]

    # Half refunded: the payer gets 9.40 × 15.80 ÷ 18.80 = 7.90, the voucher's budget 1.50; the voucher
    # stays used. The rest: the payer gets what is left of 15.80, the budget the rest of 3.00, and the
    # voucher goes back to the payer.
    half = await _refund(shop, out_trade_no, "VR-1", 940, 1_880)
    assert half["status"] == "SUCCESS"
    assert (half["amount"]["payer_refund"], half["amount"]["discount_refund"]) == (790, 150)
    assert half["amount"]["settlement_refund"] == 940 and half["amount"]["payer_total"] == 1_580
    assert half["promotion_detail"] == [
        {
            "promotion_id": first,
            "scope": "GLOBAL",
            "type": "COUPON",
            "amount": 300,
            "refund_amount": 150,
            "goods_detail": [],
        }
    ]
    assert await shop.balance() == 5_000 - 1_580 + 790
    assert await _balance(shop, budget_of(stock_id)) == 1_350
    # The wallet's history shows what reached the wallet: the payer's part, not the voucher's.
    lines = (await shop.client.get("/api/me/wallet/history")).json()
    assert [(e["amount_fen"], e["state"]) for e in lines if e["kind"] == "refund"] == [(790, "succeeded")]
    assert (await shop.pw.merchant.call("GET", coupons)).json()["status"] == "USED"
    rest = await _refund(shop, out_trade_no, "VR-2", 940, 1_880)
    assert (rest["amount"]["payer_refund"], rest["amount"]["discount_refund"]) == (790, 150)
    assert await shop.balance() == 5_000
    assert await _balance(shop, budget_of(stock_id)) == 1_500
    assert (await shop.pw.merchant.call("GET", coupons)).json()["status"] == "SENDED"
    assert await _balance(shop, f"merchant_pending:{mchid}") == 0

    # Stopping the stock gives its unspent budget back to the marketing account.
    stop = await shop.client.post(
        f"/api/merchants/{mchid}/coupon-stocks/{stock_id}/stop", headers=shop.pw.w.dev_a
    )
    assert stop.status_code == 200, stop.text
    assert await _balance(shop, budget_of(stock_id)) == 0
    assert await _balance(shop, f"merchant_marketing:{mchid}") == 1_500
    _, after = await _order(shop, 1_880)
    assert [o["coupon_id"] for o in (await shop.preview(after)).json()["coupons"]] == []

    async with _db(shop).session() as session:
        report = await reconcile.reconcile(session)
        merchant = await session.scalar(select(Merchant).where(Merchant.mchid == mchid))
        assert merchant is not None
        bill = (
            await bills.trade_bill(session, bills.Scope(merchant, None), beijing_day(now()), "ALL")
        ).decode()
    assert report.findings == [] and report.orders_checked == 1 and report.refunds_checked == 2
    # The trade bill: 应结订单金额 18.80 and 代金券金额 3.00 on the payment; 充值券退款金额 on each refund.
    lines = bill.split("\r\n")
    paid_row = next(line.split(",") for line in lines if f"`{out_trade_no}" in line and "`SUCCESS" in line)
    assert (paid_row[12], paid_row[13]) == ("`18.80", "`3.00")
    refund_rows = [line.split(",") for line in lines if "`REFUND" in line]
    assert sorted((row[16], row[17]) for row in refund_rows) == [("`9.40", "`1.50"), ("`9.40", "`1.50")]
    assert lines[-2].split(",")[3] == "`3.00"  # 充值券退款总金额


async def test_one_voucher_cannot_pay_two_orders_at_once(shop: Shop) -> None:
    await _settled_money(shop, 1_000)
    await _fund(shop, 1_000, "fund-race-001")
    stock_id = await _stock(shop, "FAVORRACE1", amount=500, minimum=1_000, count=2)
    assert (await _start(shop, stock_id)).status_code == 200
    coupon = await _send(shop, stock_id)
    await shop.top_up(20_000)
    # Four at once: a PIN counts each try in flight (wallet/pin.py), and five lock it.
    orders = [await _order(shop, 1_880) for _ in range(4)]
    answers = await asyncio.gather(*(_pay(shop, params, coupon) for _, params in orders))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [409] * 3, [answer.text for answer in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"coupon_not_applicable"}
    assert await shop.balance() == 20_000 - 1_380  # one order paid, with the discount, once
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 500
    async with _db(shop).session() as session:
        report = await reconcile.reconcile(session)
        assert await ledger.verify(session) == []
    assert report.findings == [] and report.orders_checked == 1


async def test_concurrent_refunds_of_a_voucher_order(shop: Shop) -> None:
    """Twenty refunds of 2.00 at once on 18.80 paid with a 3.00 voucher: nine are accepted (never more
    than was paid), and together they give the payer no more than 15.80 and the voucher no more than
    3.00; the books reconcile."""
    await _settled_money(shop, 1_000)
    await _fund(shop, 1_000, "fund-refunds-1")
    stock_id = await _stock(shop, "FAVORREF01", amount=300, minimum=1_000, count=3)
    assert (await _start(shop, stock_id)).status_code == 200
    coupon = await _send(shop, stock_id)
    await shop.top_up(5_000)
    out_trade_no, params = await _order(shop, 1_880)
    assert (await _pay(shop, params, coupon)).status_code == 200

    async def refund(number: int) -> httpx.Response:
        body = {
            "out_trade_no": out_trade_no,
            "out_refund_no": f"VRC-{number}",
            "amount": {"refund": 200, "total": 1_880, "currency": "CNY"},
        }
        return await shop.pw.merchant.call("POST", "/v3/refund/domestic/refunds", body)

    answers = await asyncio.gather(*(refund(n) for n in range(20)))
    accepted = [a.json() for a in answers if a.status_code == 200]
    assert len(accepted) == 9, [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code != 200} == {"NOT_ENOUGH"}
    worker = outbox.Worker(_db(shop), shop.pw.w.app.state.settings, topics={"payments.refund"})
    while await worker.run_once():
        pass
    to_payer = sum(a["amount"]["payer_refund"] for a in accepted)
    to_voucher = sum(a["amount"]["discount_refund"] for a in accepted)
    assert to_payer + to_voucher == 1_800 and to_payer <= 1_580 and to_voucher <= 300
    assert await shop.balance() == 5_000 - 1_580 + to_payer
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 600 + to_voucher
    async with _db(shop).session() as session:
        report = await reconcile.reconcile(session)
    assert report.findings == [] and report.refunds_checked == 9


async def test_an_ended_voucher_stock_gives_its_budget_back(shop: Shop) -> None:
    """The hourly job finds a voucher stock past its end date: expired, its unspent budget back in the
    marketing account, its vouchers no longer offered; a second run changes nothing."""
    from sqlalchemy import update

    from hutong.server.coupons import expiry
    from hutong.server.coupons.models import Stock

    mchid = shop.pw.merchant.mchid
    await _settled_money(shop, 1_000)
    await _fund(shop, 1_000, "fund-expiry-1")
    stock_id = await _stock(shop, "FAVOREXP01", amount=200, minimum=1_000, count=5)
    assert (await _start(shop, stock_id)).status_code == 200
    await _send(shop, stock_id)
    assert await _balance(shop, f"merchant_marketing:{mchid}") == 0
    async with _db(shop).session() as session:
        await session.execute(
            update(Stock).where(Stock.stock_id == stock_id).values(ends_at=now() - timedelta(seconds=1))
        )
    assert await expiry.expire(_db(shop)) == 1
    assert await expiry.expire(_db(shop)) == 0
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 0
    assert await _balance(shop, f"merchant_marketing:{mchid}") == 1_000
    detail = f"/v3/marketing/favor/stocks/{stock_id}?stock_creator_mchid={mchid}"
    assert (await shop.pw.merchant.call("GET", detail)).json()["status"] == "stoped"
    _, params = await _order(shop, 1_880)
    assert (await shop.preview(params)).json()["coupons"] == []
