"""A payment's process SIGKILLed mid-payment, on SQLite and PostgreSQL. A separate Python process runs
the real ``payments.service.mark_paid`` against the platform database and is killed (1) after the order
is marked SUCCESS and the ledger posted but before the notification is enqueued (its transaction is
open), and (2) after the commit but before it could answer. After each kill, with a fresh worker: the
order is either not paid at all (nothing posted, the wallet whole, no notification) or paid with its
journal and its notification delivered to a real loopback endpoint; the ledger verifies and no fen is
made or lost. (1) shows that "posted but not enqueued" cannot survive: both are one transaction."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

from sqlalchemy import select

from hutong.server import ledger, outbox
from hutong.server.db import Database
from hutong.server.ledger.models import LedgerTransaction
from hutong.server.payments.models import Order
from tests.payments.receiver import receiver
from tests.payments.test_money import LOOPBACK, _balance, _fund, _user_id
from tests.payments.world import jsapi_body, pay_world

CHILD = """
import asyncio, sys
from hutong.server.db import Database
from hutong.server.payments import notify, service

stage, url, prepay_id, user_id = sys.argv[1:]

async def main() -> None:
    database = Database(url)
    if stage == "before-commit":
        async def stall(*args, **kwargs):
            print("POSTED", flush=True)  # the order is SUCCESS and the ledger posted, uncommitted
            await asyncio.sleep(120)
        notify.enqueue_transaction = stall
    async with database.session() as session:
        await service.mark_paid(session, prepay_id, paid_from=f"user_wallet:{user_id}", user_id=int(user_id))
    print("COMMITTED", flush=True)  # the answer would be sent now
    await asyncio.sleep(120)

asyncio.run(main())
"""


async def _kill_at(url: str, stage: str, prepay_id: str, user_id: int, marker: str, script: Path) -> None:
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(script), stage, url, prepay_id, str(user_id), stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    try:
        line = await asyncio.wait_for(child.stdout.readline(), timeout=60)
        assert line.decode().strip() == marker, line
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    assert child.returncode == -signal.SIGKILL


async def _journal(db: Database, key: str) -> bool:
    async with db.session() as session:
        found = await session.scalar(select(LedgerTransaction.id).where(LedgerTransaction.journal_key == key))
    return found is not None


async def test_a_payment_killed_midway_is_all_or_nothing(tmp_path: Path, database_url: str) -> None:
    script = tmp_path / "pay_child.py"
    script.write_text(CHILD)
    delivered: list[dict[str, object]] = []

    def accept(headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        delivered.append(json.loads(body))
        return 204, b""

    async with pay_world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as pw:
        db: Database = pw.w.app.state.database
        user_id = await _user_id(db)
        wallet, pending = f"user_wallet:{user_id}", f"merchant_pending:{pw.merchant.mchid}"
        await _fund(db, user_id, 5000)
        with receiver(accept) as endpoint:
            orders = {}
            for number in ("T20261206000101", "T20261206000102"):
                made = await pw.merchant.call(
                    "POST",
                    "/v3/pay/transactions/jsapi",
                    jsapi_body(pw, number, 1880, notify_url=endpoint.url),
                )
                assert made.status_code == 200, made.text
                orders[number] = made.json()["prepay_id"]
            worker = outbox.Worker(db, pw.w.app.state.settings, topics={"payments.notify"})

            # (1) Killed between the ledger posting and the notification: nothing of it remains.
            await _kill_at(
                database_url, "before-commit", orders["T20261206000101"], user_id, "POSTED", script
            )
            async with db.session() as session:
                first = await session.scalar(select(Order).where(Order.out_trade_no == "T20261206000101"))
                assert first is not None and first.trade_state == "NOTPAY" and first.success_time is None
            assert not await _journal(db, f"payment:{first.transaction_id}")
            assert await _balance(db, wallet) == 5000 and await _balance(db, pending) == 0
            assert await worker.run_once() == 0 and delivered == []

            # (2) Killed after the commit, before answering: paid, posted, and notified after restart.
            await _kill_at(
                database_url, "after-commit", orders["T20261206000102"], user_id, "COMMITTED", script
            )
            async with db.session() as session:
                second = await session.scalar(select(Order).where(Order.out_trade_no == "T20261206000102"))
                assert second is not None and second.trade_state == "SUCCESS"
            assert await _journal(db, f"payment:{second.transaction_id}")
            assert await _balance(db, wallet) == 5000 - 1880 and await _balance(db, pending) == 1880
            assert await worker.run_once() == 1
            assert [d["event_type"] for d in delivered] == ["TRANSACTION.SUCCESS"]

            # The order left unpaid by the crash can still be paid, once.
            await _kill_at(
                database_url, "after-commit", orders["T20261206000101"], user_id, "COMMITTED", script
            )
            assert await worker.run_once() == 1 and len(delivered) == 2
        assert await _balance(db, wallet) == 5000 - 2 * 1880 and await _balance(db, pending) == 2 * 1880
        async with db.session() as session:
            assert await ledger.verify(session) == []
