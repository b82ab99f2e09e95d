"""The payment sheet's coupon line: the hook the coupons work fills (docs/ARCHITECTURE.md, "The payment
sheet's coupon line").

WeChat applies the best applicable coupon at checkout and lets the payer pick another or none; the
order's ``promotion_detail`` then says what was used. The sheet (runtime/host/api/payment.js) draws the
line from the preview's ``coupons`` and ``coupon_id`` and sends the payer's choice with the PIN. What
is applicable, what is best and what using one means belong to the coupons domain: it registers its
``CouponProvider`` as the default (coupons/checkout.py, vouchers); ``register`` puts another in its
place (tests) until ``unregister``. Without any, nothing is offered and a payment naming a coupon is
refused.

A counter payment taken by scanning the payer's code (payments/codepay.py) has no sheet: as WeChat
does there, ``best`` uses the best applicable coupon, the one the sheet would preselect."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.problems import Problem
from hutong.server.wallet.orders import Prepay


@dataclass(frozen=True)
class Offer:
    """One coupon the payer may use on this order, as the sheet shows it."""

    coupon_id: str
    title: str  # what the sheet shows, e.g. "满20减3 Tea House"
    discount_fen: int  # > 0 and less than the order's amount (the payer always pays something)


@dataclass(frozen=True)
class Applied:
    """A coupon used on a payment, from ``CouponProvider.redeem`` in the payment's transaction."""

    coupon_id: str
    discount_fen: int
    # The ledger account that pays the discount to the merchant (a voucher stock's budget).
    funded_from: str
    # WeChat's Transaction.promotion_detail entry: {coupon_id, name, scope, type, amount, stock_id,
    # wechatpay_contribute, merchant_contribute, other_contribute, currency}
    promotion_detail: dict[str, Any] = field(default_factory=dict)


class CouponProvider(Protocol):
    async def offers(self, session: AsyncSession, *, user_id: int, prepay: Prepay) -> list[Offer]:
        """The payer's coupons applicable to this order, best first (the sheet preselects the first)."""
        ...

    async def redeem(self, session: AsyncSession, *, user_id: int, prepay: Prepay, coupon_id: str) -> Applied:
        """Use ``coupon_id`` on this payment, in the caller's transaction (rolled back with it when the
        payment fails); raise Problem(409, "coupon_not_applicable", …) when it is not (any more)."""
        ...


_provider: list[CouponProvider] = []
_default: list[CouponProvider] = []


def set_default(provider: CouponProvider) -> None:
    """The coupons domain's own provider, used whenever no other is registered."""
    _default[:] = [provider]


def register(provider: CouponProvider) -> None:
    """A provider in place of the default (one; a second registration replaces the first)."""
    _provider[:] = [provider]


def unregister() -> None:
    """Back to the default provider."""
    _provider.clear()


def _current() -> CouponProvider | None:
    found = _provider or _default
    return found[0] if found else None


async def offers(session: AsyncSession, user_id: int, prepay: Prepay) -> list[Offer]:
    provider = _current()
    if provider is None:
        return []
    found = await provider.offers(session, user_id=user_id, prepay=prepay)
    # A coupon may lower the price, never to nothing or below: the payer still pays at least 1 fen.
    return [offer for offer in found if 0 < offer.discount_fen < prepay.amount_total]


async def redeem(
    session: AsyncSession, user_id: int, prepay: Prepay, coupon_id: str | None
) -> Applied | None:
    """The payer's choice applied: None (no coupon) or the coupon used."""
    if not coupon_id:
        return None
    provider = _current()
    if provider is None:
        raise Problem(409, "coupon_not_applicable", "no coupon applies to this order")
    applied = await provider.redeem(session, user_id=user_id, prepay=prepay, coupon_id=coupon_id)
    if not 0 < applied.discount_fen < prepay.amount_total:
        raise Problem(409, "coupon_not_applicable", "the coupon does not apply to this amount")
    return applied


async def best(session: AsyncSession, user_id: int, prepay: Prepay) -> Applied | None:
    """The best applicable coupon used on this payment without asking (a counter payment), or None."""
    found = await offers(session, user_id, prepay)
    return await redeem(session, user_id, prepay, found[0].coupon_id) if found else None
