"""Transfers through funding providers, and their ledger postings.

A top-up is credited when the provider confirms the charge, never before. A withdrawal debits the
account when it is asked for (the ledger refuses it if the balance is short) and is credited back if
the payout fails. Each decision is applied once: the transfer's state moves from ``pending`` by a
conditional UPDATE in the same database transaction as the posting, and the posting's journal key is
the transfer's reference, so a duplicate callback, a lookup racing a callback, or a retry after a crash
changes nothing twice."""

from __future__ import annotations

import secrets
from datetime import UTC, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.logs import get_logger
from hutong.server import ledger, outbox
from hutong.server.db.base import utcnow
from hutong.server.funding.models import FundingTransfer
from hutong.server.funding.provider import (
    BadCallback,
    FundingEvent,
    FundingProvider,
    FundingRejected,
    Kind,
    Submission,
)

log = get_logger(__name__)
# A transfer the provider says it never received (the request was lost) is failed after this long.
LOST_AFTER = timedelta(minutes=2)
# A transfer younger than this is not looked up for a user polling it: its callback is on its way.
LOOKUP_AFTER = timedelta(seconds=3)
CHECK_TOPIC = "funding.check"  # funding/checks.py
CHECK_AFTER = timedelta(seconds=30)


class IdempotencyMismatch(Exception):
    """The same Idempotency-Key was used for a different transfer."""


def clearing_account(provider: str) -> str:
    return f"funding_clearing:{provider}"


def _journal(transfer: FundingTransfer, suffix: str) -> str:
    return f"funding:{transfer.reference}:{suffix}"


async def _existing(session: AsyncSession, user_id: int, client_key: str) -> FundingTransfer | None:
    found: FundingTransfer | None = await session.scalar(
        select(FundingTransfer).where(
            FundingTransfer.user_id == user_id, FundingTransfer.client_key == client_key
        )
    )
    return found


def _same(transfer: FundingTransfer, kind: Kind, amount_fen: int, hint: str) -> bool:
    return (transfer.kind, transfer.amount_fen, transfer.party_hint) == (kind, amount_fen, hint)


async def start(
    session: AsyncSession,
    provider: FundingProvider,
    *,
    kind: Kind,
    user_id: int,
    account: str,
    amount_fen: int,
    party: str,
    client_key: str,
    callback_url: str,
) -> FundingTransfer:
    """Open a transfer and submit it. The same ``client_key`` again returns the first transfer (and
    submits nothing); with another amount, kind or card it raises IdempotencyMismatch. A withdrawal's
    debit is posted before the provider hears of it; ledger errors (a short balance) propagate."""
    hint = party[-4:]
    found = await _existing(session, user_id, client_key)
    if found is not None:
        if not _same(found, kind, amount_fen, hint):
            raise IdempotencyMismatch(client_key)
        return found
    transfer = FundingTransfer(
        reference=("top_" if kind == "charge" else "wd_") + secrets.token_hex(12),
        provider=provider.name,
        kind=kind,
        account=account,
        user_id=user_id,
        client_key=client_key,
        amount_fen=amount_fen,
        party_hint=hint,
    )
    session.add(transfer)
    try:
        await session.flush()
        # Committed with the transfer: a lost callback is found by asking (funding/checks.py).
        await outbox.enqueue(
            session,
            CHECK_TOPIC,
            {"reference": transfer.reference},
            key=transfer.reference,
            run_at=utcnow() + CHECK_AFTER,
        )
        if kind == "payout":
            await ledger.post(
                session,
                _journal(transfer, "debit"),
                f"withdrawal to account …{hint}",
                [(account, -amount_fen), (clearing_account(provider.name), amount_fen)],
            )
        await session.commit()
    except IntegrityError:
        # The same key at the same moment from another request: that one's transfer is ours.
        await session.rollback()
        again = await _existing(session, user_id, client_key)
        if again is None or not _same(again, kind, amount_fen, hint):
            raise IdempotencyMismatch(client_key) from None
        return again
    try:
        submitted = await _submit(provider, kind, transfer.reference, amount_fen, party, callback_url)
    except FundingRejected as rejected:
        event = FundingEvent(
            f"rejected:{transfer.reference}", kind, transfer.reference, "failed", amount_fen, rejected.code
        )
        await apply(session, provider.name, event)
        await session.refresh(transfer)
        return transfer
    if submitted.provider_id:
        await session.execute(
            update(FundingTransfer)
            .where(FundingTransfer.id == transfer.id)
            .values(provider_id=submitted.provider_id)
        )
        await session.commit()
    await session.refresh(transfer)
    return transfer


async def _submit(
    provider: FundingProvider, kind: Kind, reference: str, amount_fen: int, party: str, callback_url: str
) -> Submission:
    """Send the transfer to the provider; a request left unanswered is sent once more with the same
    reference (the provider makes no second transfer of it). That matters when the first never
    arrived: nothing else would ever tell the provider, and the transfer would wait for LOST_AFTER.
    If the second cannot even connect, the first may still have arrived, so the answer stays unknown."""
    send = provider.charge if kind == "charge" else provider.payout
    submitted = await send(reference, amount_fen, party, callback_url)
    if submitted.status != "unknown":
        return submitted
    log.info("funding.resubmitted", reference=reference, kind=kind)
    try:
        return await send(reference, amount_fen, party, callback_url)
    except FundingRejected as rejected:
        if rejected.code == "provider_unreachable":
            return submitted
        raise


async def apply(session: AsyncSession, provider: str, event: FundingEvent) -> bool:
    """Apply one decision; True when it changed something, False for a duplicate or an undecided one.
    Commits. Raises BadCallback when the event contradicts the transfer (another amount or kind)."""
    if event.outcome == "pending":
        return False
    transfer: FundingTransfer | None = await session.scalar(
        select(FundingTransfer).where(
            FundingTransfer.reference == event.reference, FundingTransfer.provider == provider
        )
    )
    if transfer is None:
        raise BadCallback(f"no transfer {event.reference}")
    if transfer.kind != event.kind or transfer.amount_fen != event.amount_fen:
        raise BadCallback(f"transfer {event.reference} does not match the event")
    moved = await session.execute(
        update(FundingTransfer)
        .where(FundingTransfer.id == transfer.id, FundingTransfer.state == "pending")
        .values(state=event.outcome, failure_code=event.failure_code[:40], settled_at=utcnow())
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        await session.rollback()
        return False
    clearing = clearing_account(provider)
    amount = transfer.amount_fen
    if transfer.kind == "charge" and event.outcome == "succeeded":
        memo = f"top-up from card …{transfer.party_hint}"
        await ledger.post(
            session, _journal(transfer, "credit"), memo, [(clearing, -amount), (transfer.account, amount)]
        )
    elif transfer.kind == "payout" and event.outcome == "failed":
        memo = f"withdrawal returned: {event.failure_code or 'failed'}"
        await ledger.post(
            session, _journal(transfer, "return"), memo, [(clearing, -amount), (transfer.account, amount)]
        )
    await session.commit()
    log.info("funding.settled", reference=transfer.reference, kind=transfer.kind, outcome=event.outcome)
    return True


def _age(transfer: FundingTransfer) -> timedelta:
    created = transfer.created_at
    # SQLite gives naive datetimes back; they were written in UTC.
    return utcnow() - (created if created.tzinfo else created.replace(tzinfo=UTC))


async def refresh(
    session: AsyncSession, provider: FundingProvider, transfer: FundingTransfer, *, at_once: bool = False
) -> FundingTransfer:
    """For a transfer still pending (its callback late or lost): ask the provider where it stands
    (unless it is only seconds old and ``at_once`` is not given)."""
    if transfer.state != "pending" or (not at_once and _age(transfer) < LOOKUP_AFTER):
        return transfer
    kind: Kind = "charge" if transfer.kind == "charge" else "payout"
    event = await provider.lookup(kind, transfer.reference)
    if event is None:
        if _age(transfer) < LOST_AFTER:
            return transfer
        event = FundingEvent(
            f"lost:{transfer.reference}",
            kind,
            transfer.reference,
            "failed",
            transfer.amount_fen,
            "not_received",
        )
    await apply(session, provider.name, event)
    await session.refresh(transfer)
    return transfer
