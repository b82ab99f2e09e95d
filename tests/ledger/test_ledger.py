"""The ledger on SQLite and PostgreSQL: postings sum to zero, journal keys make posts idempotent,
rows are immutable, reversals undo, and no interleaving of concurrent debits overdraws a wallet."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from hutong.server import ledger
from hutong.server.db import Database
from hutong.server.ledger.models import LedgerPosting

WALLET = ledger.account("user_wallet", 7)
BANK = ledger.account("funding_clearing", "sandbox")
SHOP = ledger.account("merchant_pending", "1900000001")


async def test_postings_must_sum_to_zero_in_integer_fen(database: Database) -> None:
    async with database.session() as session:
        for bad, error in (
            ([(BANK, -100), (WALLET, 99)], ledger.Unbalanced),
            ([], ledger.Unbalanced),
            ([(BANK, -1.5), (WALLET, 1.5)], ledger.LedgerError),
            ([(BANK, True), (WALLET, -1)], ledger.LedgerError),
            ([(BANK, 0), (WALLET, 0)], ledger.LedgerError),
            ([("nobody:1", -5), (WALLET, 5)], ledger.UnknownAccount),
        ):
            with pytest.raises(error):
                await ledger.post(session, "bad", "bad", bad)  # type: ignore[arg-type]
        assert await ledger.verify(session) == []
        assert await session.scalar(text("SELECT count(*) FROM ledger_transactions")) == 0


async def test_a_journal_key_is_posted_once(database: Database) -> None:
    top_up = [(BANK, -5000), (WALLET, 5000)]
    async with database.session() as session:
        first = await ledger.post(session, "topup:1", "Top up", top_up, meta={"provider": "sandbox"})
        again = await ledger.post(session, "topup:1", "Top up", list(reversed(top_up)))
        assert (again.id, again.replayed, first.replayed) == (first.id, True, False)
        with pytest.raises(ledger.JournalKeyReused):
            await ledger.post(session, "topup:1", "Top up", [(BANK, -6000), (WALLET, 6000)])
        assert await ledger.balance(session, WALLET) == 5000
    # Replayed in a later transaction too, and the history shows one entry.
    async with database.session() as session:
        assert (await ledger.post(session, "topup:1", "Top up", top_up)).replayed
        [entry] = await ledger.entries(session, WALLET)
        assert (entry.journal_key, entry.amount, entry.meta) == ("topup:1", 5000, {"provider": "sandbox"})
        assert await ledger.balance(session, BANK) == -5000  # a clearing account may go below zero


async def test_overdrafts_are_refused_and_leave_nothing_behind(database: Database) -> None:
    async with database.session() as session:
        # The shop's account is opened first, so a post to both moves the shop's balance first.
        await ledger.post(session, "seed", "Seed", [(BANK, -1), (SHOP, 1)])
        await ledger.post(session, "topup:1", "Top up", [(BANK, -1000), (WALLET, 1000)])
    async with database.session() as session:
        with pytest.raises(ledger.InsufficientFunds) as refused:
            # The shop is credited, then the wallet's debit is refused: the credit is undone.
            await ledger.post(session, "pay:1", "Order 1", [(WALLET, -1001), (SHOP, 1001)])
        assert (refused.value.account, refused.value.balance) == (WALLET, 1000)
        # The caller caught the error and commits anyway: nothing of the refused post is there.
    async with database.session() as session:
        assert await ledger.balance(session, WALLET) == 1000
        assert await ledger.balance(session, SHOP) == 1
        assert await ledger.verify(session) == []
        paid = await ledger.post(session, "pay:1", "Order 1", [(WALLET, -1000), (SHOP, 1000)])
        assert not paid.replayed and await ledger.balance(session, WALLET) == 0


async def test_reversals_undo_and_rows_are_immutable(database: Database) -> None:
    async with database.session() as session:
        await ledger.post(session, "topup:1", "Top up", [(BANK, -800), (WALLET, 800)])
        await ledger.post(session, "pay:1", "Order 1", [(WALLET, -300), (SHOP, 300)])
        undone = await ledger.reverse(session, "pay:1", "order 1 refunded")
        assert undone.journal_key == "reversal:pay:1"
        assert sorted(undone.postings) == sorted([(WALLET, 300), (SHOP, -300)])
        assert (await ledger.reverse(session, "pay:1")).id == undone.id  # idempotent
        assert await ledger.balance(session, WALLET) == 800 and await ledger.balance(session, SHOP) == 0
        await ledger.post(session, "pay:2", "Order 2", [(WALLET, -800), (SHOP, 800)])
        # Reversing the top-up would take the spent money back out of the wallet: refused.
        with pytest.raises(ledger.InsufficientFunds):
            await ledger.reverse(session, "topup:1")
        with pytest.raises(ledger.LedgerError):
            await ledger.reverse(session, "never-posted")
    for statement in (update(LedgerPosting).values(amount=1), text("DELETE FROM ledger_transactions")):
        with pytest.raises(DBAPIError, match="immutable"):
            async with database.session() as session:
                await session.execute(statement)
    async with database.session() as session:
        assert await ledger.verify(session) == []


async def test_concurrent_debits_never_overdraw(database_url: str) -> None:
    spenders = 50
    # Separate engines: on PostgreSQL these are separate connections racing for the same row.
    databases = [Database(database_url) for _ in range(5)]
    try:
        async with databases[0].session() as session:
            await ledger.post(session, "topup:1", "Top up", [(BANK, -1000), (WALLET, 1000)])

        async def spend(n: int) -> bool:
            try:
                async with databases[n % len(databases)].session() as session:
                    await ledger.post(session, f"pay:{n}", f"Order {n}", [(WALLET, -30), (SHOP, 30)])
                return True
            except ledger.InsufficientFunds:
                return False

        results = await asyncio.gather(*(spend(n) for n in range(spenders)))
        async with databases[0].session() as session:
            assert sum(results) == 33  # 33 × 30 = 990 of the 1000 fen
            assert await ledger.balance(session, WALLET) == 10
            assert await ledger.balance(session, SHOP) == 990
            assert await ledger.verify(session) == []
            # And all 50 at once with one journal key: charged once.
            await ledger.post(session, "topup:2", "Top up", [(BANK, -90), (WALLET, 90)])
        same = await asyncio.gather(
            *(
                _post(databases[n % len(databases)], "pay:same", [(WALLET, -100), (SHOP, 100)])
                for n in range(spenders)
            )
        )
        assert sum(1 for replayed in same if not replayed) == 1
        async with databases[0].session() as session:
            assert await ledger.balance(session, WALLET) == 0
            assert await ledger.verify(session) == []
    finally:
        for db in databases:
            await db.dispose()


async def _post(database: Database, key: str, postings: ledger.Postings) -> bool:
    async with database.session() as session:
        return (await ledger.post(session, key, key, postings)).replayed
