"""Reconciliation: orders and refunds against the ledger, as WeChat's merchants reconcile the bill
against their own books (notifications are hints; the ledger is the record).

Checked, for the Beijing day asked (or everything):
- the ledger verifies (every transaction sums to zero, cached balances equal their postings, nothing
  that may not go negative is);
- every paid order has exactly its journal (``payment:<transaction id>``: the amount from the account
  that paid, less a voucher's discount from the account that funded it, to the merchant's pending
  balance), and no payment journal exists without its paid order;
- every reversed paid order has its ``reverse:`` journal; every refund its ``refund:<id>:accept`` (and
  ``:pay`` once SUCCESS, ``:close`` once CLOSED), and each order's refunded total is its refunds' sum;
- per merchant, the day's paid orders add up to what the day's payment journals credited.

Each run is recorded (``payment_reconciliations``) and every finding logged as a warning. It runs daily
as a periodic outbox job (yesterday, at 10:00 Beijing time, when WeChat's bills are ready) and on
demand with ``hutong pay reconcile``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.logs import get_logger
from hutong.server import ledger, outbox
from hutong.server.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from hutong.server.payments import ids
from hutong.server.payments.models import Merchant, Order, Reconciliation, Refund

TOPIC = "payments.reconcile"
log = get_logger("hutong.payments.reconcile")
Postings = dict[str, int]


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: str
    detail: str


@dataclass
class Report:
    day: str
    orders_checked: int = 0
    refunds_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def add(self, kind: str, subject: str, detail: str) -> None:
        self.findings.append(Finding(kind, subject, detail))


def day_window(day: date) -> tuple[datetime, datetime]:
    """A Beijing calendar day as a UTC interval. In UTC, not Beijing time: SQLite keeps datetimes as
    UTC wall-clock text and compares a bound's wall clock, ignoring its offset."""
    start = datetime.combine(day, time(0), tzinfo=ids.BEIJING).astimezone(UTC)
    return start, start + timedelta(days=1)


def beijing_day(moment: datetime) -> date:
    return ids.aware(moment).astimezone(ids.BEIJING).date()


async def _journals(
    session: AsyncSession, keys: set[str], created: tuple[datetime, datetime] | None
) -> tuple[dict[str, Postings], dict[str, datetime]]:
    """Postings (account → fen) of the journals named in ``keys``, plus every payment journal made in
    ``created`` (to find payments without an order), or every payment-related journal when None."""
    query = (
        select(
            LedgerTransaction.journal_key,
            LedgerTransaction.created_at,
            LedgerAccount.name,
            LedgerPosting.amount,
        )
        .join(LedgerPosting, LedgerPosting.transaction_id == LedgerTransaction.id)
        .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
    )
    if created is None:
        query = query.where(
            or_(
                LedgerTransaction.journal_key.like("payment:%"),
                LedgerTransaction.journal_key.like("reverse:%"),
                LedgerTransaction.journal_key.like("refund:%"),
            )
        )
    else:
        in_window = (
            LedgerTransaction.journal_key.like("payment:%")
            & (LedgerTransaction.created_at >= created[0])
            & (LedgerTransaction.created_at < created[1])
        )
        query = query.where(or_(LedgerTransaction.journal_key.in_(keys), in_window) if keys else in_window)
    found: dict[str, Postings] = defaultdict(dict)
    made: dict[str, datetime] = {}
    for key, created_at, account, amount in (await session.execute(query)).all():
        found[key][account] = found[key].get(account, 0) + int(amount)
        made[key] = created_at
    return found, made


async def reconcile(session: AsyncSession, day: date | None = None) -> Report:
    """Compare; nothing is changed (``record`` keeps the report)."""
    report = Report(day.isoformat() if day else "all")
    for discrepancy in await ledger.verify(session):
        report.add(f"ledger_{discrepancy.what}", discrepancy.subject, discrepancy.detail)

    window = day_window(day) if day else None
    order_query = select(Order, Merchant.mchid).join(Merchant, Merchant.id == Order.merchant_id)
    order_query = order_query.where(Order.success_time.is_not(None))
    if window:
        order_query = order_query.where(Order.success_time >= window[0], Order.success_time < window[1])
    paid = (await session.execute(order_query)).all()
    refund_query = select(Refund, Order, Merchant.mchid).join(Order, Order.id == Refund.order_id)
    refund_query = refund_query.join(Merchant, Merchant.id == Refund.merchant_id)
    if window:
        refund_query = refund_query.where(Refund.created_at >= window[0], Refund.created_at < window[1])
    refunds = (await session.execute(refund_query)).all()
    report.orders_checked, report.refunds_checked = len(paid), len(refunds)

    keys = {f"payment:{o.transaction_id}" for o, _ in paid}
    keys |= {f"reverse:{o.transaction_id}" for o, _ in paid if o.trade_state == "REVOKED"}
    for refund, _, _ in refunds:
        keys |= {f"refund:{refund.refund_id}:{step}" for step in ("accept", "pay", "close")}
    journals, made = await _journals(session, keys, window)

    expected_by_day: dict[tuple[str, date], int] = defaultdict(int)
    for order, mchid in paid:
        key = f"payment:{order.transaction_id}"
        expected = {
            order.paid_from or "?": order.discount_total - order.amount_total,
            f"merchant_pending:{mchid}": order.amount_total,
        }
        if order.discount_total:
            expected[order.discount_from or "?"] = -order.discount_total
        actual = journals.get(key)
        if actual is None:
            report.add(
                "payment_journal_missing",
                order.transaction_id,
                f"{mchid} {order.out_trade_no} paid, no {key}",
            )
        elif actual != expected:
            report.add(
                "payment_journal_mismatch", order.transaction_id, f"{key} is {actual}, expected {expected}"
            )
        assert order.success_time is not None
        expected_by_day[(mchid, beijing_day(order.success_time))] += order.amount_total
        if order.trade_state == "REVOKED":
            reverse = journals.get(f"reverse:{order.transaction_id}")
            payer_part = order.amount_total - order.discount_total
            if reverse is None or reverse.get(order.paid_from or "?") != payer_part:
                report.add(
                    "reverse_journal_missing",
                    order.transaction_id,
                    f"reversed, its money not returned: {reverse}",
                )
    # What the payment journals credited, per merchant and day (the order's payment day when known).
    paid_day = {f"payment:{o.transaction_id}": o.success_time for o, _ in paid}
    credited_by_day: dict[tuple[str, date], int] = defaultdict(int)
    for key, postings in journals.items():
        if not key.startswith("payment:"):
            continue
        if key not in paid_day:
            report.add("journal_without_payment", key.removeprefix("payment:"), f"{postings}: no paid order")
        moment = paid_day.get(key) or made[key]
        for account, amount in postings.items():
            if account.startswith("merchant_pending:"):
                credited_by_day[(account.removeprefix("merchant_pending:"), beijing_day(moment))] += amount
    for merchant_day in sorted(set(expected_by_day) | set(credited_by_day)):
        if expected_by_day.get(merchant_day, 0) != credited_by_day.get(merchant_day, 0):
            mchid, when = merchant_day
            orders_fen, ledger_fen = (
                expected_by_day.get(merchant_day, 0),
                credited_by_day.get(merchant_day, 0),
            )
            report.add(
                "day_total_mismatch",
                f"{mchid} {when.isoformat()}",
                f"orders {orders_fen}, ledger {ledger_fen}",
            )

    refunded: dict[int, int] = defaultdict(int)
    for refund, order, _ in refunds:
        accept = journals.get(f"refund:{refund.refund_id}:accept")
        if accept is None or accept.get("refunds_clearing") != refund.amount:
            report.add("refund_journal_missing", refund.refund_id, f"accepted, journal {accept}")
        if refund.status == "SUCCESS":
            paid_back = journals.get(f"refund:{refund.refund_id}:pay")
            to_payer = refund.amount - refund.discount_refund
            to_funder = paid_back.get(refund.discount_to or "?", 0) if paid_back else 0
            if (
                paid_back is None
                or paid_back.get(order.paid_from or "?", 0) != to_payer
                or to_funder != refund.discount_refund
            ):
                report.add(
                    "refund_journal_missing", refund.refund_id, f"SUCCESS, payer not credited: {paid_back}"
                )
        if refund.status == "CLOSED" and f"refund:{refund.refund_id}:close" not in journals:
            report.add("refund_journal_missing", refund.refund_id, "CLOSED, money not back with the merchant")
    if not window:  # an order's refunded total needs all its refunds, whatever their day
        for refund, order, _ in refunds:
            if refund.status != "CLOSED":
                refunded[order.id] += refund.amount
        for order, _ in paid:
            summed = refunded.get(order.id, 0)
            if order.refunded_total != summed:
                report.add(
                    "refunded_total_mismatch",
                    order.transaction_id,
                    f"the order says {order.refunded_total} fen refunded, its refunds {summed}",
                )
    return report


async def record(session: AsyncSession, report: Report, trigger: str) -> Reconciliation:
    row = Reconciliation(
        day=report.day,
        trigger=trigger,
        orders_checked=report.orders_checked,
        refunds_checked=report.refunds_checked,
        findings=[f.__dict__ for f in report.findings],
    )
    session.add(row)
    await session.flush()
    for finding in report.findings:
        log.warning("payments.reconcile.finding", day=report.day, kind=finding.kind, subject=finding.subject)
    return row


@outbox.periodic(TOPIC, every=timedelta(days=1), offset=timedelta(hours=2), timeout=600)
async def daily(job: outbox.Job) -> outbox.Outcome:
    """Yesterday (Beijing time), at 10:00 Beijing (02:00 UTC), when the day's bills are ready."""
    yesterday = beijing_day(ids.now()) - timedelta(days=1)
    async with job.database.session() as session:
        report = await reconcile(session, yesterday)
        await record(session, report, "daily")
    return outbox.Outcome.done(body=f"{yesterday}: {len(report.findings)} findings")
