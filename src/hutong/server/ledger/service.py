"""Post and reverse ledger transactions.

``post`` writes one immutable transaction whose postings sum to zero and moves each account's cached
balance in the same database transaction (the caller's: commit or roll back with the change that
caused it). Balances move in account-id order (no two posts wait on each other in a cycle), each with
one conditional UPDATE: for an account that may not go negative, ``balance = balance + d WHERE
balance + d >= 0``, which holds under concurrency on PostgreSQL (the row lock, then the condition
re-checked on the committed row) and on SQLite (one writer at a time). When one is refused, the
moves already made are undone before raising, so a caller that catches the error has nothing
half-written. A journal key is the transaction's identity: posting it again with the same postings
answers the first transaction; with other postings it raises."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.db.base import utcnow
from hutong.server.ledger.accounts import kind_of, may_go_negative
from hutong.server.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction

Postings = Sequence[tuple[str, int]]


class LedgerError(ValueError):
    """A post the ledger refuses; nothing of it was written."""


class Unbalanced(LedgerError):
    pass


class JournalKeyReused(LedgerError):
    """The journal key was posted before with other postings."""


class InsufficientFunds(LedgerError):
    def __init__(self, account: str, balance: int, change: int) -> None:
        super().__init__(f"{account} holds {balance} fen; {change} would take it below zero")
        self.account = account
        self.balance = balance
        self.change = change


@dataclass(frozen=True)
class Posted:
    id: int
    journal_key: str
    memo: str
    postings: tuple[tuple[str, int], ...]
    created_at: datetime
    replayed: bool = False  # True when the journal key had been posted already


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _canonical(postings: Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(postings))


def _check(journal_key: str, postings: Postings) -> None:
    if not journal_key or len(journal_key) > 200:
        raise LedgerError("a journal key is 1 to 200 characters")
    if not postings:
        raise Unbalanced("a transaction has postings")
    for name, amount in postings:
        kind_of(name)
        if type(amount) is not int:  # bool is an int subclass; floats and Decimals are not fen
            raise LedgerError(f"{name}: amounts are integer fen, not {type(amount).__name__}")
        if amount == 0:
            raise LedgerError(f"{name}: a posting moves money (0 fen given)")
    total = sum(amount for _, amount in postings)
    if total != 0:
        raise Unbalanced(f"postings sum to {total} fen, not zero")


async def _existing(session: AsyncSession, journal_key: str) -> Posted | None:
    found = await session.scalar(
        select(LedgerTransaction).where(LedgerTransaction.journal_key == journal_key)
    )
    if found is None:
        return None
    rows = (
        await session.execute(
            select(LedgerAccount.name, LedgerPosting.amount)
            .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
            .where(LedgerPosting.transaction_id == found.id)
            .order_by(LedgerPosting.id)
        )
    ).all()
    created = found.created_at if found.created_at.tzinfo else found.created_at.replace(tzinfo=UTC)
    return Posted(found.id, found.journal_key, found.memo, tuple((n, a) for n, a in rows), created, True)


def _replay(first: Posted, postings: Postings) -> Posted:
    if _canonical(first.postings) != _canonical(postings):
        raise JournalKeyReused(f"journal key {first.journal_key!r} was posted with other postings")
    return first


async def _accounts(session: AsyncSession, names: Iterable[str]) -> dict[str, int]:
    """Ids of the named accounts, opening those that do not exist yet."""
    wanted = sorted(set(names))
    now = utcnow()
    rows = [
        {"name": n, "kind": kind_of(n), "non_negative": not may_go_negative(n), "balance": 0}
        | {"created_at": now, "updated_at": now}
        for n in wanted
    ]
    await session.execute(_insert(session)(LedgerAccount).values(rows).on_conflict_do_nothing())
    found = await session.execute(
        select(LedgerAccount.name, LedgerAccount.id).where(LedgerAccount.name.in_(wanted))
    )
    return {name: account_id for name, account_id in found.all()}


async def _move(session: AsyncSession, moves: list[tuple[int, str, int]]) -> None:
    """Apply (account id, name, change) in order; on a refusal undo what was applied, then raise."""
    applied: list[tuple[int, int]] = []
    now = utcnow()
    try:
        for account_id, name, change in moves:
            statement = update(LedgerAccount).where(LedgerAccount.id == account_id)
            if change < 0 and not may_go_negative(name):
                statement = statement.where(LedgerAccount.balance + change >= 0)
            moved = await session.execute(
                statement.values(balance=LedgerAccount.balance + change, updated_at=now)
            )
            if moved.rowcount != 1:  # type: ignore[attr-defined]
                balance = await session.scalar(
                    select(LedgerAccount.balance).where(LedgerAccount.id == account_id)
                )
                raise InsufficientFunds(name, int(balance or 0), change)
            applied.append((account_id, change))
    except InsufficientFunds:
        await _undo(session, applied)
        raise


async def _undo(session: AsyncSession, applied: list[tuple[int, int]]) -> None:
    for account_id, change in reversed(applied):
        await session.execute(
            update(LedgerAccount)
            .where(LedgerAccount.id == account_id)
            .values(balance=LedgerAccount.balance - change)
        )


async def post(
    session: AsyncSession,
    journal_key: str,
    memo: str,
    postings: Postings,
    *,
    meta: dict[str, Any] | None = None,
    _reverses: int | None = None,
) -> Posted:
    """Post ``postings`` ([(account, fen), …], summing to zero) as transaction ``journal_key``."""
    postings = [(name, amount) for name, amount in postings]
    _check(journal_key, postings)
    first = await _existing(session, journal_key)
    if first is not None:
        return _replay(first, postings)
    ids = await _accounts(session, (name for name, _ in postings))
    changes: Counter[str] = Counter()
    for name, amount in postings:
        changes[name] += amount
    moves = sorted((ids[name], name, change) for name, change in changes.items() if change)
    try:
        await _move(session, moves)
    except InsufficientFunds:
        # The same key posted concurrently may have spent the money first: that is a replay.
        concurrent = await _existing(session, journal_key)
        if concurrent is None:
            raise
        return _replay(concurrent, postings)
    now = utcnow()
    inserted = await session.execute(
        _insert(session)(LedgerTransaction)
        .values(journal_key=journal_key, memo=memo[:500], meta=meta, reverses_id=_reverses, created_at=now)
        .on_conflict_do_nothing()
        .returning(LedgerTransaction.id)
    )
    transaction_id = inserted.scalar_one_or_none()
    if transaction_id is None:
        # Posted by someone else between our look and our insert: our moves were not theirs to keep.
        await _undo(session, [(account_id, change) for account_id, _, change in moves])
        concurrent = await _existing(session, journal_key)
        if concurrent is None:  # the key belongs to a reversal link that is taken (reverses_id unique)
            raise JournalKeyReused(f"journal key {journal_key!r} could not be written")
        return _replay(concurrent, postings)
    session.add_all(
        LedgerPosting(transaction_id=transaction_id, account_id=ids[name], amount=amount)
        for name, amount in postings
    )
    await session.flush()
    return Posted(transaction_id, journal_key, memo[:500], tuple(postings), now)


def reversal_key(journal_key: str) -> str:
    return f"reversal:{journal_key}"


async def reverse(session: AsyncSession, journal_key: str, memo: str | None = None) -> Posted:
    """Undo transaction ``journal_key`` with one that posts the opposite amounts (journal key
    ``reversal:<key>``; idempotent). Raises InsufficientFunds when the money has been spent since."""
    original = await _existing(session, journal_key)
    if original is None:
        raise LedgerError(f"no transaction {journal_key!r} to reverse")
    opposite = [(name, -amount) for name, amount in original.postings]
    return await post(
        session,
        reversal_key(journal_key),
        memo or f"reversal of {journal_key}",
        opposite,
        _reverses=original.id,
    )


async def balance(session: AsyncSession, name: str) -> int:
    """The account's balance in fen (0 for an account never posted to)."""
    found = await session.scalar(select(LedgerAccount.balance).where(LedgerAccount.name == name))
    return int(found or 0)


@dataclass(frozen=True)
class Entry:
    """One posting to an account, with its transaction (for histories and statements)."""

    posting_id: int
    journal_key: str
    memo: str
    meta: dict[str, Any] | None
    amount: int
    created_at: datetime


async def entries(
    session: AsyncSession, name: str, *, limit: int = 50, before: int | None = None
) -> list[Entry]:
    """The account's postings, newest first; ``before`` (a posting id) pages back."""
    query = (
        select(
            LedgerPosting.id, LedgerTransaction.journal_key, LedgerTransaction.memo, LedgerTransaction.meta
        )
        .add_columns(LedgerPosting.amount, LedgerTransaction.created_at)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerPosting.transaction_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
        .where(LedgerAccount.name == name)
        .order_by(LedgerPosting.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(LedgerPosting.id < before)
    rows = (await session.execute(query)).all()
    return [
        Entry(pid, key, memo, meta, int(amount), at if at.tzinfo else at.replace(tzinfo=UTC))
        for pid, key, memo, meta, amount, at in rows
    ]


@dataclass(frozen=True)
class Discrepancy:
    what: str  # "balance" (cached ≠ sum of postings), "unbalanced" (a transaction ≠ 0), "negative"
    subject: str  # the account name or the journal key
    detail: str


async def verify(session: AsyncSession) -> list[Discrepancy]:
    """Check the whole ledger: every transaction sums to zero, every cached balance is the sum of its
    account's postings, no account that may not go negative is below zero. Empty when all is well."""
    found: list[Discrepancy] = []
    unbalanced = await session.execute(
        select(LedgerTransaction.journal_key, func.sum(LedgerPosting.amount))
        .join(LedgerPosting, LedgerPosting.transaction_id == LedgerTransaction.id)
        .group_by(LedgerTransaction.id, LedgerTransaction.journal_key)
        .having(func.sum(LedgerPosting.amount) != 0)
    )
    found += [Discrepancy("unbalanced", key, f"postings sum to {total}") for key, total in unbalanced.all()]
    sums = (
        select(LedgerPosting.account_id, func.sum(LedgerPosting.amount).label("total"))
        .group_by(LedgerPosting.account_id)
        .subquery()
    )
    accounts = await session.execute(
        select(LedgerAccount.name, LedgerAccount.balance, LedgerAccount.non_negative, sums.c.total).outerjoin(
            sums, sums.c.account_id == LedgerAccount.id
        )
    )
    for name, cached, non_negative, total in accounts.all():
        if int(total or 0) != int(cached):
            found.append(Discrepancy("balance", name, f"cached {cached}, postings sum to {int(total or 0)}"))
        if non_negative and cached < 0:
            found.append(Discrepancy("negative", name, f"balance {cached}"))
    return found
