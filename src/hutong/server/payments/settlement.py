"""T+1 settlement and merchant withdrawal.

Paid money waits in ``merchant_pending:<mchid>``. Each day (the periodic outbox job
``payments.settle``, 09:00 Beijing time) every merchant's earlier days are settled, oldest first: the
money that reached its pending balance by the end of the day (payments less refunds taken from it)
and has not been settled yet moves to ``merchant_available:<mchid>``, less the platform's fee, which
goes to ``platform_fees``. One ledger transaction per merchant and day (journal
``settlement:<mchid>:<day>``), after the day's row is inserted (unique per merchant and day), so any
number of concurrent runs settle a day once.

**The fee** is the merchant's ``fee_rate_ppm`` (millionths: 6000 = 0.6%) of each order paid that day,
computed per order and rounded half up to the fen (WeChat's 四舍五入 per transaction: 0.6% of 83 fen is
0.498, so 0; of 84 fen, 0.504, so 1), less the same of each refund accepted that day (the fee on what
went back is returned); orders reversed before their day settles pay none. A counter payment reversed
after its day settled gets its fee back at once (``return_fee``: journal
``fee-return:<mchid>:<transaction id>``, from ``platform_fees`` to the available balance), at the rate
of the settlement that took it. A day's fee is never more than the money it settles; what is left over
(a day of refunds) is carried to the next day's fee.

Settling a merchant's day and reversing one of its payments take the merchant's row lock first
(``lock_merchant``, before any ledger account), so a reversal sees either no settlement of its day
(and the settlement sees the order reversed: no fee) or the settlement that charged it.

**Withdrawal**: an owner sends available money to the merchant's bank through the funding provider
(funding/service.py): debited at once, returned to the available balance if the bank fails the payout,
idempotent on the request's ``Idempotency-Key``."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.logs import get_logger
from hutong.server import ledger, outbox
from hutong.server.db import Database
from hutong.server.funding import service as funding
from hutong.server.funding.models import FundingTransfer
from hutong.server.funding.provider import FundingProvider
from hutong.server.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from hutong.server.payments import ids
from hutong.server.payments.models import Merchant, Order, Refund, Settlement
from hutong.server.payments.reconcile import beijing_day, day_window
from hutong.server.problems import Problem

TOPIC = "payments.settle"
PLATFORM_FEES = "platform_fees"
CATCH_UP_DAYS = 62  # how far back a run settles days an earlier run missed
MAX_WITHDRAWAL_FEN = 5_000_000
log = get_logger("hutong.payments.settlement")


def fee(amount_fen: int, rate_ppm: int) -> int:
    """``rate_ppm`` millionths of ``amount_fen``, rounded half up to the fen (integers only)."""
    return (amount_fen * rate_ppm + 500_000) // 1_000_000


def pending(mchid: str) -> str:
    return ledger.account("merchant_pending", mchid)


def available(mchid: str) -> str:
    return ledger.account("merchant_available", mchid)


async def _claim(session: AsyncSession, merchant: Merchant, day: date, cutoff: datetime) -> Settlement | None:
    """Insert the day's row (ON CONFLICT DO NOTHING): ours to fill in, or None if another run has it."""
    values = {
        "cutoff": cutoff,
        "merchant_id": merchant.id,
        "day": day.isoformat(),
        "gross_fen": 0,
        "fee_fen": 0,
        "fee_carry_fen": 0,
        "fee_rate_ppm": merchant.fee_rate_ppm,
        "created_at": ids.now(),
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    done = await session.execute(insert(Settlement).values(**values).on_conflict_do_nothing())
    if not getattr(done, "rowcount", 0):
        return None
    return await session.scalar(
        select(Settlement).where(Settlement.merchant_id == merchant.id, Settlement.day == day.isoformat())
    )


async def _reached_pending(session: AsyncSession, mchid: str, before: datetime) -> int:
    """What the pending account gained by ``before``, settlements not counted."""
    total = await session.scalar(
        select(func.coalesce(func.sum(LedgerPosting.amount), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerPosting.transaction_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
        .where(
            LedgerAccount.name == pending(mchid),
            LedgerTransaction.created_at < before,
            LedgerTransaction.journal_key.not_like("settlement:%"),
        )
    )
    return int(total or 0)


async def _fee_due(session: AsyncSession, merchant: Merchant, since: datetime | None, until: datetime) -> int:
    """The fee on the orders paid in (since, until] and not reversed, less the fee on the refunds
    accepted then, at the merchant's rate."""
    paid = [Order.merchant_id == merchant.id, Order.success_time < until, Order.trade_state != "REVOKED"]
    refunds = [Refund.merchant_id == merchant.id, Refund.created_at < until, Refund.status != "CLOSED"]
    if since is not None:
        paid.append(Order.success_time >= since)
        refunds.append(Refund.created_at >= since)
    rate = merchant.fee_rate_ppm
    amounts = await session.scalars(select(Order.amount_total).where(*paid))
    refunded = await session.scalars(select(Refund.amount).where(*refunds))
    return sum(fee(a, rate) for a in amounts) - sum(fee(r, rate) for r in refunded)


async def lock_merchant(session: AsyncSession, merchant: Merchant) -> None:
    """The merchant's row lock until the transaction ends (PostgreSQL; SQLite has one writer anyway)."""
    await session.execute(select(Merchant.id).where(Merchant.id == merchant.id).with_for_update())


async def settle_day(session: AsyncSession, merchant: Merchant, day: date) -> Settlement | None:
    """Settle one merchant's day in the caller's transaction; None if it was already settled. A day
    not yet over is settled up to now (what comes later that day goes with the next settlement)."""
    await lock_merchant(session, merchant)
    previous = await session.scalar(
        select(Settlement)
        .where(Settlement.merchant_id == merchant.id, Settlement.day < day.isoformat())
        .order_by(Settlement.day.desc())
        .limit(1)
    )
    cutoff = min(day_window(day)[1], ids.now())
    row = await _claim(session, merchant, day, cutoff)
    if row is None:
        return None
    settled = await session.scalar(
        select(func.coalesce(func.sum(Settlement.gross_fen), 0)).where(Settlement.merchant_id == merchant.id)
    )
    due = await _reached_pending(session, merchant.mchid, cutoff) - int(settled or 0)
    # Never more than is there now (a refund since the cutoff may have taken some of it).
    gross = max(0, min(due, await ledger.balance(session, pending(merchant.mchid))))
    since = ids.aware(previous.cutoff) if previous is not None else None
    carried = previous.fee_carry_fen if previous is not None else 0
    fee_due = await _fee_due(session, merchant, since, cutoff) + carried
    taken = max(0, min(fee_due, gross))
    row.gross_fen, row.fee_fen, row.fee_carry_fen = gross, taken, fee_due - taken
    if gross:
        postings = [(pending(merchant.mchid), -gross)]
        if gross - taken:
            postings.append((available(merchant.mchid), gross - taken))
        if taken:
            postings.append((PLATFORM_FEES, taken))
        await ledger.post(
            session,
            f"settlement:{merchant.mchid}:{day.isoformat()}",
            f"{merchant.mchid} settlement of {day.isoformat()} (fee {taken} fen)",
            postings,
            meta={"day": day.isoformat(), "gross_fen": gross, "fee_fen": taken},
        )
    await session.flush()
    return row


def fee_return_key(mchid: str, transaction_id: str) -> str:
    return f"fee-return:{mchid}:{transaction_id}"


async def return_fee(session: AsyncSession, merchant: Merchant, order: Order) -> int:
    """Give back the fee a settlement took on ``order`` (paid, now reversed), in the caller's
    transaction, which holds ``lock_merchant``; 0 when no settlement has charged it yet (the one that
    comes will not: reversed orders pay no fee). Idempotent by its journal key."""
    assert order.success_time is not None
    charged_by = await session.scalar(
        select(Settlement)
        .where(Settlement.merchant_id == merchant.id, Settlement.cutoff > order.success_time)
        .order_by(Settlement.cutoff)
        .limit(1)
    )
    if charged_by is None:
        return 0
    owed = fee(order.amount_total, charged_by.fee_rate_ppm)
    if owed:
        await ledger.post(
            session,
            fee_return_key(merchant.mchid, order.transaction_id),
            f"{merchant.mchid} fee on reversed {order.out_trade_no} returned",
            [(PLATFORM_FEES, -owed), (available(merchant.mchid), owed)],
            meta={"transaction_id": order.transaction_id, "fee_fen": owed, "day": charged_by.day},
        )
    return owed


async def fees_paid(session: AsyncSession, merchant: Merchant) -> int:
    """What the platform holds in fees from this merchant: settlements' fees less fees returned."""
    total = await session.scalar(
        select(func.coalesce(func.sum(LedgerPosting.amount), 0))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerPosting.transaction_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
        .where(
            LedgerAccount.name == PLATFORM_FEES,
            LedgerTransaction.journal_key.like(f"settlement:{merchant.mchid}:%")
            | LedgerTransaction.journal_key.like(f"{fee_return_key(merchant.mchid, '')}%"),
        )
    )
    return int(total or 0)


async def _first_day(session: AsyncSession, merchant: Merchant) -> date | None:
    last = await session.scalar(select(func.max(Settlement.day)).where(Settlement.merchant_id == merchant.id))
    if last is not None:
        return date.fromisoformat(last) + timedelta(days=1)
    first_paid = await session.scalar(
        select(func.min(Order.success_time)).where(Order.merchant_id == merchant.id)
    )
    return beijing_day(first_paid) if first_paid is not None else None


async def settle_until(database: Database, through: date) -> list[Settlement]:
    """Settle every merchant's unsettled days up to ``through`` (inclusive), each day in its own
    transaction."""
    async with database.session() as session:
        merchant_ids = list(await session.scalars(select(Merchant.id).order_by(Merchant.id)))
    made: list[Settlement] = []
    for merchant_id in merchant_ids:
        async with database.session() as session:
            merchant = await session.get(Merchant, merchant_id)
            start = await _first_day(session, merchant) if merchant is not None else None
        if start is None:
            continue
        day = max(start, through - timedelta(days=CATCH_UP_DAYS))
        while day <= through:
            async with database.session() as session:
                merchant = await session.get(Merchant, merchant_id)
                assert merchant is not None
                row = await settle_day(session, merchant, day)
            if row is not None:
                made.append(row)
                log.info(
                    "payments.settled",
                    mchid=merchant.mchid,
                    day=row.day,
                    gross=row.gross_fen,
                    fee=row.fee_fen,
                )
            day += timedelta(days=1)
    return made


@outbox.periodic(TOPIC, every=timedelta(days=1), offset=timedelta(hours=1), timeout=600)
async def daily(job: outbox.Job) -> outbox.Outcome:
    """Yesterday and any day missed before it (Beijing time), at 09:00 Beijing (01:00 UTC)."""
    made = await settle_until(job.database, beijing_day(ids.now()) - timedelta(days=1))
    return outbox.Outcome.done(body=f"{len(made)} merchant-days settled")


def marketing(mchid: str) -> str:
    return ledger.account("merchant_marketing", mchid)


async def balances(session: AsyncSession, merchant: Merchant) -> dict[str, int]:
    return {
        "pending_fen": await ledger.balance(session, pending(merchant.mchid)),
        "available_fen": await ledger.balance(session, available(merchant.mchid)),
        "marketing_fen": await ledger.balance(session, marketing(merchant.mchid)),
    }


async def fund_marketing(session: AsyncSession, merchant: Merchant, amount_fen: int, client_key: str) -> int:
    """Move ``amount_fen`` of the available balance to the marketing (营销) account that pays for the
    merchant's vouchers (coupons/budget.py), once per ``client_key``; answers the marketing balance."""
    if not 0 < amount_fen <= MAX_WITHDRAWAL_FEN:
        raise Problem(422, "invalid_amount", f"the amount is 1 to {MAX_WITHDRAWAL_FEN} fen")
    try:
        await ledger.post(
            session,
            f"marketing:{merchant.mchid}:{client_key}",
            f"{merchant.mchid} funds its marketing account",
            [(available(merchant.mchid), -amount_fen), (marketing(merchant.mchid), amount_fen)],
        )
    except ledger.JournalKeyReused:
        raise Problem(
            422, "idempotency_key_reused", "this Idempotency-Key was used for a different request"
        ) from None
    except ledger.InsufficientFunds:
        raise Problem(409, "insufficient_balance", "the merchant's available balance is too low") from None
    return await ledger.balance(session, marketing(merchant.mchid))


async def withdraw(
    session: AsyncSession,
    provider: FundingProvider,
    merchant: Merchant,
    user_id: int,
    amount_fen: int,
    account_number: str,
    client_key: str,
    callback_url: str,
) -> FundingTransfer:
    """Pay ``amount_fen`` of the merchant's available balance to its bank account."""
    if not 0 < amount_fen <= MAX_WITHDRAWAL_FEN:
        raise Problem(422, "invalid_amount", f"the amount is 1 to {MAX_WITHDRAWAL_FEN} fen")
    number = account_number.replace(" ", "")
    if not number.isdigit() or not 10 <= len(number) <= 30:
        raise Problem(422, "invalid_account", "a bank account number is 10 to 30 digits")
    try:
        return await funding.start(
            session,
            provider,
            kind="payout",
            user_id=user_id,
            account=available(merchant.mchid),
            amount_fen=amount_fen,
            party=number,
            # The key is the requesting owner's; scoped to the merchant so one key cannot cross them.
            client_key=f"merchant:{merchant.mchid}:{client_key}",
            callback_url=callback_url,
        )
    except funding.IdempotencyMismatch:
        raise Problem(
            422, "idempotency_key_reused", "this Idempotency-Key was used for a different request"
        ) from None
    except ledger.InsufficientFunds:
        raise Problem(409, "insufficient_balance", "the merchant's available balance is too low") from None


async def withdrawals(session: AsyncSession, merchant: Merchant, limit: int = 50) -> list[FundingTransfer]:
    return list(
        await session.scalars(
            select(FundingTransfer)
            .where(FundingTransfer.account == available(merchant.mchid), FundingTransfer.kind == "payout")
            .order_by(FundingTransfer.id.desc())
            .limit(limit)
        )
    )


async def set_fee_rate(session: AsyncSession, mchid: str, rate_ppm: int) -> bool:
    if not 0 <= rate_ppm <= 100_000:  # at most 10%
        raise ValueError("a fee rate is 0 to 100000 millionths (0% to 10%)")
    done = await session.execute(
        update(Merchant).where(Merchant.mchid == mchid).values(fee_rate_ppm=rate_ppm)
    )
    return bool(getattr(done, "rowcount", 0))
