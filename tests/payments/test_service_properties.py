"""Random sequences through the real payment services (not the ledger alone), on SQLite and PostgreSQL:
top-ups, orders made (orders.create), paid from the wallet (service.mark_paid), closed, partly refunded
(refunds.create, refunds.complete) and settled (settlement.settle_until). After every step every
balance that may not go negative is ≥ 0 and the ledger verifies (every transaction sums to zero, cached
balances equal their postings); refunds never exceed what was paid; reconciliation finds nothing."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from hutong.server import ledger
from hutong.server.db import Database
from hutong.server.payments import orders, refunds, service, settlement
from hutong.server.payments.models import Merchant, Order, Refund
from hutong.server.payments.reconcile import reconcile
from hutong.server.wechatpay.errors import PayError
from tests.ledger.test_ledger_properties import _in_thread
from tests.payments.test_money import _user_id
from tests.payments.world import jsapi_body, pay_world

amounts = st.integers(min_value=1, max_value=2000)
step = st.one_of(
    st.tuples(st.just("topup"), amounts),
    st.tuples(st.just("order"), amounts, st.booleans()),  # paid at once (topped up first)?
    st.tuples(st.just("pay"), st.integers(0, 20)),
    st.tuples(st.just("close"), st.integers(0, 20)),
    st.tuples(st.just("refund"), st.integers(0, 20), amounts, st.booleans()),  # completed at once?
    st.tuples(st.just("complete"), st.integers(0, 20)),
    st.tuples(st.just("settle"), st.just(0)),
)


async def _check(db: Database, user_id: int, mchid: str) -> None:
    async with db.session() as session:
        assert await ledger.verify(session) == []
        assert await ledger.balance(session, f"user_wallet:{user_id}") >= 0
        assert await ledger.balance(session, f"merchant_pending:{mchid}") >= 0
        assert await ledger.balance(session, f"merchant_available:{mchid}") >= 0
        refunded = (
            await session.execute(
                select(Order.amount_total, func.sum(Refund.amount))
                .join(Refund, Refund.order_id == Order.id)
                .where(Refund.status != "CLOSED")
                .group_by(Order.id, Order.amount_total)
            )
        ).all()
        assert all(total >= fen for total, fen in refunded), refunded


async def _run(
    url: str, body: dict[str, Any], mchid: str, user_id: int, steps: list[Any], done: Counter[str]
) -> None:
    db = Database(url)
    tag, made, paid, made_refunds = secrets.token_hex(3), [], [], []  # type: ignore[var-annotated]
    try:
        for n, (kind, *args) in enumerate(steps):
            async with db.session() as session:
                merchant = await session.scalar(select(Merchant).where(Merchant.mchid == mchid))
                assert merchant is not None
                picked = None
                # This session's copy of a made order (a refund picks among the paid ones, mostly).
                pool = paid if kind == "refund" and paid and args[0] % 4 != 3 else made
                if pool and kind in ("pay", "close", "refund"):
                    picked = await orders.by_out_trade_no(session, merchant, pool[args[0] % len(pool)])
                try:
                    if kind == "topup":
                        legs = [("funding_clearing:sandbox", -args[0]), (f"user_wallet:{user_id}", args[0])]
                        await ledger.post(session, f"topup:{tag}:{n}", "top-up", legs)
                    elif kind == "order":
                        new = {
                            **body,
                            "out_trade_no": f"P{tag}{n}",
                            "amount": {"total": args[0], "currency": "CNY"},
                        }
                        order = await orders.create(session, merchant, "jsapi", new)
                        made.append(order.out_trade_no)
                        if args[1]:
                            legs = [
                                ("funding_clearing:sandbox", -args[0]),
                                (f"user_wallet:{user_id}", args[0]),
                            ]
                            await ledger.post(session, f"topup:{tag}:{n}", "top-up", legs)
                            wallet = f"user_wallet:{user_id}"
                            await service.mark_paid(
                                session, order.prepay_id or "", paid_from=wallet, user_id=user_id
                            )
                            paid.append(order.out_trade_no)
                    elif kind == "pay" and picked is not None:
                        await service.mark_paid(
                            session,
                            picked.prepay_id or "",
                            paid_from=f"user_wallet:{user_id}",
                            user_id=user_id,
                        )
                        paid.append(picked.out_trade_no)
                    elif kind == "close" and picked is not None:
                        await orders.close(session, picked)
                    elif kind == "refund" and picked is not None:
                        part = args[1] % picked.amount_total + 1  # partial; a few together go over
                        refund_body = {
                            "out_trade_no": picked.out_trade_no,
                            "out_refund_no": f"R{tag}{n}",
                            "amount": {"refund": part, "total": picked.amount_total, "currency": "CNY"},
                        }
                        refund, _ = await refunds.create(session, merchant, None, refund_body)
                        made_refunds.append(refund.refund_id)
                        if args[2]:
                            await session.commit()
                            await refunds.complete(session, refund.refund_id)
                    elif kind == "complete" and made_refunds:
                        await refunds.complete(session, made_refunds[args[0] % len(made_refunds)])
                    elif kind == "settle":
                        await session.commit()
                        await settlement.settle_until(db, datetime.now(UTC).date() + timedelta(days=1))
                    else:
                        continue  # nothing to act on yet
                    done[kind] += 1
                except (PayError, ledger.InsufficientFunds, service.PaymentError):
                    await session.rollback()  # a refusal (not paid, too much, too little money) moves nothing
            await _check(db, user_id, mchid)
        async with db.session() as session:
            report = await reconcile(session)
            assert report.ok, report.findings
    finally:
        await db.dispose()


async def test_random_service_sequences_keep_the_books(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        user_id = await _user_id(pw.w.app.state.database)
        body = jsapi_body(pw)

        @settings(
            max_examples=25,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
            derandomize=True,
        )
        # One sequence that reaches every service, whatever the generator's version makes of the rest
        # (a newer hypothesis derandomized into examples that never paid an unpaid order).
        @example(
            [
                ("topup", 5_000),
                ("order", 1_000, False),
                ("pay", 0),
                ("order", 500, False),
                ("close", 1),
                ("refund", 0, 100, True),
                ("settle", 0),
            ]
        )
        @given(st.lists(step, min_size=6, max_size=18))
        def sequences(steps: list[Any]) -> None:
            _in_thread(_run(database_url, body, pw.merchant.mchid, user_id, steps, done))

        done: Counter[str] = Counter()
        sequences()
        # The sequences reached every service (fixed examples: derandomized, the same on every run).
        assert {"topup", "order", "pay", "close", "refund", "settle"} <= set(done), done
