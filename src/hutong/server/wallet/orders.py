"""The wallet's view of a payments order: the one place that asks server/payments/ about one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.payments import service as payments
from hutong.server.payments.models import Order
from hutong.server.payments.service import Discount, PaymentError, Prepay
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
    """Mark the order paid; the payments service moves the money from ``paid_from`` (and with a
    coupon the discount from the coupon's funder) to the merchant's pending balance in the ledger,
    records promotion_detail and enqueues the notification, all in this transaction (which the caller
    rolls back on a problem)."""
    discount = None
    if coupon is not None:
        discount = Discount(coupon.discount_fen, coupon.funded_from, coupon.promotion_detail)
    try:
        return await payments.mark_paid(
            session, prepay.prepay_id, paid_from=paid_from, user_id=user_id, discount=discount
        )
    except PaymentError as error:
        if error.code in ("discount_unfunded", "invalid_discount"):
            raise Problem(409, "coupon_not_applicable", "the coupon's budget cannot cover it") from None
        if error.code == "insufficient_funds":
            raise Problem(409, "insufficient_balance", "the wallet balance is too low") from None
        if error.code == "already_paid":
            raise Problem(409, "order_paid", "the order is already paid") from None
        raise Problem(409, "order_not_payable", str(error)) from None
