"""Redeeming a coupon by its code (the busifavor ``use`` API, a till, the console's redemption page),
returning it, deactivating it.

A coupon becomes USED by one conditional UPDATE (``WHERE state = 'SENDED'``), so of any number of
concurrent redemptions of one code exactly one wins; ``use_request_no`` is unique per stock, so the
same request again answers the first redemption (WeChat's idempotency) and another request for a used
coupon is refused ("券已被其他订单核销")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import events
from hutong.server.coupons import rules
from hutong.server.coupons.models import Coupon, Stock
from hutong.server.payments.ids import now
from hutong.server.payments.models import Merchant
from hutong.server.wechatpay.errors import PayError


class UseRefused(PayError):
    """``reason``: not_found, foreign, used, expired, deactivated, not_yet_valid, wrong_day, wrong_time,
    wrong_store, below_minimum, request_reused."""

    def __init__(self, reason: str, message: str, status: int = 400, code: str = "INVALID_REQUEST") -> None:
        super().__init__(status, code, message)
        self.reason = reason


def not_found() -> UseRefused:
    return UseRefused("not_found", "券不存在 (no such coupon)", 404, "RESOURCE_NOT_EXISTS")


@dataclass(frozen=True)
class Redemption:
    coupon: Coupon
    stock: Stock
    replayed: bool


async def find_by_code(session: AsyncSession, merchant: Merchant, code: str) -> tuple[Coupon, Stock] | None:
    """A coupon of one of ``merchant``'s stocks by its code (a till scans only the code)."""
    row = (
        await session.execute(
            select(Coupon, Stock)
            .join(Stock, Stock.id == Coupon.stock_pk)
            .where(Coupon.coupon_code == code, Stock.merchant_id == merchant.id)
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def use(
    session: AsyncSession,
    merchant: Merchant,
    coupon: Coupon,
    stock: Stock,
    *,
    use_request_no: str,
    store_id: int | None = None,
    used_by: str = "api",
    order_total: int | None = None,
    at: datetime | None = None,
) -> Redemption:
    """Mark ``coupon`` used; raises UseRefused with WeChat's code for every refusal."""
    if stock.merchant_id != merchant.id:
        raise not_found()
    if coupon.state == "USED":
        if coupon.use_request_no == use_request_no:
            return Redemption(coupon, stock, True)
        raise UseRefused("used", "券已被其他订单核销 (the coupon was already used)")
    if coupon.state == "DEACTIVATED":
        raise UseRefused("deactivated", "券已失效 (the coupon was deactivated)")
    at = at or now()
    refusal = rules.usable_now(stock, coupon, at, store_id)
    if refusal is not None:
        raise UseRefused(refusal.code, refusal.message)
    discount = None
    if order_total is not None:
        discount = rules.discount_for(stock, order_total)
        if discount is None:
            raise UseRefused("below_minimum", "订单金额未达到使用门槛 (the order is below the minimum)")
    first_visit = False
    if store_id is not None:
        earlier = await session.scalar(
            select(func.count(Coupon.id))
            .join(Stock, Stock.id == Coupon.stock_pk)
            .where(
                Stock.merchant_id == merchant.id,
                Coupon.user_id == coupon.user_id,
                Coupon.used_store_id == store_id,
                Coupon.state == "USED",
            )
        )
        first_visit = not earlier
    try:
        async with session.begin_nested():
            result = await session.execute(
                update(Coupon)
                .where(Coupon.id == coupon.id, Coupon.state == "SENDED")
                .values(
                    state="USED",
                    used_at=at,
                    use_request_no=use_request_no,
                    used_store_id=store_id,
                    used_by=used_by,
                    first_visit=first_visit,
                    order_total=order_total,
                    discount=discount,
                )
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        raise UseRefused("request_reused", "use_request_no 已用于其他券 (used for another coupon)") from None
    await session.refresh(coupon)
    if not getattr(result, "rowcount", 0):
        if coupon.state == "USED" and coupon.use_request_no == use_request_no:
            return Redemption(coupon, stock, True)
        raise UseRefused("used", "券已被其他订单核销 (the coupon was already used)")
    await session.execute(
        update(Stock)
        .where(Stock.id == stock.id)
        .values(used=Stock.used + 1)
        .execution_options(synchronize_session=False)
    )
    await events.emit(
        session,
        coupon.app_id,
        "coupon_use",
        {"stock_id": stock.stock_id, "store_id": store_id or 0, "first_visit": first_visit},
        f"user:{coupon.user_id}",
        value=order_total,
    )
    return Redemption(coupon, stock, False)


async def give_back(session: AsyncSession, coupon: Coupon, stock: Stock, return_request_no: str) -> datetime:
    """A used coupon becomes usable again (the order was refunded): USED → SENDED, once per
    ``return_request_no``. Answers when it was returned."""
    if coupon.state == "SENDED" and coupon.return_request_no == return_request_no:
        return now()
    if coupon.state != "USED":
        raise UseRefused("not_used", "券未核销，无需退券 (the coupon is not used)")
    at = now()
    result = await session.execute(
        update(Coupon)
        .where(Coupon.id == coupon.id, Coupon.state == "USED")
        .values(
            state="SENDED",
            return_request_no=return_request_no,
            used_at=None,
            use_request_no=None,
            used_store_id=None,
            used_by=None,
            first_visit=False,
            order_total=None,
            discount=None,
            transaction_id=None,
        )
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0):
        await session.execute(
            update(Stock)
            .where(Stock.id == stock.id, Stock.used > 0)
            .values(used=Stock.used - 1)
            .execution_options(synchronize_session=False)
        )
    await session.refresh(coupon)
    return at


async def deactivate(session: AsyncSession, coupon: Coupon, request_no: str) -> datetime:
    """SENDED → DEACTIVATED (使失效), once per ``deactivate_request_no``."""
    if coupon.state == "DEACTIVATED" and coupon.deactivate_request_no == request_no:
        return now()
    result = await session.execute(
        update(Coupon)
        .where(Coupon.id == coupon.id, Coupon.state == "SENDED")
        .values(state="DEACTIVATED", deactivate_request_no=request_no)
        .execution_options(synchronize_session=False)
    )
    await session.refresh(coupon)
    if not getattr(result, "rowcount", 0):
        raise UseRefused(coupon.state.lower(), f"券状态 {coupon.state} 不能失效")
    return now()
