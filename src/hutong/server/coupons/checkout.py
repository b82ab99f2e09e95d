"""Vouchers (代金券, the favor family) at checkout: the coupons domain's provider for the payment
sheet's coupon line (wallet/coupons.py) and its answer to refunds (payments/promotions.py).

What applies: the payer's own unused vouchers of stocks made by the merchant being paid, whose stock
has been started and has not ended (a paused stock sends no more, its vouchers stay usable, as in
WeChat), within the voucher's validity and the stock's weekday and time windows (Beijing time),
meeting the minimum spend and, when the stock names goods tags, the order's ``goods_tag``, and when it
names stores, only an order paid at one of them (its ``scene_info.store_info.id``). Best first:
the largest discount, then the one that expires first.

An order paid at one of the merchant's stores records the store on the voucher it used (a store visit,
the user's first there counted apart), so campaign results count voucher visits as counter ones.

Using one is one conditional UPDATE (``WHERE state = 'SENDED'``) in the payment's own transaction, so
of two orders paid at once with one voucher exactly one gets it (the other's payment is refused and
rolls back whole); in the same transaction the stock counts the use, the discount is taken from the
stock's budget (budget.py) and COUPON.USE is enqueued for the stock creator's callback URL: the
merchant's favor callback, or for a platform-funded stock the platform's (platform.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import events
from hutong.server.coupons import budget, issuing, notify, rules, using
from hutong.server.coupons.models import Coupon, Stock, Store
from hutong.server.payments import promotions
from hutong.server.payments.ids import aware, now
from hutong.server.payments.models import Merchant, Order, Refund
from hutong.server.problems import Problem
from hutong.server.wallet import coupons as sheet
from hutong.server.wallet.orders import Prepay

# Stock states whose vouchers may be used (the budget is locked from start to end).
USABLE = ("running", "paused", "exhausted")


def _refused(detail: str) -> Problem:
    return Problem(409, "coupon_not_applicable", detail)


async def _candidates(
    session: AsyncSession, user_id: int, prepay: Prepay, coupon_id: str | None = None
) -> list[tuple[Coupon, Stock]]:
    """The payer's vouchers of the merchant's own stocks, and of platform stocks open to the merchant
    (WeChat's rule for a platform's vouchers: any merchant, or the merchants the stock names)."""
    query = (
        select(Coupon, Stock)
        .join(Stock, Stock.id == Coupon.stock_pk)
        .where(
            Coupon.user_id == user_id,
            Coupon.state == "SENDED",
            Stock.family == "favor",
            or_(Stock.merchant_id == prepay.merchant_id, Stock.funded_by == "platform"),
            Stock.state.in_(USABLE),
        )
    )
    if coupon_id is not None:
        query = query.where(Coupon.coupon_id == coupon_id)
    rows = (await session.execute(query.order_by(Coupon.id))).all()
    return [
        (row[0], row[1])
        for row in rows
        if row[1].funded_by != "platform"
        or not row[1].available_mchids
        or prepay.mchid in row[1].available_mchids
    ]


async def store_of(session: AsyncSession, prepay: Prepay) -> int | None:
    """The paid merchant's store the order names (``scene_info.store_info.id`` holding a Hutong store's
    id), or None: an order paid elsewhere, or naming a store that is not the merchant's."""
    named = prepay.store_info_id
    if not named or not named.isdigit() or len(named) > 9:
        return None
    store = await session.get(Store, int(named))
    return store.id if store is not None and store.merchant_id == prepay.merchant_id else None


def _discount(coupon: Coupon, stock: Stock, prepay: Prepay, at: datetime, store_id: int | None) -> int | None:
    if rules.usable_now(stock, coupon, at, None) is not None:
        return None
    if stock.store_ids and store_id not in stock.store_ids:
        return None  # a voucher for some stores: only orders paid at one of them
    return rules.discount_for(stock, prepay.amount_total, prepay.goods_tag)


def promotion_detail(coupon: Coupon, stock: Stock, discount: int) -> dict[str, Any]:
    """WeChat's Transaction.promotion_detail entry for a pre-funded voucher: the merchant's, or the
    platform's (WeChat shows its own funding as ``wechatpay_contribute``)."""
    platform = stock.funded_by == "platform"
    return {
        "coupon_id": coupon.coupon_id,
        "name": stock.name,
        "scope": "GLOBAL",
        "type": "CASH",
        "amount": discount,
        "stock_id": stock.stock_id,
        "wechatpay_contribute": discount if platform else 0,
        "merchant_contribute": 0 if platform else discount,
        "other_contribute": 0,
        "currency": "CNY",
    }


class Vouchers:
    async def offers(self, session: AsyncSession, *, user_id: int, prepay: Prepay) -> list[sheet.Offer]:
        at = now()
        store_id = await store_of(session, prepay)
        found: list[tuple[int, datetime, sheet.Offer]] = []
        for coupon, stock in await _candidates(session, user_id, prepay):
            off = _discount(coupon, stock, prepay, at, store_id)
            if off:
                offer = sheet.Offer(coupon.coupon_id, stock.name, off)
                found.append((-off, aware(coupon.valid_until), offer))
        return [offer for *_, offer in sorted(found, key=lambda item: (item[0], item[1]))]

    async def redeem(
        self, session: AsyncSession, *, user_id: int, prepay: Prepay, coupon_id: str
    ) -> sheet.Applied:
        rows = await _candidates(session, user_id, prepay, coupon_id)
        if not rows:
            raise _refused("no such unused voucher of yours for this merchant")
        coupon, stock = rows[0]
        at = now()
        store_id = await store_of(session, prepay)
        off = _discount(coupon, stock, prepay, at, store_id)
        if not off:
            raise _refused("the voucher does not apply to this order now")
        first_visit = False
        if store_id is not None:  # paid at a store: a visit, the first if no coupon was used there before
            earlier = await session.scalar(
                select(func.count(Coupon.id)).where(
                    Coupon.user_id == user_id, Coupon.used_store_id == store_id, Coupon.state == "USED"
                )
            )
            first_visit = not earlier
        used = await session.execute(
            update(Coupon)
            .where(Coupon.id == coupon.id, Coupon.state == "SENDED")
            .values(
                state="USED",
                used_at=at,
                use_request_no=prepay.transaction_id,
                used_by="payment",
                used_store_id=store_id,
                first_visit=first_visit,
                transaction_id=prepay.transaction_id,
                order_total=prepay.amount_total,
                discount=off,
            )
            .execution_options(synchronize_session=False)
        )
        if not getattr(used, "rowcount", 0):
            raise _refused("the voucher was used meanwhile")
        await session.execute(
            update(Stock)
            .where(Stock.id == stock.id)
            .values(used=Stock.used + 1)
            .execution_options(synchronize_session=False)
        )
        await session.refresh(coupon)
        merchant = await session.get(Merchant, stock.merchant_id) if stock.merchant_id else None
        if merchant is not None:
            await notify.enqueue_use(session, merchant, rules.favor_coupon(coupon, stock, merchant.mchid))
        else:  # a platform stock: its creator, the platform, is called back (where an operator said)
            resource = rules.favor_coupon(coupon, stock, "", consume_mchid=prepay.mchid)
            await notify.enqueue_use(session, None, resource)
        await events.emit(
            session,
            coupon.app_id,
            "coupon_use",
            {"stock_id": stock.stock_id, "store_id": store_id or 0, "first_visit": first_visit},
            f"user:{user_id}",
            value=prepay.amount_total,
        )
        return sheet.Applied(
            coupon.coupon_id, off, budget.account(stock), promotion_detail(coupon, stock, off)
        )


async def discount_returned(session: AsyncSession, order: Order, refund: Refund) -> str | None:
    """A refund's voucher part: back to the stock's budget while the stock runs (else to the
    marketing account); and on the refund that completes a full refund, the voucher back to the payer
    if it is still valid (WeChat: a partial refund keeps the voucher used; an expired one is not
    returned)."""
    detail = (order.promotion_detail or [{}])[0]
    stock = await session.scalar(select(Stock).where(Stock.stock_id == str(detail.get("stock_id", ""))))
    if stock is None:
        return None
    await issuing.refresh_state(session, stock)
    running = stock.state in USABLE
    coupon = await session.scalar(
        select(Coupon).where(
            Coupon.stock_pk == stock.id, Coupon.coupon_id == str(detail.get("coupon_id", ""))
        )
    )
    full = order.refunded_total >= order.amount_total
    if (
        full
        and running
        and coupon is not None
        and coupon.state == "USED"
        and coupon.transaction_id == order.transaction_id
        and now() < aware(coupon.valid_until)
    ):
        await using.give_back(session, coupon, stock, f"refund:{order.transaction_id}")
    if running:
        return budget.account(stock)
    return (await budget.funder(session, stock))[1]


def install() -> None:
    """Vouchers on the payment sheet and in refunds (the app factory calls it)."""
    sheet.set_default(Vouchers())
    promotions.on_refund(discount_returned)
