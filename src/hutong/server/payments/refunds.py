"""Refunds: ``out_refund_no`` is the refund (the same number again answers the same refund; with other
amounts it is refused), at most 50 per order, never more than was paid, within a year. Accepting one is
a conditional update of the order's refunded total, so no number of concurrent requests can refund more
than the order's total. The money moves in two steps through the ledger: merchant → refunds clearing on
acceptance (PROCESSING), clearing → the payer's account when it completes (SUCCESS); a refund that
cannot reach the payer is ABNORMAL: closing it gives the money back to the merchant (CLOSED), retrying
it completes it again (SUCCESS once the payer's account can take it). On an order paid with a voucher,
the refund's voucher part (promotions.py, decided on acceptance while the order's row is held) goes to
the voucher's funder instead of the payer."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import events, ledger, outbox
from hutong.server.payments import ids, notify, orders, promotions, validate
from hutong.server.payments.models import PAID_STATES, Merchant, Order, Refund
from hutong.server.wechatpay.errors import PayError, param_error

MAX_REFUNDS = 50
REFUND_WINDOW = timedelta(days=365)
PROCESS_TOPIC = "payments.refund"
REFUNDS_CLEARING = "refunds_clearing"


def merchant_pending(mchid: str) -> str:
    return ledger.account("merchant_pending", mchid)


def merchant_available(mchid: str) -> str:
    return ledger.account("merchant_available", mchid)


def _hash(body: dict[str, Any]) -> str:
    significant = {k: body.get(k) for k in ("transaction_id", "out_trade_no", "amount", "sub_mchid")}
    return hashlib.sha256(json.dumps(significant, sort_keys=True).encode()).hexdigest()


async def _order(
    session: AsyncSession, owner: Merchant, provider: Merchant | None, body: dict[str, Any]
) -> Order:
    transaction_id = body.get("transaction_id")
    out_trade_no = body.get("out_trade_no")
    if not transaction_id and not out_trade_no:
        raise param_error("transaction_id 与 out_trade_no 必填其一", "transaction_id")
    query = select(Order).where(Order.merchant_id == owner.id)
    query = query.where(Order.sp_merchant_id == provider.id if provider else Order.sp_merchant_id.is_(None))
    if transaction_id:
        query = query.where(Order.transaction_id == str(transaction_id), Order.success_time.is_not(None))
    else:
        query = query.where(Order.out_trade_no == str(out_trade_no))
    order = await session.scalar(query)
    if order is None:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "订单不存在")
    return order


async def create(
    session: AsyncSession,
    owner: Merchant,
    provider: Merchant | None,
    body: Any,
    *,
    allow_plain_http: bool = False,
    requested_by: str = "api",
) -> tuple[Refund, Order]:
    """Accept a refund (PROCESSING) or answer the one already made under ``out_refund_no``."""
    if not isinstance(body, dict):
        raise param_error("请求体须为 JSON 对象")
    out_refund_no = body.get("out_refund_no")
    if not isinstance(out_refund_no, str) or not validate.OUT_REFUND_NO.match(out_refund_no):
        raise param_error("out_refund_no 格式错误 (1 to 64 letters, digits, _-|*@)", "out_refund_no")
    reason = validate.text(body, "reason", 80, required=False)
    notify_url = None
    if body.get("notify_url") is not None:
        prefixes = (provider or owner).notify_prefixes or []
        notify_url = validate.notify_url(body["notify_url"], prefixes, allow_plain_http)
    amount = validate.obj(body, "amount")
    refund_fen = validate.fen(amount, "refund", "amount.refund")
    total_fen = validate.fen(amount, "total", "amount.total")
    validate.currency(amount, "amount.currency")
    digest = _hash(body)

    existing = await session.scalar(
        select(Refund).where(Refund.merchant_id == owner.id, Refund.out_refund_no == out_refund_no)
    )
    if existing is not None:
        return await _same(session, existing, digest)
    order = await _order(session, owner, provider, body)
    if total_fen != order.amount_total:
        raise param_error("amount.total 与订单金额不一致 (not the order's total)", "amount.total")
    if order.trade_state not in PAID_STATES or order.success_time is None:
        raise PayError(400, "INVALID_REQUEST", "订单未支付，不能退款 (the order is not paid)")
    if ids.now() - ids.aware(order.success_time) > REFUND_WINDOW:
        raise PayError(400, "INVALID_REQUEST", "订单已超过退款期限 (paid more than a year ago)")

    # The one place that decides whether the money is there: both limits in the WHERE clause.
    taken = await session.execute(
        update(Order)
        .where(
            Order.id == order.id,
            # Still paid: a counter payment reversed meanwhile (SUCCESS → REVOKED) is not refunded too.
            Order.trade_state.in_(PAID_STATES),
            Order.refunded_total + refund_fen <= Order.amount_total,
            Order.refund_count < MAX_REFUNDS,
        )
        .values(refunded_total=Order.refunded_total + refund_fen, refund_count=Order.refund_count + 1)
        .execution_options(synchronize_session=False)
    )
    if not getattr(taken, "rowcount", 0):
        await session.refresh(order)
        if order.trade_state not in PAID_STATES:
            raise PayError(400, "INVALID_REQUEST", "订单已撤销，不能退款 (the order was reversed)")
        if order.refund_count >= MAX_REFUNDS:
            raise PayError(
                403, "FREQUENCY_LIMITED", f"一笔订单最多退款{MAX_REFUNDS}次 (at most {MAX_REFUNDS} refunds)"
            )
        raise PayError(403, "NOT_ENOUGH", "退款金额超过订单可退金额 (more than what is left to refund)")

    discount_refund = 0
    if order.discount_total:
        # Our conditional UPDATE holds the order's row (or SQLite's writer) until we commit: the totals
        # read now are ours plus every refund committed before.
        await session.refresh(order)
        discount_refund = promotions.discount_part(
            order.amount_total,
            order.discount_total,
            order.refunded_total - refund_fen,
            order.discount_refunded,
            refund_fen,
        )
        if discount_refund:
            await session.execute(
                update(Order)
                .where(Order.id == order.id)
                .values(discount_refunded=Order.discount_refunded + discount_refund)
                .execution_options(synchronize_session=False)
            )
    now = ids.now()
    refund = Refund(
        refund_id=ids.new_refund_id(now),
        order_id=order.id,
        merchant_id=owner.id,
        out_refund_no=out_refund_no,
        reason=reason,
        notify_url=notify_url,
        amount=refund_fen,
        discount_refund=discount_refund,
        status="PROCESSING",
        request_hash=digest,
        user_received_account="支付用户零钱",
        requested_by=requested_by,
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(refund)
    except IntegrityError:
        # The same out_refund_no at the same moment: the other request won; undo ours.
        await session.execute(
            update(Order)
            .where(Order.id == order.id)
            .values(
                refunded_total=Order.refunded_total - refund_fen,
                refund_count=Order.refund_count - 1,
                discount_refunded=Order.discount_refunded - discount_refund,
            )
            .execution_options(synchronize_session=False)
        )
        winner = await session.scalar(
            select(Refund).where(Refund.merchant_id == owner.id, Refund.out_refund_no == out_refund_no)
        )
        assert winner is not None
        return await _same(session, winner, digest)
    await orders.transition(session, order, "REFUND")
    # From the merchant's unsettled money first, then from what was settled.
    pending = merchant_pending(owner.mchid)
    from_pending = min(refund_fen, max(await ledger.balance(session, pending), 0))
    postings = [(pending, -from_pending)] if from_pending else []
    if refund_fen > from_pending:
        postings.append((merchant_available(owner.mchid), from_pending - refund_fen))
    postings.append((REFUNDS_CLEARING, refund_fen))
    try:
        await ledger.post(
            session,
            f"refund:{refund.refund_id}:accept",
            f"refund {out_refund_no} of {order.out_trade_no}",
            postings,
        )
    except ledger.InsufficientFunds as error:
        raise PayError(
            403, "NOT_ENOUGH", "商户可用退款余额不足 (the merchant's balance is too low)"
        ) from error
    await outbox.enqueue(session, PROCESS_TOPIC, {"refund_id": refund.refund_id}, key=refund.refund_id)
    return refund, order


async def _same(session: AsyncSession, refund: Refund, digest: str) -> tuple[Refund, Order]:
    if refund.request_hash != digest:
        raise PayError(
            400,
            "INVALID_REQUEST",
            "退款单号重复，且参数与之前不一致 (out_refund_no was used for another refund)",
        )
    order = await session.get(Order, refund.order_id)
    assert order is not None
    return refund, order


async def complete(session: AsyncSession, refund_id: str) -> Refund | None:
    """PROCESSING → SUCCESS (money to the account that paid) or ABNORMAL (no such account any more).
    Idempotent: a refund already completed is left alone."""
    refund = await session.scalar(select(Refund).where(Refund.refund_id == refund_id))
    if refund is None or refund.status != "PROCESSING":
        return refund
    order = await session.get(Order, refund.order_id)
    assert order is not None
    target = "SUCCESS" if order.paid_from and order.payer_user_id is not None else "ABNORMAL"
    now = ids.now()
    moved = await session.execute(
        update(Refund)
        .where(Refund.id == refund.id, Refund.status == "PROCESSING")
        .values(status=target, success_time=now if target == "SUCCESS" else None, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(moved, "rowcount", 0):
        return refund
    await session.refresh(refund)
    if target == "SUCCESS":
        assert order.paid_from is not None
        postings = [(REFUNDS_CLEARING, -refund.amount)]
        if refund.amount > refund.discount_refund:
            postings.append((order.paid_from, refund.amount - refund.discount_refund))
        if refund.discount_refund:
            refund.discount_to = await promotions.destination(session, order, refund)
            postings.append((refund.discount_to, refund.discount_refund))
        await ledger.post(
            session,
            f"refund:{refund.refund_id}:pay",
            f"refund {refund.out_refund_no} to the payer",
            postings,
        )
        await events.emit(
            session,
            order.app_id,
            "refund",
            {"transaction_id": order.transaction_id, "refund_id": refund.refund_id},
            audience=f"user:{order.payer_user_id}" if order.payer_user_id else "",
            value=refund.amount,
        )
    await notify.enqueue_refund(session, order, refund)
    return refund


async def close_abnormal(session: AsyncSession, refund: Refund) -> bool:
    """ABNORMAL → CLOSED: the money goes back to the merchant and may be refunded again."""
    moved = await session.execute(
        update(Refund)
        .where(Refund.id == refund.id, Refund.status == "ABNORMAL")
        .values(status="CLOSED", updated_at=ids.now())
        .execution_options(synchronize_session=False)
    )
    if not getattr(moved, "rowcount", 0):
        return False
    await session.refresh(refund)
    order = await session.get(Order, refund.order_id)
    merchant = await session.get(Merchant, refund.merchant_id)
    assert order is not None and merchant is not None
    await session.execute(
        update(Order)
        .where(Order.id == order.id)
        .values(
            refunded_total=Order.refunded_total - refund.amount,
            discount_refunded=Order.discount_refunded - refund.discount_refund,
        )
        .execution_options(synchronize_session=False)
    )
    await ledger.post(
        session,
        f"refund:{refund.refund_id}:close",
        f"refund {refund.out_refund_no} closed",
        [(REFUNDS_CLEARING, -refund.amount), (merchant_pending(merchant.mchid), refund.amount)],
    )
    await notify.enqueue_refund(session, order, refund)
    return True


async def retry_abnormal(session: AsyncSession, refund: Refund) -> bool:
    """ABNORMAL → PROCESSING, then completed again at once (SUCCESS when the payer's account can take
    it now, else ABNORMAL again, with its notification). False when the refund was not ABNORMAL (a
    concurrent close or retry won)."""
    moved = await session.execute(
        update(Refund)
        .where(Refund.id == refund.id, Refund.status == "ABNORMAL")
        .values(status="PROCESSING", updated_at=ids.now())
        .execution_options(synchronize_session=False)
    )
    if not getattr(moved, "rowcount", 0):
        return False
    await session.refresh(refund)  # complete() reads it from this session: it must see PROCESSING
    await complete(session, refund.refund_id)
    await session.refresh(refund)
    return True


def answer(refund: Refund, order: Order) -> dict[str, Any]:
    """WeChat's Refund object (create and query answers)."""
    body: dict[str, Any] = {
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "transaction_id": order.transaction_id,
        "out_trade_no": order.out_trade_no,
        "channel": "ORIGINAL",
        "user_received_account": refund.user_received_account,
        "create_time": ids.rfc3339(refund.created_at),
        "status": refund.status,
        "funds_account": "AVAILABLE",
        "amount": {
            "total": order.amount_total,
            "refund": refund.amount,
            "from": [],
            "payer_total": order.payer_total if order.payer_total is not None else order.amount_total,
            "payer_refund": refund.amount - refund.discount_refund,
            # Pre-funded vouchers go through the settlement money: the merchant returns all of it.
            "settlement_refund": refund.amount,
            "settlement_total": order.amount_total,
            "discount_refund": refund.discount_refund,
            "currency": order.currency,
            "refund_fee": 0,
        },
        "promotion_detail": promotions.refund_promotions(order, refund),
    }
    if refund.success_time is not None:
        body["success_time"] = ids.rfc3339(refund.success_time)
    return body


async def find(session: AsyncSession, owner: Merchant, out_refund_no: str) -> tuple[Refund, Order]:
    refund = await session.scalar(
        select(Refund).where(Refund.merchant_id == owner.id, Refund.out_refund_no == out_refund_no)
    )
    if refund is None:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "退款单不存在")
    order = await session.get(Order, refund.order_id)
    assert order is not None
    return refund, order


@outbox.handler(PROCESS_TOPIC, timeout=30)
async def process(job: outbox.Job) -> outbox.Outcome:
    """Complete an accepted refund (the wallet refund is immediate; a card refund would wait here)."""
    async with job.database.session() as session:
        refund = await complete(session, str(job.payload["refund_id"]))
    if refund is None:
        return outbox.Outcome.dead("no such refund")
    return outbox.Outcome.done(body=refund.status)
