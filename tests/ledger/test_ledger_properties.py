"""Random sequences of money movements (top-ups, payments, settlements with fees, withdrawals,
refunds by reversal, replays and reused keys) against the real ledger, checked against a model:
every balance that may not go negative stays ≥ 0, every transaction sums to zero, cached balances
equal the sums of postings, and a refused post leaves nothing behind."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections import Counter
from collections.abc import Coroutine
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hutong.server import ledger
from hutong.server.db import Database

USERS = ("u1", "u2")
amounts = st.integers(min_value=1, max_value=3000)
operation = st.one_of(
    st.tuples(st.just("topup"), st.sampled_from(USERS), amounts),
    st.tuples(st.just("pay"), st.sampled_from(USERS), amounts),
    st.tuples(st.just("settle"), st.just("m1"), amounts),
    st.tuples(st.just("withdraw"), st.sampled_from(USERS), amounts),
    st.tuples(st.just("refund"), st.integers(min_value=0, max_value=30), st.just(0)),
    st.tuples(st.just("replay"), st.integers(min_value=0, max_value=30), st.just(0)),
    st.tuples(st.just("reuse"), st.integers(min_value=0, max_value=30), amounts),
)


def _in_thread(coroutine: Coroutine[Any, Any, None]) -> None:
    """Run on a loop of its own (hypothesis calls the test synchronously, per example)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(coroutine)
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]


async def _scenario(url: str, operations: list[tuple[str, Any, int]]) -> None:
    tag = secrets.token_hex(4)  # each example has accounts and journal keys of its own
    wallet = {u: ledger.account("user_wallet", f"{tag}{u}") for u in USERS}
    pending = ledger.account("merchant_pending", f"{tag}m1")
    available = ledger.account("merchant_available", f"{tag}m1")
    fees, bank = ledger.account("platform_fees"), ledger.account("funding_clearing", tag)
    model: Counter[str] = Counter()
    fees_before = 0
    posted: list[tuple[str, list[tuple[str, int]]]] = []
    database = Database(url)
    try:
        async with database.session() as session:
            fees_before = await ledger.balance(session, fees)
        for step, (kind, who, amount) in enumerate(operations):
            key = f"{tag}:{step}"
            if kind == "topup":
                legs = [(bank, -amount), (wallet[who], amount)]
            elif kind == "pay":
                legs = [(wallet[who], -amount), (pending, amount)]
            elif kind == "settle":
                fee = amount * 6 // 1000  # 0.6 %, rounded down
                legs = [(pending, -amount), (available, amount - fee)] + ([(fees, fee)] if fee else [])
            elif kind == "withdraw":
                legs = [(wallet[who], -amount), (bank, amount)]
            elif not posted:
                continue
            else:
                earlier_key, earlier = posted[who % len(posted)]
                if kind == "replay":
                    async with database.session() as session:
                        assert (await ledger.post(session, earlier_key, "again", earlier)).replayed
                    continue
                if kind == "reuse":
                    changed = [
                        (earlier[0][0], earlier[0][1] - amount),
                        (earlier[1][0], earlier[1][1] + amount),
                    ]
                    try:
                        async with database.session() as session:
                            await ledger.post(session, earlier_key, "changed", changed + earlier[2:])
                    except ledger.JournalKeyReused:
                        continue
                    raise AssertionError("a journal key was reused with other postings")
                key = ledger.reversal_key(earlier_key)
                legs = [(name, -fen) for name, fen in earlier]
                if any(k == key for k, _ in posted) or earlier_key.startswith("reversal:"):
                    continue
            after = model.copy()
            for name, fen in legs:
                after[name] += fen
            allowed = all(after[name] >= 0 for name in after if not ledger.KINDS[ledger.kind_of(name)])
            try:
                async with database.session() as session:
                    if kind == "refund":
                        await ledger.reverse(session, earlier_key)
                    else:
                        await ledger.post(session, key, kind, legs)
            except ledger.InsufficientFunds:
                assert not allowed, (kind, legs, model)
                continue
            assert allowed, (kind, legs, model)
            model = after
            posted.append((key, legs))
        async with database.session() as session:
            for name in (*wallet.values(), pending, available, bank):
                assert await ledger.balance(session, name) == model[name], name
                if not ledger.KINDS[ledger.kind_of(name)]:
                    assert model[name] >= 0
            # Examples may share platform_fees; this one added exactly its own fees.
            assert await ledger.balance(session, fees) >= fees_before + model[fees]
            assert await ledger.verify(session) == []
    finally:
        await database.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=14))
def test_random_money_movements_keep_the_ledger_sound(database_url: str, operations: list[Any]) -> None:
    _in_thread(_scenario(database_url, operations))
