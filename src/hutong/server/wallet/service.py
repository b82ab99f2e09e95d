"""Balance, top-up, withdrawal and history of a user's wallet. The money is in the ledger account
``user_wallet:<user id>``; this module never writes a balance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import ledger
from hutong.server.funding import service as funding
from hutong.server.funding.models import FundingTransfer
from hutong.server.funding.provider import FundingProvider, Kind
from hutong.server.payments.models import Order, Refund
from hutong.server.problems import Problem
from hutong.server.wallet import pin
from hutong.server.wallet.models import WalletPayment

MAX_TRANSFER_FEN = 5_000_000  # 50,000 yuan at a time
HISTORY_LIMIT = 100


def account(user_id: int) -> str:
    return f"user_wallet:{user_id}"


async def balance(session: AsyncSession, user_id: int) -> int:
    return await ledger.balance(session, account(user_id))


def _check_amount(amount_fen: int) -> None:
    if not 0 < amount_fen <= MAX_TRANSFER_FEN:
        raise Problem(422, "invalid_amount", f"the amount is 1 to {MAX_TRANSFER_FEN} fen")


async def top_up(
    session: AsyncSession,
    provider: FundingProvider,
    user_id: int,
    amount_fen: int,
    card_number: str,
    client_key: str,
    callback_url: str,
) -> FundingTransfer:
    _check_amount(amount_fen)
    card = card_number.replace(" ", "")
    if not card.isdigit() or not 12 <= len(card) <= 19:
        raise Problem(422, "invalid_card", "a card number is 12 to 19 digits")
    return await _start(session, provider, "charge", user_id, amount_fen, card, client_key, callback_url)


async def withdraw(
    session: AsyncSession,
    provider: FundingProvider,
    user_id: int,
    amount_fen: int,
    account_number: str,
    pin_code: str,
    client_key: str,
    callback_url: str,
) -> FundingTransfer:
    _check_amount(amount_fen)
    number = account_number.replace(" ", "")
    if not number.isdigit() or not 10 <= len(number) <= 30:
        raise Problem(422, "invalid_account", "a bank account number is 10 to 30 digits")
    await pin.verify(session, user_id, pin_code)
    return await _start(session, provider, "payout", user_id, amount_fen, number, client_key, callback_url)


async def _start(
    session: AsyncSession,
    provider: FundingProvider,
    kind: Kind,
    user_id: int,
    amount_fen: int,
    party: str,
    client_key: str,
    callback_url: str,
) -> FundingTransfer:
    try:
        return await funding.start(
            session,
            provider,
            kind=kind,
            user_id=user_id,
            account=account(user_id),
            amount_fen=amount_fen,
            party=party,
            client_key=client_key,
            callback_url=callback_url,
        )
    except funding.IdempotencyMismatch:
        raise Problem(
            422, "idempotency_key_reused", "this Idempotency-Key was used for a different request"
        ) from None
    except ledger.InsufficientFunds:
        raise Problem(409, "insufficient_balance", "the wallet balance is too low") from None


async def transfer(session: AsyncSession, user_id: int, reference: str) -> FundingTransfer:
    found: FundingTransfer | None = await session.scalar(
        select(FundingTransfer).where(
            FundingTransfer.reference == reference,
            FundingTransfer.user_id == user_id,
            FundingTransfer.account == account(user_id),
        )
    )
    if found is None:
        raise Problem(404, "transfer_not_found", "no such top-up or withdrawal")
    return found


# A refund's status as the history's state: PROCESSING is on its way, CLOSED never arrived (the money
# went back to the merchant); ABNORMAL is waiting for the merchant to close it.
REFUND_STATES = {"PROCESSING": "pending", "SUCCESS": "succeeded", "ABNORMAL": "pending", "CLOSED": "failed"}


@dataclass(frozen=True)
class Entry:
    kind: str  # top_up | withdrawal | payment | refund | reversal
    reference: str
    amount_fen: int  # signed: what the wallet gained (+) or gave (−), once it happens
    state: str  # pending | succeeded | failed
    created_at: datetime
    title: str
    detail: str  # the failure, or the mini program and merchant of a payment, refund or reversal
    appid: str = ""


async def _refunds_and_reversals(session: AsyncSession, user_id: int, limit: int | None) -> list[Entry]:
    """Money coming back to the wallet: refunds of its payments, and counter payments reversed. The
    wallet's own payment line (joined by prepay_id) names the merchant and mini program, and proves the
    order was paid from this wallet."""
    refunds = (
        await session.execute(
            select(Refund, WalletPayment)
            .join(Order, Order.id == Refund.order_id)
            .join(WalletPayment, WalletPayment.prepay_id == Order.prepay_id)
            .where(WalletPayment.user_id == user_id)
            .order_by(Refund.id.desc())
            .limit(limit)
        )
    ).all()
    reversed_ = (
        await session.execute(
            select(Order, WalletPayment)
            .join(WalletPayment, WalletPayment.prepay_id == Order.prepay_id)
            .where(WalletPayment.user_id == user_id, Order.trade_state == "REVOKED")
            .order_by(Order.id.desc())
            .limit(limit)
        )
    ).all()
    found = [
        Entry(
            "refund",
            r.refund_id,
            r.amount - r.discount_refund,  # a voucher's part goes back to its funder, not the wallet
            REFUND_STATES.get(r.status, "pending"),
            r.created_at,
            f"Refund: {p.description}",
            " · ".join(
                part
                for part in (
                    f"{p.app_name} · {p.merchant_name}",
                    r.reason or "",
                    "closed by the merchant" if r.status == "CLOSED" else "",
                )
                if part
            ),
            p.appid,
        )
        for r, p in refunds
    ]
    found += [
        Entry(
            "reversal",
            o.transaction_id,
            p.amount_fen,
            "succeeded",
            o.updated_at,  # REVOKED is final: the row last changed when it was reversed
            f"Reversed: {p.description}",
            f"{p.app_name} · {p.merchant_name}",
            p.appid,
        )
        for o, p in reversed_
    ]
    return found


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones (sortable together once aware)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def history(session: AsyncSession, user_id: int, limit: int | None = HISTORY_LIMIT) -> list[Entry]:
    """Newest first: top-ups, withdrawals, payments, refunds and reversals (``limit`` None: all of
    them, for the data-rights export)."""
    transfers = (
        await session.scalars(
            select(FundingTransfer)
            # The wallet's own: a merchant owner's payouts from a merchant account carry their user id too.
            .where(FundingTransfer.user_id == user_id, FundingTransfer.account == account(user_id))
            .order_by(FundingTransfer.id.desc())
            .limit(limit)
        )
    ).all()
    payments = (
        await session.scalars(
            select(WalletPayment)
            .where(WalletPayment.user_id == user_id)
            .order_by(WalletPayment.id.desc())
            .limit(limit)
        )
    ).all()
    entries = [
        Entry(
            "top_up" if t.kind == "charge" else "withdrawal",
            t.reference,
            t.amount_fen if t.kind == "charge" else -t.amount_fen,
            t.state,
            t.created_at,
            f"Top-up from card …{t.party_hint}"
            if t.kind == "charge"
            else f"Withdrawal to account …{t.party_hint}",
            t.failure_code,
        )
        for t in transfers
    ] + [
        Entry(
            "payment",
            p.prepay_id,
            -p.amount_fen,
            "succeeded",
            p.created_at,
            p.description,
            f"{p.app_name} · {p.merchant_name}",
            p.appid,
        )
        for p in payments
    ]
    entries += await _refunds_and_reversals(session, user_id, limit)
    entries.sort(key=lambda e: _aware(e.created_at), reverse=True)
    return entries if limit is None else entries[:limit]
