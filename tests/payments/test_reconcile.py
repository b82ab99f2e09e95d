"""Reconciliation on SQLite and PostgreSQL: a day of payments, a refund and a reversed counter payment
reconciles clean (`hutong pay reconcile` exits 0 and the run is recorded); then the books are corrupted
three ways (an order's amount edited, a payment journal with no order, a cached balance moved) and
each shows up, in the command's output and exit status and in the daily periodic job's record."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from hutong.cli.main import app as cli
from hutong.server import ledger, outbox
from hutong.server.db import Database
from hutong.server.events.models import events
from hutong.server.ledger.models import LedgerAccount
from hutong.server.payments import bills, ids, reconcile
from hutong.server.payments.models import Order, Reconciliation
from hutong.settings import get_settings
from tests.payments.test_codepay import _code, code_body
from tests.payments.test_money import _fund, _paid_order, _user_id
from tests.payments.world import pay_world


async def test_reconciliation_finds_what_was_corrupted(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        db: Database = pw.w.app.state.database
        await _paid_order(pw, "T20261206000001", 1880)
        await _paid_order(pw, "T20261206000002", 500)
        user_id = await _user_id(db)
        await _fund(db, user_id, 1000, key="topup:counter")
        paid = await pw.merchant.call(
            "POST", "/v3/pay/transactions/codepay", code_body(pw, await _code(db, user_id), "C000001", 300)
        )
        assert paid.status_code == 200, paid.text
        reverse = await pw.merchant.call(
            "POST",
            "/v3/pay/transactions/out-trade-no/C000001/reverse",
            {"appid": pw.w.a1.appid, "mchid": pw.merchant.mchid},
        )
        assert reverse.status_code == 204
        refund = await pw.merchant.call(
            "POST",
            "/v3/refund/domestic/refunds",
            {
                "out_trade_no": "T20261206000001",
                "out_refund_no": "R1",
                "amount": {"refund": 800, "total": 1880, "currency": "CNY"},
            },
        )
        assert refund.status_code == 200, refund.text
        # The day the payments were made (Beijing time; a run may cross midnight there, 16:00 UTC).
        async with db.session() as session:
            paid_at = await session.scalar(
                select(Order.success_time).where(Order.out_trade_no == "T20261206000002")
            )
        assert paid_at is not None
        today = reconcile.beijing_day(paid_at)
        # The refund completes (its outbox job), then the payment events for analytics are all there,
        # each written in the transaction of what it records.
        worker = outbox.Worker(db, pw.w.app.state.settings, topics={"payments.refund"})
        assert await worker.run_once() == 1
        async with db.session() as session:
            emitted = sorted(
                (name, value)
                for name, value in (await session.execute(select(events.c.name, events.c.value))).all()
                if name in ("payment", "refund", "payment_reversed")
            )
        assert emitted == [
            ("payment", 300),
            ("payment", 500),
            ("payment", 1880),
            ("payment_reversed", 300),
            ("refund", 800),
        ]

        async with db.session() as session:
            clean = await reconcile.reconcile(session)
            on_the_day = await reconcile.reconcile(session, today)
        assert clean.findings == [] and on_the_day.findings == []
        assert (clean.orders_checked, clean.refunds_checked) == (3, 1)

        monkeypatch.setenv("HUTONG_DATA_DIR", str(tmp_path))
        monkeypatch.setenv("HUTONG_DATABASE_URL", database_url)
        get_settings.cache_clear()
        runner = CliRunner()
        try:
            ran = await asyncio.to_thread(runner.invoke, cli, ["pay", "reconcile"])
            assert ran.exit_code == 0, ran.output
            assert "all: 3 paid orders, 1 refunds, 0 differences" in ran.output

            # Corruption 1: an order's amount edited behind the ledger's back.
            async with db.session() as session:
                await session.execute(
                    update(Order).where(Order.out_trade_no == "T20261206000002").values(amount_total=510)
                )
            # Corruption 2: money credited to the merchant with no order behind it.
            async with db.session() as session:
                await ledger.post(
                    session,
                    "payment:4200000000FAKE",
                    "no order",
                    [(f"user_wallet:{user_id}", -1), (f"merchant_pending:{pw.merchant.mchid}", 1)],
                )
            # Corruption 3: a cached balance moved without postings.
            async with db.session() as session:
                await session.execute(
                    update(LedgerAccount)
                    .where(LedgerAccount.name == f"merchant_pending:{pw.merchant.mchid}")
                    .values(balance=LedgerAccount.balance + 7)
                )

            ran = await asyncio.to_thread(
                runner.invoke, cli, ["pay", "reconcile", "--day", today.isoformat()]
            )
            assert ran.exit_code == 1, (ran.output, repr(ran.exception))
            kinds = {line.split("\t")[0] for line in ran.output.splitlines() if "\t" in line}
            assert kinds == {
                "ledger_balance",
                "payment_journal_mismatch",
                "journal_without_payment",
                "day_total_mismatch",
            }, (ran.output, repr(ran.exception), ran.stdout_bytes[:500])
            assert "4200000000FAKE" in ran.output and f"{pw.merchant.mchid} {today}" in ran.output
            bad_day = await asyncio.to_thread(runner.invoke, cli, ["pay", "reconcile", "--day", "12/06"])
            assert bad_day.exit_code == 2
        finally:
            get_settings.cache_clear()

        # The daily job (a periodic outbox job) records what it found for yesterday.
        job = outbox.Job(
            0, reconcile.TOPIC, "slot:test", {"slot": "test"}, 1, ids.now(), db, pw.w.app.state.settings
        )
        monkeypatch.setattr(ids, "now", lambda: reconcile.day_window(today)[1] + timedelta(hours=2))
        outcome = await reconcile.daily(job)
        assert outcome.kind == "done"
        async with db.session() as session:
            runs = (await session.scalars(select(Reconciliation).order_by(Reconciliation.id))).all()
        assert [(r.trigger, r.day) for r in runs] == [
            ("command", "all"),
            ("command", today.isoformat()),
            ("daily", today.isoformat()),
        ]
        assert runs[0].findings == []
        assert {f["kind"] for f in runs[2].findings} == kinds


def test_a_beijing_day_is_bounded_in_utc() -> None:
    # SQLite compares a bound's wall clock with the stored UTC text: a bound in Beijing time would
    # move the day eight hours (orders paid from 00:00 to 08:00 Beijing time counted on the wrong day).
    for start, end in (reconcile.day_window(date(2026, 12, 7)), bills._bounds(date(2026, 12, 7))):
        assert start.utcoffset() == timedelta(0) and end.utcoffset() == timedelta(0)
        assert (start, end) == (datetime(2026, 12, 6, 16, tzinfo=UTC), datetime(2026, 12, 7, 16, tzinfo=UTC))
