"""Vouchers on paid orders, the payments side: how a refund splits between the payer and the voucher,
and where the voucher's part goes.

WeChat Pay's rule for an order paid with a voucher: a full refund gives the payer back exactly what
they paid (``payer_total``); a partial one gives them ``refund × payer_total ÷ total``, rounded half up
(四舍五入), and the rest of the refund (``discount_refund``) goes back to whoever funded the voucher,
not to the payer. We keep the running totals on the order, so the refund that completes the order
takes exactly what is left of each part and no sequence of partial refunds pays either side more than
it put in.

Where the voucher's part goes, and whether the voucher itself goes back to the payer (WeChat returns
it on a full refund while it is still valid), is the coupons domain's to say: it registers one
``DiscountReturn``; without one the part goes back to the account that paid the discount."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.payments.models import Order, Refund


def discount_part(
    total: int, discount: int, refunded_before: int, discount_refunded: int, refund: int
) -> int:
    """Fen of ``refund`` that are the voucher's, given what earlier refunds of the order took."""
    if not discount:
        return 0
    if refunded_before + refund >= total:  # the refund that completes the order: what is left of each
        return discount - discount_refunded
    payer_total = total - discount
    payer = (2 * refund * payer_total + total) // (2 * total)  # refund × payer_total ÷ total, half up
    payer = min(payer, payer_total - (refunded_before - discount_refunded))
    payer = max(payer, refund - (discount - discount_refunded))
    return refund - payer


class DiscountReturn(Protocol):
    async def __call__(self, session: AsyncSession, order: Order, refund: Refund) -> str | None:
        """A refund of ``order`` that has a voucher part completes (in its transaction): return the
        voucher to the payer if the rules say so, and answer the ledger account the part goes to
        (None: the account that paid the discount)."""
        ...


_returns: list[DiscountReturn] = []


def on_refund(hook: DiscountReturn) -> None:
    _returns[:] = [hook]


async def destination(session: AsyncSession, order: Order, refund: Refund) -> str:
    assert order.discount_from is not None
    found = await _returns[0](session, order, refund) if _returns else None
    return found or order.discount_from


def refund_promotions(order: Order, refund: Refund) -> list[dict[str, object]]:
    """The Refund object's ``promotion_detail``: each voucher of the order and its part of this refund
    (type COUPON: a pre-funded voucher, which goes through the settlement money)."""
    return [
        {
            "promotion_id": str(entry.get("coupon_id", "")),
            "scope": str(entry.get("scope", "GLOBAL")),
            "type": "COUPON" if entry.get("type", "CASH") == "CASH" else "DISCOUNT",
            "amount": order.discount_total,
            "refund_amount": refund.discount_refund,
            "goods_detail": [],
        }
        for entry in order.promotion_detail or []
    ]
