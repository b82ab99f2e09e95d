"""Stocks made and switched on and off, and coupons claimed from them.

A claim first takes one coupon from the stock's budget by a conditional UPDATE
(``issued = issued + 1 WHERE issued < max_coupons AND state = 'running'``). That statement is also
the claim's lock: on PostgreSQL it holds the stock's row until the transaction ends, on SQLite the
database's single writer, so everything after it (the per-user and per-day counts, the idempotent
``out_request_no``, the uploaded code taken) runs one claim at a time per stock and reads what the
previous claim committed. A claim that fails after the UPDATE raises, and the caller rolls back:
nothing is half-written. 200 racing claims for the last 50 coupons therefore issue exactly 50."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import events
from hutong.server.coupons import budget, notify, rules
from hutong.server.coupons.models import ClaimCount, Coupon, Stock, UploadedCode
from hutong.server.payments.ids import BEIJING, aware, now
from hutong.server.payments.models import Merchant
from hutong.server.wechatpay.errors import PayError

# Which state each action may start from, and where it leads.
MOVES: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({"draft"}), "running"),
    "pause": (frozenset({"running"}), "paused"),
    "restart": (frozenset({"paused"}), "running"),
    "stop": (frozenset({"draft", "running", "paused"}), "stopped"),
}


# The states a stock leaves for "expired" when its end date passes.
ACTIVE = ("draft", "running", "paused", "exhausted")


class ClaimRefused(PayError):
    """A claim the stock's rules refuse; ``reason`` is stable for the host and the tests."""

    def __init__(self, reason: str, message: str, status: int = 400, code: str = "INVALID_REQUEST") -> None:
        super().__init__(status, code, message)
        self.reason = reason


async def create_stock(
    session: AsyncSession, merchant: Merchant, family: str, body: Any, *, state: str
) -> Stock:
    """A new stock from a WeChat body; the same ``out_request_no`` with the same body is the same stock,
    with another body ``400 INVALID_REQUEST``."""
    fields = rules.busifavor_fields(body) if family == "busifavor" else rules.favor_fields(body)
    out_request_no = body.get("out_request_no") if isinstance(body, dict) else None
    if not isinstance(out_request_no, str) or not 1 <= len(out_request_no) <= 128:
        raise PayError(400, "PARAM_ERROR", "缺少参数 out_request_no", {"field": "out_request_no"})
    belong = body.get("belong_merchant") or body.get("stock_creator_mchid")
    if belong is not None and belong != merchant.mchid:
        raise PayError(400, "MCH_NOT_EXISTS", "belong_merchant 与请求认证的商户号不一致")
    digest = rules.request_hash(family, body)
    existing = await _by_out_request_no(session, merchant, family, out_request_no)
    if existing is None:
        stock = Stock(
            stock_id=rules.new_stock_id(),
            merchant_id=merchant.id,
            family=family,
            out_request_no=out_request_no,
            request_hash=digest,
            state=state,
            created_at=now(),
            **fields,
        )
        try:
            async with session.begin_nested():
                session.add(stock)
            return stock
        except IntegrityError:
            existing = await _by_out_request_no(session, merchant, family, out_request_no)
            if existing is None:
                raise
    if existing.request_hash != digest:
        raise PayError(400, "INVALID_REQUEST", "out_request_no 重复 (another body used this number)")
    return existing


async def _by_out_request_no(
    session: AsyncSession, merchant: Merchant, family: str, out_request_no: str
) -> Stock | None:
    return await session.scalar(
        select(Stock).where(
            Stock.merchant_id == merchant.id, Stock.family == family, Stock.out_request_no == out_request_no
        )
    )


async def stock_of(session: AsyncSession, merchant: Merchant, stock_id: str) -> Stock:
    stock = await session.scalar(
        select(Stock).where(Stock.stock_id == stock_id, Stock.merchant_id == merchant.id)
    )
    if stock is None:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "批次不存在 (no such stock of this merchant)")
    await refresh_state(session, stock)
    return stock


async def refresh_state(session: AsyncSession, stock: Stock) -> None:
    """A stock past its end date is expired (recorded when someone looks); a voucher stock's unspent
    budget goes back to the marketing account then."""
    if stock.state in ACTIVE and aware(stock.ends_at) <= now():
        result = await session.execute(
            update(Stock)
            .where(Stock.id == stock.id, Stock.state.in_(ACTIVE))
            .values(state="expired", updated_at=now())
            .execution_options(synchronize_session=False)
        )
        await session.refresh(stock)
        if getattr(result, "rowcount", 0):
            await budget.moved(session, stock, "expire")


async def move(session: AsyncSession, stock: Stock, action: str) -> Stock:
    """start, pause, restart or stop, by a conditional UPDATE; a move the state forbids is refused.
    Starting a voucher stock locks its budget (refused, and rolled back with the caller's transaction,
    when the marketing account cannot cover it); stopping one releases what is left."""
    sources, target = MOVES[action]
    result = await session.execute(
        update(Stock)
        .where(Stock.id == stock.id, Stock.state.in_(sources))
        .values(state=target, updated_at=now())
        .execution_options(synchronize_session=False)
    )
    await session.refresh(stock)
    if not getattr(result, "rowcount", 0):
        if stock.state != target:
            raise PayError(400, "INVALID_REQUEST", f"批次状态 {stock.state} 不允许此操作 ({action})")
        return stock
    await budget.moved(session, stock, action)
    return stock


async def upload_codes(session: AsyncSession, stock: Stock, codes: Any) -> tuple[int, list[str]]:
    """A MERCHANT_UPLOAD stock's codes: (how many were added, the ones it already had)."""
    if stock.code_mode != "MERCHANT_UPLOAD":
        raise PayError(400, "INVALID_REQUEST", "批次的 coupon_code_mode 不是 MERCHANT_UPLOAD")
    if not isinstance(codes, list) or not 1 <= len(codes) <= 200:
        raise PayError(400, "PARAM_ERROR", "coupon_code_list 须为 1 到 200 个券码")
    have = set(
        await session.scalars(
            select(UploadedCode.code).where(UploadedCode.stock_pk == stock.id, UploadedCode.code.in_(codes))
        )
    )
    added = 0
    for code in dict.fromkeys(codes):
        if not isinstance(code, str) or not 6 <= len(code) <= 32 or not code.isalnum():
            raise PayError(400, "PARAM_ERROR", f"券码格式错误: {str(code)[:32]!r}")
        if code not in have:
            session.add(UploadedCode(stock_pk=stock.id, code=code))
            added += 1
    await session.flush()
    return added, sorted(have)


@dataclass(frozen=True)
class Claimant:
    """Who receives a coupon: a host user, as one app's openid."""

    user_id: int
    app_id: int
    appid: str
    openid: str


async def _count(session: AsyncSession, stock: Stock, scope: str, limit: int) -> bool:
    """Add one to the stock's ``scope`` count if it stays within ``limit``; runs under the claim's lock."""
    row = await session.scalar(
        select(ClaimCount).where(ClaimCount.stock_pk == stock.id, ClaimCount.scope == scope)
    )
    if row is None:
        session.add(ClaimCount(stock_pk=stock.id, scope=scope, count=1))
        await session.flush()
        return limit >= 1
    result = await session.execute(
        update(ClaimCount)
        .where(ClaimCount.id == row.id, ClaimCount.count < limit)
        .values(count=ClaimCount.count + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def _take_uploaded_code(session: AsyncSession, stock: Stock) -> str:
    code = await session.scalar(
        select(UploadedCode)
        .where(UploadedCode.stock_pk == stock.id, UploadedCode.taken.is_(False))
        .order_by(UploadedCode.id)
        .limit(1)
    )
    if code is None:
        raise ClaimRefused("no_codes", "商户上传的券码已用完 (no uploaded codes left)")
    code.taken = True
    await session.flush()
    return code.code


async def claim(
    session: AsyncSession,
    stock: Stock,
    merchant: Merchant | None,  # None for a platform stock (no merchant to call back)
    claimant: Claimant,
    *,
    out_request_no: str | None,
    channel: str,
    scene: str | None = None,
    coupon_code: str | None = None,
) -> tuple[Coupon, bool]:
    """Issue one coupon of ``stock`` to ``claimant``: (the coupon, True if this call made it). The same
    ``out_request_no`` again answers the coupon it made. Raises ClaimRefused (and the caller rolls
    back) when the stock is not running, spent, or the user's or the day's limit is reached."""
    if out_request_no is not None:
        existing = await _by_request(session, stock, out_request_no)
        if existing is not None:
            return existing, False
    at = now()
    await refresh_state(session, stock)
    if stock.state != "running":
        reason = stock.state if stock.state in ("exhausted", "expired") else "not_running"
        raise ClaimRefused(reason, f"批次不可发放 (the stock is {stock.state})")
    if at < aware(stock.begins_at):
        raise ClaimRefused("not_started", "批次未开始 (the stock has not begun)")
    # The budget and the lock: see the module's docstring.
    taken = await session.execute(
        update(Stock)
        .where(Stock.id == stock.id, Stock.state == "running", Stock.issued < Stock.max_coupons)
        .values(issued=Stock.issued + 1, updated_at=at)
        .execution_options(synchronize_session=False)
    )
    if not getattr(taken, "rowcount", 0):
        raise ClaimRefused("exhausted", "批次已发完 (no coupons left)")
    if out_request_no is not None:  # a twin committed while this one waited for the lock
        existing = await _by_request(session, stock, out_request_no)
        if existing is not None:
            await session.execute(
                update(Stock)
                .where(Stock.id == stock.id)
                .values(issued=Stock.issued - 1)
                .execution_options(synchronize_session=False)
            )
            return existing, False
    if not await _count(session, stock, f"user:{claimant.user_id}", stock.max_coupons_per_user):
        raise ClaimRefused("user_limit", "已达到每人领取上限 (this user has claimed the most allowed)")
    if stock.max_coupons_by_day:
        day = at.astimezone(BEIJING).date().isoformat()
        if not await _count(session, stock, f"day:{day}", stock.max_coupons_by_day):
            raise ClaimRefused("day_limit", "今日已发完 (today's coupons are gone)")
    if stock.code_mode == "MERCHANT_UPLOAD":
        code = await _take_uploaded_code(session, stock)
    elif stock.code_mode == "MERCHANT_API" and coupon_code:
        code = coupon_code
    else:
        code = rules.new_code()
    valid_from, valid_until = rules.validity(stock, at)
    coupon = Coupon(
        coupon_id=rules.new_coupon_id(),
        coupon_code=code,
        stock_pk=stock.id,
        user_id=claimant.user_id,
        app_id=claimant.app_id,
        appid=claimant.appid,
        openid=claimant.openid,
        state="SENDED",
        out_request_no=out_request_no,
        send_channel=channel,
        scene=scene,
        claimed_at=at,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    session.add(coupon)
    try:
        await session.flush()
    except IntegrityError:
        raise ClaimRefused("code_taken", "券码已存在 (this coupon code was issued before)") from None
    await session.execute(
        update(Stock)
        .where(Stock.id == stock.id, Stock.issued >= Stock.max_coupons, Stock.state == "running")
        .values(state="exhausted")
        .execution_options(synchronize_session=False)
    )
    await session.refresh(stock)
    await notify.enqueue_claim(session, merchant, stock, coupon)
    await events.emit(
        session,
        claimant.app_id,
        "coupon_claim",
        {"stock_id": stock.stock_id, "channel": channel, "scene": scene or ""},
        f"user:{claimant.user_id}",
    )
    return coupon, True


async def _by_request(session: AsyncSession, stock: Stock, out_request_no: str) -> Coupon | None:
    return await session.scalar(
        select(Coupon).where(Coupon.stock_pk == stock.id, Coupon.out_request_no == out_request_no)
    )


def day_of(moment: datetime) -> str:
    return aware(moment).astimezone(BEIJING).date().isoformat()
