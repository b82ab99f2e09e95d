"""The wallet's view of a payments order: the one place that asks server/payments/ about one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.payments import service as payments
from hutong.server.payments.models import Order
from hutong.server.payments.service import PaymentError, Prepay
from hutong.server.problems import Problem

if TYPE_CHECKING:
    from hutong.server.wallet.coupons import Applied

__all__ = ["Prepay", "find", "mark_paid", "pay_sign_valid"]

pay_sign_valid = payments.pay_sign_valid


async def find(session: AsyncSession, prepay_id: str) -> Prepay | None:
    return await payments.get_prepay(session, prepay_id)


async def mark_paid(
    session: AsyncSession, prepay: Prepay, paid_from: str, user_id: int, coupon: Applied | None = None
) -> Order:
    """Mark the order paid; the payments service moves the money from ``paid_from`` to the merchant's
    pending balance in the ledger and enqueues the notification, all in this transaction (which the
    caller rolls back on a problem)."""
    if coupon is not None:
        # The seam the coupons work fills: the payer pays amount − discount, the coupon's funder the
        # discount, and the order records promotion_detail (docs/ARCHITECTURE.md, "The payment sheet's
        # coupon line"). Until the payments service takes a discount, a coupon is refused, never ignored.
        raise Problem(409, "coupon_not_applicable", "coupons cannot be used on payments yet")
    try:
        return await payments.mark_paid(session, prepay.prepay_id, paid_from=paid_from, user_id=user_id)
    except PaymentError as error:
        if error.code == "insufficient_funds":
            raise Problem(409, "insufficient_balance", "the wallet balance is too low") from None
        if error.code == "already_paid":
            raise Problem(409, "order_paid", "the order is already paid") from None
        raise Problem(409, "order_not_payable", str(error)) from None
