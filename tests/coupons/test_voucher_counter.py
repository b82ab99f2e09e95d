"""Vouchers on counter payments (付款码, codepay), on SQLite and PostgreSQL: the till scans the payer's code
and WeChat applies the payer's best usable voucher without asking, as the payment sheet preselects it.
The payer pays the order less the discount; the transaction, its query and TRANSACTION.SUCCESS carry
payer_total and promotion_detail; COUPON.USE reaches the merchant; the voucher is used once; a voucher
for another store is not applied; a full refund gives it back as a JSAPI refund does, and a reversal
gives the payer back only what they paid."""

from __future__ import annotations

import secrets
from typing import Any

import httpx

from hutong.server import outbox
from tests.coupons.world import fund_marketing
from tests.payments.receiver import receiver
from tests.wallet.conftest import bank
from tests.wallet.test_checkout import PIN, Shop
from tests.wallet.test_voucher_checkout import _balance, _db, _decrypt, _refund, _send, _start, _stock, shop

__all__ = ["bank", "shop"]


async def _counter(shop: Shop, total: int, store_id: object, **extra: Any) -> tuple[str, httpx.Response]:
    """A counter payment of ``total`` fen at ``store_id``, the payer's fresh code scanned."""
    code = (await shop.client.post("/api/me/wallet/paycode", headers=shop.csrf)).json()
    out_trade_no = "C" + secrets.token_hex(6)
    body = {
        "appid": shop.pw.w.a1.appid,
        "mchid": shop.pw.merchant.mchid,
        "description": "counter",
        "out_trade_no": out_trade_no,
        "amount": {"total": total, "currency": "CNY"},
        "payer": {"auth_code": code["code"]},
        "scene_info": {"payer_client_ip": "127.0.0.1", "store_info": {"id": str(store_id)}},
        **extra,
    }
    return out_trade_no, await shop.pw.merchant.call("POST", "/v3/pay/transactions/codepay", body)


async def test_a_counter_payment_uses_the_best_voucher_for_its_store(shop: Shop) -> None:
    client, mchid, dev = shop.client, shop.pw.merchant.mchid, shop.pw.w.dev_a
    base = f"/api/merchants/{mchid}"
    store = (await client.post(f"{base}/stores", json={"name": "Wudaokou"}, headers=dev)).json()
    other = (await client.post(f"{base}/stores", json={"name": "Sanlitun"}, headers=dev)).json()
    await fund_marketing(_db(shop), mchid, 3_000)
    small = await _stock(shop, "COUNTER1", amount=200, minimum=1_000, count=5, available_stores=[store["id"]])
    big = await _stock(shop, "COUNTER2", amount=500, minimum=1_000, count=2, available_stores=[other["id"]])
    for stock_id in (small, big):
        assert (await _start(shop, stock_id)).status_code == 200
    voucher, elsewhere = await _send(shop, small), await _send(shop, big)
    await shop.top_up(5_000)
    budget = f"coupon_budget:{small}"

    with receiver(lambda headers, body: (204, b"")) as endpoint:
        callback = {"mchid": mchid, "notify_url": endpoint.url}
        assert (
            await shop.pw.merchant.call("POST", "/v3/marketing/favor/callbacks", callback)
        ).status_code == 200
        # Paid at the voucher's store: the store's voucher is used (the larger one is for Sanlitun).
        out_trade_no, paid = await _counter(shop, 1_880, store["id"], notify_url=endpoint.url)
        assert paid.status_code == 200, paid.text
        assert paid.json()["amount"]["payer_total"] == 1_680
        assert await shop.balance() == 5_000 - 1_680
        assert await _balance(shop, f"merchant_pending:{mchid}") == 1_880
        assert await _balance(shop, budget) == 800
        query = f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={mchid}"
        transaction = (await shop.pw.merchant.call("GET", query)).json()
        assert transaction["trade_type"] == "MICROPAY" and transaction["trade_state"] == "SUCCESS"
        assert transaction["amount"]["payer_total"] == 1_680
        [detail] = transaction["promotion_detail"]
        assert (detail["coupon_id"], detail["stock_id"], detail["amount"]) == (voucher, small, 200)
        assert detail["merchant_contribute"] == 200
        history = (await client.get("/api/me/wallet/history")).json()
        assert (history[0]["kind"], history[0]["amount_fen"]) == ("payment", -1_680)

        # Used once: the next counter payment at that store pays whole.
        _, again = await _counter(shop, 1_880, store["id"])
        assert again.status_code == 200 and "promotion_detail" not in again.json(), again.text
        assert await shop.balance() == 5_000 - 1_680 - 1_880

        sent = await outbox.Worker(
            _db(shop), shop.pw.w.app.state.settings, topics={"payments.notify", "coupons.notify"}
        ).run_once()
        assert sent == 2
        notes = {note["event_type"]: note for note in (_decrypt(r.body) for r in endpoint.received)}
        assert notes["TRANSACTION.SUCCESS"]["promotion_detail"] == [detail]
        assert notes["TRANSACTION.SUCCESS"]["amount"]["payer_total"] == 1_680
        assert notes["COUPON.USE"]["coupon_id"] == voucher
        assert notes["COUPON.USE"]["consume_information"]["transaction_id"] == transaction["transaction_id"]

    # The Sanlitun voucher is still unused: it was never applied at Wudaokou.
    coupons = f"/v3/marketing/favor/users/{shop.pw.openid}/coupons/{{}}?appid={shop.pw.w.a1.appid}"
    assert (await shop.pw.merchant.call("GET", coupons.format(elsewhere))).json()["status"] == "SENDED"
    assert (await shop.pw.merchant.call("GET", coupons.format(voucher))).json()["status"] == "USED"

    # A full refund: the payer gets 16.80, the budget 2.00, and the voucher goes back to the payer.
    before = await shop.balance()
    refund = await _refund(shop, out_trade_no, "CR-1", 1_880, 1_880)
    assert (refund["amount"]["payer_refund"], refund["amount"]["discount_refund"]) == (1_680, 200)
    assert await shop.balance() == before + 1_680
    assert await _balance(shop, budget) == 1_000
    assert (await shop.pw.merchant.call("GET", coupons.format(voucher))).json()["status"] == "SENDED"

    # A reversal (撤销) of a paid counter order with a voucher gives the payer what they paid, and the
    # voucher's part back to its budget.
    before = await shop.balance()
    reversed_no, paid = await _counter(shop, 1_500, store["id"])
    assert paid.json()["amount"]["payer_total"] == 1_300, paid.text
    reverse = await shop.pw.merchant.call(
        "POST",
        f"/v3/pay/transactions/out-trade-no/{reversed_no}/reverse",
        {"appid": shop.pw.w.a1.appid, "mchid": mchid},
    )
    assert reverse.status_code in (200, 204), reverse.text
    assert await shop.balance() == before
    assert await _balance(shop, budget) == 1_000


async def test_a_counter_payment_confirmed_with_the_pin_uses_the_voucher(shop: Shop) -> None:
    """Above the payer's PIN-free limit the order waits for the PIN; confirming it pays less the voucher."""
    client, mchid, dev = shop.client, shop.pw.merchant.mchid, shop.pw.w.dev_a
    store = (
        await client.post(f"/api/merchants/{mchid}/stores", json={"name": "Wudaokou"}, headers=dev)
    ).json()
    await fund_marketing(_db(shop), mchid, 1_000)
    stock_id = await _stock(shop, "COUNTER3", amount=200, minimum=1_000, count=5)
    assert (await _start(shop, stock_id)).status_code == 200
    voucher = await _send(shop, stock_id)
    await shop.top_up(5_000)
    limit = await client.put("/api/me/wallet/counter-limit", json={"pin_free_fen": 0}, headers=shop.csrf)
    assert limit.status_code == 200, limit.text

    out_trade_no, waiting = await _counter(shop, 1_880, store["id"])
    assert waiting.status_code == 202 and waiting.json()["code"] == "USERPAYING", waiting.text
    [pending] = (await client.get("/api/me/wallet/counter")).json()
    assert pending["amount_fen"] == 1_880
    tid = pending["transaction_id"]
    confirmed = await client.post(
        f"/api/me/wallet/counter/{tid}/confirm", json={"pin": PIN}, headers=shop.csrf
    )
    assert confirmed.status_code == 200 and confirmed.json()["balance_fen"] == 5_000 - 1_680, confirmed.text
    query = f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={mchid}"
    transaction = (await shop.pw.merchant.call("GET", query)).json()
    assert transaction["trade_state"] == "SUCCESS" and transaction["amount"]["payer_total"] == 1_680
    assert [d["coupon_id"] for d in transaction["promotion_detail"]] == [voucher]
    assert await _balance(shop, f"coupon_budget:{stock_id}") == 800
