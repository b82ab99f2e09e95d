"""Money on SQLite and PostgreSQL: 50 concurrent attempts to pay one order charge once; the payment
notification reaches a real loopback endpoint through the outbox (retried on WeChat's schedule until a
200/204 within 5 s, every attempt recorded, resend); refunds are idempotent, never exceed what was paid
however many arrive at once, move the money through the ledger and notify."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from wechatpayv3 import WeChatPay, WeChatPayType

from hutong.server import ledger, outbox
from hutong.server.accounts.models import User
from hutong.server.db import Database
from hutong.server.events.service import recent_events
from hutong.server.payments import notify, refunds, service
from hutong.server.payments.models import Merchant, NotifyLog, Order, Refund
from hutong.server.wechatpay.errors import PayError
from tests.payments.receiver import receiver
from tests.payments.world import APIV3_KEY, PayWorld, jsapi_body, pay_world

LOOPBACK = "127.0.0.0/8"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.now


async def _user_id(db: Database) -> int:
    async with db.session() as session:
        found = await session.scalar(select(User.id).where(User.email == "user@example.com"))
    assert found is not None
    return found


async def _fund(db: Database, user_id: int, fen: int, key: str = "topup:1") -> None:
    async with db.session() as session:
        await ledger.post(
            session,
            key,
            "sandbox top-up",
            [("funding_clearing:sandbox", -fen), (f"user_wallet:{user_id}", fen)],
        )


async def _balance(db: Database, account: str) -> int:
    async with db.session() as session:
        return await ledger.balance(session, account)


async def _paid_order(
    pw: PayWorld, number: str, total: int = 1880, notify_url: str | None = None
) -> tuple[str, int]:
    body = jsapi_body(pw, number, total)
    if notify_url:
        body["notify_url"] = notify_url
    made = await pw.merchant.call("POST", "/v3/pay/transactions/jsapi", body)
    assert made.status_code == 200, made.text
    db = pw.w.app.state.database
    user_id = await _user_id(db)
    await _fund(db, user_id, total, key=f"topup:{number}")
    async with db.session() as session:
        await service.mark_paid(
            session, made.json()["prepay_id"], paid_from=f"user_wallet:{user_id}", user_id=user_id
        )
    return made.json()["prepay_id"], user_id


async def test_fifty_concurrent_pay_attempts_charge_once(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        made = await pw.merchant.call("POST", "/v3/pay/transactions/jsapi", jsapi_body(pw))
        prepay_id = made.json()["prepay_id"]
        user_id = await _user_id(db)
        await _fund(db, user_id, 5000)

        async def attempt() -> str:
            try:
                async with db.session() as session:
                    await service.mark_paid(
                        session, prepay_id, paid_from=f"user_wallet:{user_id}", user_id=user_id
                    )
                return "paid"
            except service.PaymentError as error:
                return error.code

        results = await asyncio.gather(*(attempt() for _ in range(50)))
        assert results.count("paid") == 1 and set(results) == {"paid", "already_paid"}
        assert await _balance(db, f"user_wallet:{user_id}") == 5000 - 1880
        assert await _balance(db, f"merchant_pending:{pw.merchant.mchid}") == 1880
        async with db.session() as session:
            order = await session.scalar(select(Order).where(Order.prepay_id == prepay_id))
            assert order is not None and order.trade_state == "SUCCESS"
            job = await outbox.job_by_key(
                session, "payments.notify", f"{order.transaction_id}:TRANSACTION.SUCCESS"
            )
            assert job is not None
            # One payment in the app's analytics (GMV), in the paying transaction: the 49 refused
            # attempts rolled theirs back.
            paid = await recent_events(session, pw.w.a1.appid, kinds=("server",))
            assert [(e.name, e.value, e.audience) for e in paid] == [("payment", 1880, f"user:{user_id}")]
        # Someone else's user, a poor wallet, a closed order: nothing moves.
        other = await pw.merchant.call(
            "POST", "/v3/pay/transactions/jsapi", jsapi_body(pw, "T20261206000002", 9999)
        )
        async with db.session() as session:
            try:
                await service.mark_paid(
                    session,
                    other.json()["prepay_id"],
                    paid_from=f"user_wallet:{user_id}",
                    user_id=user_id + 99,
                )
            except service.PaymentError as error:
                assert error.code == "wrong_payer"
        try:
            async with db.session() as session:
                await service.mark_paid(
                    session, other.json()["prepay_id"], paid_from=f"user_wallet:{user_id}"
                )
        except service.PaymentError as error:
            assert error.code == "insufficient_funds"
        assert await _balance(db, f"user_wallet:{user_id}") == 5000 - 1880
        query = await pw.merchant.call(
            "GET", f"/v3/pay/transactions/out-trade-no/T20261206000002?mchid={pw.merchant.mchid}"
        )
        assert query.json()["trade_state"] == "NOTPAY"


async def test_the_payment_notification_is_delivered(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WeChat Pay gives a merchant 5 s to answer; 2 here, so that the slow answer below waits less.
    monkeypatch.setattr(notify, "ANSWER_SECONDS", 2.0)
    async with pay_world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as pw:
        db: Database = pw.w.app.state.database
        ring = await pw.w.app.state.wechatpay_keys.ring()
        # The merchant's own server, verifying and decrypting with the PyPI SDK.
        sdk = WeChatPay(
            wechatpay_type=WeChatPayType.MINIPROG,
            mchid=pw.merchant.mchid,
            private_key=pw.merchant.private_key_pem,
            cert_serial_no=pw.merchant.serial_no,
            appid=pw.w.a1.appid,
            apiv3_key=APIV3_KEY,
            public_key=ring.signer.public_key_pem,
            public_key_id=ring.signer.public_key_id,
        )
        answers = [(500, b'{"code":"FAIL","message":"busy"}'), "slow", (204, b"")]
        seen: list[dict[str, Any]] = []

        def decide(headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
            answer = answers.pop(0) if answers else (204, b"")
            if answer == "slow":
                time.sleep(notify.ANSWER_SECONDS + 0.5)  # a 200 after the time to answer does not count
                return 200, b""
            result = sdk.callback(headers, body)
            assert result is not None, "the signature must verify and the resource decrypt"
            seen.append(result)
            assert isinstance(answer, tuple)
            return answer

        with receiver(decide) as endpoint:
            await _paid_order(pw, "T20261206000010", notify_url=endpoint.url)
            clock = Clock()
            worker = outbox.Worker(db, pw.w.app.state.settings, clock=clock, topics={"payments.notify"})
            assert await worker.run_once() == 1  # 500: retry in 15 s
            assert await worker.run_once() == 0
            clock.now += timedelta(seconds=15)
            assert await worker.run_once() == 1  # too slow: retry in 15 s more
            clock.now += timedelta(seconds=15)
            assert await worker.run_once() == 1  # 204: done
            clock.now += timedelta(hours=30)
            assert await worker.run_once() == 0
        first = seen[0]
        assert first["event_type"] == "TRANSACTION.SUCCESS" and first["resource_type"] == "encrypt-resource"
        resource = first["resource"]
        assert resource["trade_state"] == "SUCCESS" and resource["amount"]["total"] == 1880
        assert resource["out_trade_no"] == "T20261206000010" and resource["payer"] == {"openid": pw.openid}
        assert seen[-1]["id"] == first["id"]  # the retry is the same notification
        async with db.session() as session:
            order = await session.scalar(select(Order).where(Order.out_trade_no == "T20261206000010"))
            assert order is not None
            job = await outbox.job_by_key(
                session, "payments.notify", f"{order.transaction_id}:TRANSACTION.SUCCESS"
            )
            assert job is not None and job.state == "done"
            tries = await outbox.attempts_of(session, job.id)
            assert [attempt.status for attempt in tries] == [500, None, 204]
            assert await outbox.resend(session, job.id)  # the console's resend: one more try
        assert len(endpoint.received) == 3


async def test_refunds(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as pw:
        db: Database = pw.w.app.state.database
        m = pw.merchant
        with receiver(lambda headers, body: (204, b"")) as endpoint:
            _, user_id = await _paid_order(pw, "T20261206000020", notify_url=endpoint.url)
            wallet = await _balance(db, f"user_wallet:{user_id}")
            body = {
                "out_trade_no": "T20261206000020",
                "out_refund_no": "R20261206000001",
                "reason": "少冰",
                "notify_url": endpoint.url,
                "amount": {"refund": 500, "total": 1880, "currency": "CNY"},
            }
            made = await m.call("POST", "/v3/refund/domestic/refunds", body)
            assert made.status_code == 200, made.text
            assert made.json()["status"] == "PROCESSING" and made.json()["amount"]["refund"] == 500
            again = await m.call("POST", "/v3/refund/domestic/refunds", body)
            assert again.json()["refund_id"] == made.json()["refund_id"]
            changed = await m.call(
                "POST", "/v3/refund/domestic/refunds", {**body, "amount": {"refund": 501, "total": 1880}}
            )
            assert changed.status_code == 400 and changed.json()["code"] == "INVALID_REQUEST"
            too_much = {**body, "out_refund_no": "R20261206000002", "amount": {"refund": 1381, "total": 1880}}
            refused = await m.call("POST", "/v3/refund/domestic/refunds", too_much)
            assert refused.status_code == 403 and refused.json()["code"] == "NOT_ENOUGH"
            unpaid = await m.call("POST", "/v3/pay/transactions/jsapi", jsapi_body(pw, "T20261206000021"))
            assert unpaid.status_code == 200
            early = await m.call(
                "POST",
                "/v3/refund/domestic/refunds",
                {**body, "out_trade_no": "T20261206000021", "out_refund_no": "R3"},
            )
            assert early.status_code == 400
            query = await m.call("GET", "/v3/pay/transactions/out-trade-no/T20261206000020?mchid=" + m.mchid)
            assert query.json()["trade_state"] == "REFUND"
            assert await _balance(db, f"merchant_pending:{m.mchid}") == 1380
            assert await _balance(db, "refunds_clearing") == 500

            settings = pw.w.app.state.settings
            assert await outbox.Worker(db, settings, topics={"payments.refund"}).run_once() == 1  # completes
            # TRANSACTION.SUCCESS and REFUND.SUCCESS are delivered.
            assert await outbox.Worker(db, settings, topics={"payments.notify"}).run_once() == 2
        done = await m.call("GET", "/v3/refund/domestic/refunds/R20261206000001")
        assert done.json()["status"] == "SUCCESS" and "success_time" in done.json()
        assert await _balance(db, f"user_wallet:{user_id}") == wallet + 500
        assert await _balance(db, "refunds_clearing") == 0
        events = sorted(json.loads(received.body)["event_type"] for received in endpoint.received)
        assert events == ["REFUND.SUCCESS", "TRANSACTION.SUCCESS"]
        missing = await m.call("GET", "/v3/refund/domestic/refunds/NOPE")
        assert missing.status_code == 404


async def test_a_hundred_concurrent_refunds_never_exceed_the_total(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        await _paid_order(pw, "T20261206000030")
        async with db.session() as session:
            merchant = await session.scalar(select(Merchant).where(Merchant.mchid == pw.merchant.mchid))
        assert merchant is not None

        async def refund(number: int) -> str:
            body = {
                "out_trade_no": "T20261206000030",
                "out_refund_no": f"C{number:04d}",
                "amount": {"refund": 100, "total": 1880, "currency": "CNY"},
            }
            try:
                async with db.session() as session:
                    await refunds.create(session, merchant, None, body)
                return "ok"
            except PayError as error:
                return error.code

        results = await asyncio.gather(*(refund(n) for n in range(100)))
        assert results.count("ok") == 18 and set(results) == {"ok", "NOT_ENOUGH"}
        async with db.session() as session:
            order = await session.scalar(select(Order).where(Order.out_trade_no == "T20261206000030"))
            assert order is not None and order.refunded_total == 1800 and order.refund_count == 18
            rows = (await session.scalars(select(Refund).where(Refund.order_id == order.id))).all()
            assert sum(row.amount for row in rows) == 1800
        assert await _balance(db, f"merchant_pending:{pw.merchant.mchid}") == 80
        assert await _balance(db, "refunds_clearing") == 1800


async def test_abnormal_refunds_close_and_states_only_move_forward(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        m = pw.merchant
        await _paid_order(pw, "T20261206000050")
        # A paid order cannot be closed, nor paid again.
        closed = await m.call(
            "POST", "/v3/pay/transactions/out-trade-no/T20261206000050/close", {"mchid": m.mchid}
        )
        assert closed.status_code == 400 and closed.json()["code"] == "ORDERPAID"
        body = {
            "out_trade_no": "T20261206000050",
            "out_refund_no": "AB1",
            "amount": {"refund": 880, "total": 1880},
        }
        assert (await m.call("POST", "/v3/refund/domestic/refunds", body)).status_code == 200
        # The payer's account is gone before the refund completes: ABNORMAL, the money waits in clearing.
        async with db.session() as session:
            order = await session.scalar(select(Order).where(Order.out_trade_no == "T20261206000050"))
            assert order is not None
            order.payer_user_id = None
        async with db.session() as session:
            refund = await refunds.complete(session, (await session.scalars(select(Refund.refund_id))).one())
            assert refund is not None and refund.status == "ABNORMAL"
        assert await _balance(db, "refunds_clearing") == 880
        closing = await pw.w.client.post(f"/api/merchants/{m.mchid}/refunds/AB1/close", headers=pw.w.dev_a)
        assert closing.status_code == 200 and closing.json()["status"] == "CLOSED"
        again = await pw.w.client.post(f"/api/merchants/{m.mchid}/refunds/AB1/close", headers=pw.w.dev_a)
        assert again.status_code == 409
        assert await _balance(db, "refunds_clearing") == 0
        assert await _balance(db, f"merchant_pending:{m.mchid}") == 1880
        async with db.session() as session:
            events = sorted(key for key in (await session.scalars(select(NotifyLog.event_type))).all())
            order = await session.scalar(select(Order).where(Order.out_trade_no == "T20261206000050"))
            assert order is not None and order.refunded_total == 0  # it may be refunded again
        assert events == ["REFUND.ABNORMAL", "REFUND.CLOSED", "TRANSACTION.SUCCESS"]
        # An order past its time_expire cannot be paid.
        late = jsapi_body(
            pw, "T20261206000051", time_expire=(datetime.now(UTC) + timedelta(seconds=2)).isoformat()
        )
        prepay_id = (await m.call("POST", "/v3/pay/transactions/jsapi", late)).json()["prepay_id"]
        await asyncio.sleep(2.1)
        user_id = await _user_id(db)
        try:
            async with db.session() as session:
                await service.mark_paid(session, prepay_id, paid_from=f"user_wallet:{user_id}")
            raise AssertionError("an expired order was paid")
        except service.PaymentError as error:
            assert error.code == "expired"
