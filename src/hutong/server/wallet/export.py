"""The wallet in the user's data-rights export (GET /api/me/wallet/export): the balance, the PIN's
state (set, locked, wrong tries; never its hash), the user's own settings, every top-up and withdrawal,
the whole history (payments with their merchant and mini program, refunds, reversals) and every
posting to the wallet's ledger account. The per-mini-program export (server/payments/privacy.py) lists
the orders; this is the wallet itself, which belongs to no mini program."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import ledger
from hutong.server.funding.models import FundingTransfer
from hutong.server.wallet import pin, service
from hutong.server.wallet.models import WalletPin, WalletSettings

LEDGER_PAGE = 500


def _when(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def _transfer(t: FundingTransfer) -> dict[str, Any]:
    return {
        "reference": t.reference,
        "provider": t.provider,
        "amount_fen": t.amount_fen,
        "state": t.state,
        "failure_code": t.failure_code,
        "card_or_account_hint": t.party_hint,
        "created_at": _when(t.created_at),
        "settled_at": _when(t.settled_at),
    }


async def _postings(session: AsyncSession, name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    before: int | None = None
    while True:
        page = await ledger.entries(session, name, limit=LEDGER_PAGE, before=before)
        found += [
            {"journal_key": e.journal_key, "memo": e.memo, "amount_fen": e.amount, "at": _when(e.created_at)}
            for e in page
        ]
        if len(page) < LEDGER_PAGE:
            return found
        before = page[-1].posting_id


async def wallet_data(session: AsyncSession, user_id: int) -> dict[str, Any]:
    name = service.account(user_id)
    pin_row = await session.get(WalletPin, user_id)
    own = await session.get(WalletSettings, user_id)
    transfers = (
        await session.scalars(
            select(FundingTransfer)
            .where(FundingTransfer.user_id == user_id, FundingTransfer.account == name)
            .order_by(FundingTransfer.id)
        )
    ).all()
    return {
        "account": name,
        "balance_fen": await service.balance(session, user_id),
        "pin": {
            "set": pin_row is not None,
            "locked": pin_row is not None and pin_row.failures >= pin.MAX_FAILURES,
            "wrong_tries": pin_row.failures if pin_row is not None else 0,
            "changed_at": _when(pin_row.updated_at) if pin_row is not None else None,
        },
        "settings": {"counter_pin_free_fen": own.counter_pin_free_fen if own is not None else None},
        "top_ups": [_transfer(t) for t in transfers if t.kind == "charge"],
        "withdrawals": [_transfer(t) for t in transfers if t.kind == "payout"],
        "history": [
            {**entry.__dict__, "created_at": _when(entry.created_at)}
            for entry in await service.history(session, user_id, limit=None)
        ],
        "ledger": await _postings(session, name),
    }
