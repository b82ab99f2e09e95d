"""Counter payments (付款码) on SQLite and PostgreSQL: the till submits the code the payer's wallet shows
(POST /v3/pay/transactions/codepay); small amounts pay at once, above the PIN-free limit the order is
USERPAYING until the payer confirms with the PIN (the till polls the query API); reversal returns the
money exactly once; a reused, expired or unknown code writes nothing; concurrent submissions of one
code pay once; two simultaneous creates of one out_trade_no make one order."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hutong.server import ledger
from hutong.server.db import Database
from hutong.server.payments.models import Order
from hutong.server.wallet import paycodes
from hutong.server.wallet.models import WalletPayment
from tests.payments.test_money import _balance, _fund, _user_id
from tests.payments.world import PayWorld, jsapi_body, pay_world

PIN = "135790"


def code_body(pw: PayWorld, code: str, number: str, total: int, **extra: Any) -> dict[str, Any]:
    return {
        "appid": pw.w.a1.appid,
        "mchid": pw.merchant.mchid,
        "description": "门店 珍珠奶茶",
        "out_trade_no": number,
        "payer": {"auth_code": code},
        "amount": {"total": total, "currency": "CNY"},
        "scene_info": {"device_id": "till-1", "store_info": {"id": "0001"}},
        **extra,
    }


async def _code(db: Database, user_id: int) -> str:
    async with db.session() as session:
        code, _ = await paycodes.issue(session, user_id)
    return code


async def _orders(db: Database) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def _query(pw: PayWorld, number: str) -> dict[str, Any]:
    answer = await pw.merchant.call(
        "GET", f"/v3/pay/transactions/out-trade-no/{number}?mchid={pw.merchant.mchid}"
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def _verified(db: Database) -> None:
    async with db.session() as session:
        assert await ledger.verify(session) == []


async def test_a_small_counter_payment_pays_at_once_and_reverses_once(
    tmp_path: Path, database_url: str
) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        user_id = await _user_id(db)
        wallet, pending = f"user_wallet:{user_id}", f"merchant_pending:{pw.merchant.mchid}"
        await _fund(db, user_id, 5000)
        code = await _code(db, user_id)

        paid = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, code, "C000001", 1880)
        )
        assert paid.status_code == 200, paid.text
        body = paid.json()
        assert body["trade_state"] == "SUCCESS" and body["trade_type"] == "MICROPAY"
        assert body["payer"]["openid"] == pw.openid and body["amount"]["payer_total"] == 1880
        assert body["transaction_id"] and body["success_time"]
        assert await _balance(db, wallet) == 5000 - 1880 and await _balance(db, pending) == 1880
        assert (await _query(pw, "C000001"))["trade_state"] == "SUCCESS"
        async with db.session() as session:  # the wallet's history line
            line = await session.scalar(select(WalletPayment).where(WalletPayment.user_id == user_id))
            assert line is not None and line.amount_fen == 1880 and line.merchant_name == "Tea Shop"

        # The till retries the same submission (its answer was lost): the same payment, no second charge.
        again = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, code, "C000001", 1880)
        )
        assert again.status_code == 200 and again.json()["transaction_id"] == body["transaction_id"]
        assert await _balance(db, wallet) == 5000 - 1880
        # The same number with another body is refused as WeChat refuses it.
        other = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, code, "C000001", 99)
        )
        assert other.status_code == 400 and other.json()["code"] == "INVALID_REQUEST"

        # Reversal (撤销) of the paid order: the money goes back once, however many reversals come.
        target = "/v3/pay/transactions/out-trade-no/C000001/reverse"
        reverse_body = {"appid": pw.w.a1.appid, "mchid": pw.merchant.mchid}
        answers = await asyncio.gather(*(pw.merchant.call("POST", target, reverse_body) for _ in range(5)))
        assert [a.status_code for a in answers] == [204] * 5, [a.text for a in answers]
        assert await _balance(db, wallet) == 5000 and await _balance(db, pending) == 0
        assert (await _query(pw, "C000001"))["trade_state"] == "REVOKED"
        # A reversed order cannot be refunded as well.
        refund = await pw.merchant.call(
            "POST",
            "/v3/refund/domestic/refunds",
            {
                "out_trade_no": "C000001",
                "out_refund_no": "R1",
                "amount": {"refund": 100, "total": 1880, "currency": "CNY"},
            },
        )
        assert refund.status_code == 400, refund.text
        assert await _balance(db, wallet) == 5000
        # Only counter orders are reversed.
        made = await pw.merchant.call("POST", "/v3/pay/transactions/jsapi", jsapi_body(pw, "J000001", 100))
        assert made.status_code == 200
        refused = await pw.merchant.call(
            "POST", "/v3/pay/transactions/out-trade-no/J000001/reverse", reverse_body
        )
        assert refused.status_code == 400 and refused.json()["code"] == "INVALID_REQUEST"
        await _verified(db)

        # The payer's data-rights export lists their payments in the app; a deletion keeps them.
        exported = await pw.w.client.get(f"/api/me/data/{pw.w.a1.appid}")
        assert exported.status_code == 200, exported.text
        payments = exported.json()["data"]["payments"]
        assert [(p["trade_type"], p["trade_state"], p["amount_fen"], p["merchant"]) for p in payments] == [
            ("MICROPAY", "REVOKED", 1880, "Tea Shop"),
            ("JSAPI", "NOTPAY", 100, "Tea Shop"),
        ]
        assert (
            payments[0]["transaction_id"] == body["transaction_id"] and payments[1]["transaction_id"] is None
        )
        deleted = await pw.w.client.delete(
            f"/api/me/data/{pw.w.a1.appid}", headers={"X-CSRF-Token": pw.w.csrf}
        )
        assert deleted.status_code == 200 and deleted.json()["deleted"]["payments"] is None
        again_exported = await pw.w.client.get(f"/api/me/data/{pw.w.a1.appid}")
        assert again_exported.json()["data"]["payments"] == payments


async def test_above_the_limit_the_payer_confirms_with_the_pin(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url, counter_pin_free_fen=10_000) as pw:
        db: Database = pw.w.app.state.database
        client, csrf = pw.w.client, {"X-CSRF-Token": pw.w.csrf}
        user_id = await _user_id(db)
        wallet = f"user_wallet:{user_id}"
        await _fund(db, user_id, 50_000)
        set_pin = await client.put(
            "/api/me/wallet/pin", json={"pin": PIN, "password": "long enough"}, headers=csrf
        )
        assert set_pin.status_code == 204, set_pin.text

        code = await _code(db, user_id)
        waiting = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, code, "C000002", 20_000)
        )
        assert waiting.status_code == 202 and waiting.json()["code"] == "USERPAYING", waiting.text
        assert (await _query(pw, "C000002"))["trade_state"] == "USERPAYING"  # the till polls
        assert await _balance(db, wallet) == 50_000

        # The shell sees the payment waiting; a wrong PIN pays nothing, the right one pays.
        listed = (await client.get("/api/me/wallet/counter")).json()
        assert [(p["amount_fen"], p["merchant_name"]) for p in listed] == [(20_000, "Tea Shop")]
        tid = listed[0]["transaction_id"]
        wrong = await client.post(
            f"/api/me/wallet/counter/{tid}/confirm", json={"pin": "246801"}, headers=csrf
        )
        assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_pin"
        assert (await _query(pw, "C000002"))["trade_state"] == "USERPAYING"
        right = await client.post(f"/api/me/wallet/counter/{tid}/confirm", json={"pin": PIN}, headers=csrf)
        assert right.status_code == 200 and right.json() == {"paid": True, "balance_fen": 30_000}
        polled = await _query(pw, "C000002")
        assert polled["trade_state"] == "SUCCESS" and polled["transaction_id"] == tid
        twice = await client.post(f"/api/me/wallet/counter/{tid}/confirm", json={"pin": PIN}, headers=csrf)
        assert twice.status_code == 409 and await _balance(db, wallet) == 30_000
        assert (await client.get("/api/me/wallet/counter")).json() == []

        # A user's own lower limit: 0 asks for the PIN every time, even for 1 fen.
        limit = await client.put("/api/me/wallet/counter-limit", json={"pin_free_fen": 0}, headers=csrf)
        assert limit.status_code == 200 and limit.json()["pin_free_fen"] == 0
        small = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, await _code(db, user_id), "C000003", 1)
        )
        assert small.status_code == 202
        # The payer declines: the till's next query says PAYERROR; the till reverses an unpaid order.
        tid = (await client.get("/api/me/wallet/counter")).json()[0]["transaction_id"]
        no = await client.post(f"/api/me/wallet/counter/{tid}/decline", headers=csrf)
        assert no.status_code == 204
        assert (await _query(pw, "C000003"))["trade_state"] == "PAYERROR"
        reversed_ = await pw.merchant.call(
            "POST",
            "/v3/pay/transactions/out-trade-no/C000003/reverse",
            {"appid": pw.w.a1.appid, "mchid": pw.merchant.mchid},
        )
        assert reversed_.status_code == 204 and (await _query(pw, "C000003"))["trade_state"] == "REVOKED"

        # A USERPAYING order reversed by the till cannot be confirmed afterwards.
        await client.put("/api/me/wallet/counter-limit", json={"pin_free_fen": None}, headers=csrf)
        late = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, await _code(db, user_id), "C000004", 15_000)
        )
        assert late.status_code == 202
        tid = (await client.get("/api/me/wallet/counter")).json()[0]["transaction_id"]
        await pw.merchant.call(
            "POST",
            "/v3/pay/transactions/out-trade-no/C000004/reverse",
            {"appid": pw.w.a1.appid, "mchid": pw.merchant.mchid},
        )
        gone = await client.post(f"/api/me/wallet/counter/{tid}/confirm", json={"pin": PIN}, headers=csrf)
        assert gone.status_code == 409 and await _balance(db, wallet) == 30_000
        await _verified(db)


async def test_bad_codes_write_nothing_and_a_short_wallet_is_payerror(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        user_id = await _user_id(db)
        await _fund(db, user_id, 1000)
        code = await _code(db, user_id)
        first = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, code, "C000010", 100)
        )
        assert first.status_code == 200
        before = await _orders(db)

        reused = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, code, "C000011", 100)
        )
        assert reused.status_code == 400 and reused.json()["code"] == "AUTHCODEEXPIRE", reused.text
        unknown = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, "134567890123456789", "C000012", 100)
        )
        assert unknown.status_code == 400 and unknown.json()["code"] == "AUTH_CODE_INVALID"
        malformed = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, "990000000000000000", "C000013", 100)
        )
        assert malformed.status_code == 400 and malformed.json()["code"] == "AUTH_CODE_INVALID"
        stale = await _code(db, user_id)
        real = paycodes.now
        monkeypatch.setattr(paycodes, "now", lambda: real() + timedelta(seconds=91))
        expired = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, stale, "C000014", 100)
        )
        assert expired.status_code == 400 and expired.json()["code"] == "AUTHCODEEXPIRE"
        monkeypatch.setattr(paycodes, "now", real)
        assert await _orders(db) == before  # nothing half-written
        assert await _balance(db, f"user_wallet:{user_id}") == 900
        # An order number refused for a bad code may be used again with a good one.
        retry = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, await _code(db, user_id), "C000011", 100)
        )
        assert retry.status_code == 200, retry.text

        # More than the wallet holds: 403 NOT_ENOUGH and the order is PAYERROR; no money moves.
        short = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, await _code(db, user_id), "C000015", 5000)
        )
        assert short.status_code == 403 and short.json()["code"] == "NOT_ENOUGH", short.text
        assert (await _query(pw, "C000015"))["trade_state"] == "PAYERROR"
        assert await _balance(db, f"user_wallet:{user_id}") == 800
        await _verified(db)


async def test_concurrent_submissions_of_one_code_pay_once(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        user_id = await _user_id(db)
        await _fund(db, user_id, 10_000)
        code = await _code(db, user_id)
        # Ten tills (or one till's retries under ten numbers) submit the same code at once.
        answers = await asyncio.gather(
            *(
                pw.merchant.call(
                    "POST", "/v3/pay/transactions/codepay", code_body(pw, code, f"CC{i:06d}", 700)
                )
                for i in range(10)
            )
        )
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [200] + [400] * 9, [a.text for a in answers]
        assert {a.json()["code"] for a in answers if a.status_code == 400} == {"AUTHCODEEXPIRE"}
        assert await _balance(db, f"user_wallet:{user_id}") == 10_000 - 700
        async with db.session() as session:
            paid = await session.scalar(
                select(func.count()).select_from(Order).where(Order.trade_state == "SUCCESS")
            )
        assert paid == 1
        # The same submission (one out_trade_no) ten times at once: one order, one charge.
        again = await _code(db, user_id)
        same = await asyncio.gather(
            *(
                pw.merchant.call("POST", "/v3/pay/transactions/codepay", code_body(pw, again, "CSAME1", 500))
                for _ in range(10)
            )
        )
        assert {a.status_code for a in same} == {200}, [a.text for a in same]
        assert len({a.json()["transaction_id"] for a in same}) == 1
        assert await _balance(db, f"user_wallet:{user_id}") == 10_000 - 1200
        await _verified(db)


async def test_simultaneous_creates_of_one_out_trade_no_make_one_order(
    tmp_path: Path, database_url: str
) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        before = await _orders(db)
        same = await asyncio.gather(
            *(
                pw.merchant.call("POST", "/v3/pay/transactions/jsapi", jsapi_body(pw, "T-SAME-01"))
                for _ in range(10)
            )
        )
        assert {a.status_code for a in same} == {200}, [a.text for a in same]
        assert len({a.json()["prepay_id"] for a in same}) == 1
        assert await _orders(db) == before + 1
        # Differing parameters at the same moment: one order is made, the others are refused.
        mixed = await asyncio.gather(
            *(
                pw.merchant.call("POST", "/v3/pay/transactions/jsapi", jsapi_body(pw, "T-MIXED-1", 100 + i))
                for i in range(6)
            )
        )
        ok = [a for a in mixed if a.status_code == 200]
        refused = [a for a in mixed if a.status_code != 200]
        assert len(ok) == 1 and len(refused) == 5, [a.text for a in mixed]
        assert {(a.status_code, a.json()["code"], a.json()["message"]) for a in refused} == {
            (400, "INVALID_REQUEST", "201 商户订单号重复")
        }
        assert await _orders(db) == before + 2
