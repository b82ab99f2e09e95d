"""T+1 settlement on SQLite and PostgreSQL: the fee is each order's rate rounded half up to the fen,
less the same on refunds; a day's money moves from pending to available less the fee, once, however
many settlement runs race; a later day settles only what came after."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from hutong.server import ledger
from hutong.server.db import Database
from hutong.server.ledger.models import LedgerTransaction
from hutong.server.payments import ids, reconcile, settlement
from hutong.server.payments.models import Merchant, Settlement
from hutong.server.wallet import paycodes
from tests.payments.test_codepay import code_body
from tests.payments.test_money import _balance, _fund, _paid_order, _user_id
from tests.payments.world import pay_world


def test_the_fee_is_rounded_half_up_to_the_fen_per_order() -> None:
    rate = 6000  # 0.6%
    assert [settlement.fee(a, rate) for a in (0, 1, 83, 84, 250, 1880, 100_000)] == [0, 0, 0, 1, 2, 11, 600]
    assert settlement.fee(1000, 3800) == 4  # 0.38% of 10 yuan is 3.8 fen
    assert settlement.fee(125, 20_000) == 3  # 2.5 fen rounds up
    assert all(isinstance(settlement.fee(a, rate), int) for a in range(0, 5000, 7))


async def test_a_day_settles_once_with_its_fee(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        mchid = pw.merchant.mchid
        for number, total in (("T20261206000001", 1880), ("T20261206000002", 83), ("T20261206000003", 250)):
            await _paid_order(pw, number, total)
        refund = await pw.merchant.call(
            "POST",
            "/v3/refund/domestic/refunds",
            {
                "out_trade_no": "T20261206000001",
                "out_refund_no": "R1",
                "amount": {"refund": 500, "total": 1880, "currency": "CNY"},
            },
        )
        assert refund.status_code == 200, refund.text
        assert await _balance(db, f"merchant_pending:{mchid}") == 1880 + 83 + 250 - 500
        today = reconcile.beijing_day(ids.now())

        async def run() -> bool:
            async with db.session() as session:
                merchant = await session.scalar(select(Merchant).where(Merchant.mchid == mchid))
                assert merchant is not None
                return await settlement.settle_day(session, merchant, today) is not None

        # Ten settlement runs at once (several workers, or a retry racing the first try).
        won = await asyncio.gather(*(run() for _ in range(10)))
        assert won.count(True) == 1
        # Fees: 11 + 0 + 2 on the orders, less 3 on the 500-fen refund.
        assert await _balance(db, f"merchant_pending:{mchid}") == 0
        assert await _balance(db, f"merchant_available:{mchid}") == 1713 - 10
        assert await _balance(db, "platform_fees") == 10
        async with db.session() as session:
            rows = (await session.scalars(select(Settlement))).all()
            assert [(r.day, r.gross_fen, r.fee_fen, r.fee_carry_fen) for r in rows] == [
                (today.isoformat(), 1713, 10, 0)
            ]
            assert await ledger.verify(session) == []

        # The next day settles only what arrived after, at the merchant's new rate (1%), through the
        # same catch-up the daily job uses; running it again settles nothing more.
        await _paid_order(pw, "T20261206000004", 1000)
        async with db.session() as session:
            assert await settlement.set_fee_rate(session, mchid, 10_000)
        tomorrow = today + timedelta(days=1)
        made = await asyncio.gather(*(settlement.settle_until(db, tomorrow) for _ in range(3)))
        assert sorted(len(m) for m in made) == [0, 0, 1]
        assert await _balance(db, f"merchant_available:{mchid}") == 1703 + 1000 - 10
        assert await _balance(db, "platform_fees") == 20
        async with db.session() as session:
            count = await session.scalar(select(func.count()).select_from(Settlement))
            assert count == 2
            assert await ledger.verify(session) == []
            assert (await reconcile.reconcile(session)).findings == []


async def test_a_counter_payment_reversed_after_its_day_settled_gets_its_fee_back(
    tmp_path: Path, database_url: str
) -> None:
    """Settled: 1880 less its fee of 11 is available, 11 is the platform's. The reversal returns the
    11 first (journal fee-return:…), then takes the whole 1880 back from the merchant: what the
    merchant keeps is exactly the other order less its own fee, and the platform keeps only that fee."""
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        mchid = pw.merchant.mchid
        user_id = await _user_id(db)
        await _fund(db, user_id, 5000)
        async with db.session() as session:
            code, _ = await paycodes.issue(session, user_id)
        paid = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, code, "C000001", 1880)
        )
        assert paid.status_code == 200 and paid.json()["trade_state"] == "SUCCESS", paid.text
        await _paid_order(pw, "T20261206000009", 1000)  # fee 6
        today = reconcile.beijing_day(ids.now())
        async with db.session() as session:
            merchant = await session.scalar(select(Merchant).where(Merchant.mchid == mchid))
            assert merchant is not None
            assert await settlement.settle_day(session, merchant, today) is not None
            await session.commit()
        assert await _balance(db, f"merchant_available:{mchid}") == 2880 - 17
        assert await _balance(db, "platform_fees") == 17

        target = "/v3/pay/transactions/out-trade-no/C000001/reverse"
        body = {"appid": pw.w.a1.appid, "mchid": mchid}
        answers = await asyncio.gather(*(pw.merchant.call("POST", target, body) for _ in range(3)))
        assert [a.status_code for a in answers] == [204] * 3, [a.text for a in answers]
        assert await _balance(db, f"user_wallet:{user_id}") == 5000
        assert await _balance(db, f"merchant_available:{mchid}") == 1000 - 6
        assert await _balance(db, "platform_fees") == 6
        async with db.session() as session:
            returned = await session.scalar(
                select(LedgerTransaction).where(LedgerTransaction.journal_key.like("fee-return:%"))
            )
            assert returned is not None and returned.meta and returned.meta["fee_fen"] == 11
            merchant = await session.scalar(select(Merchant).where(Merchant.mchid == mchid))
            assert merchant is not None and await settlement.fees_paid(session, merchant) == 6
            assert await ledger.verify(session) == []
            assert (await reconcile.reconcile(session)).findings == []

        # A counter payment reversed before its day settles pays no fee and gets nothing back.
        async with db.session() as session:
            code, _ = await paycodes.issue(session, user_id)
        again = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, code, "C000002", 840)
        )
        assert again.status_code == 200, again.text
        reversed_ = await pw.merchant.call("POST", "/v3/pay/transactions/out-trade-no/C000002/reverse", body)
        assert reversed_.status_code == 204, reversed_.text
        made = await settlement.settle_until(db, today + timedelta(days=1))
        assert [(r.gross_fen, r.fee_fen) for r in made] == [(0, 0)]
        assert await _balance(db, "platform_fees") == 6
        assert await _balance(db, f"merchant_available:{mchid}") == 1000 - 6
