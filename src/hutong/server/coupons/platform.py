"""Platform-funded voucher stocks (代金券 the platform itself issues, as WeChat Pay and banks do): a
platform operator makes one with WeChat's favor body plus ``available_merchants`` (the mchids whose
orders it may cut; none: any merchant's), starts, pauses and stops it, and sends its vouchers to users
by appid and openid. Its budget is locked from the platform's marketing account (``platform_marketing``,
the platform's promotion expense) when it starts, each payment with one of its vouchers takes the
discount from that budget to the paid merchant's pending balance (so the merchant still receives the
whole order, checkout.py), ``promotion_detail`` shows it as ``wechatpay_contribute``, and what it did
not spend goes back when it ends (budget.py). No merchant owns it: none can query, send or redeem it
through the merchant APIs. Its creator is the platform, so its COUPON.USE callback (WeChat sends it
to the stock's creator) goes where an operator set with ``PUT /api/operator/coupon-callbacks
{notify_url, apiv3_key}``, signed and encrypted like every payment notification and delivered through
the outbox (notify.py); ``stock_creator_mchid`` is ``""`` in it, ``consume_mchid`` the merchant paid.

Operator API (``reviewer`` or ``admin`` operators): ``POST/GET /api/operator/coupon-stocks``,
``POST …/{stock_id}/start|pause|restart|stop``, ``POST …/{stock_id}/send {appid, openid,
out_request_no}``; ``GET/PUT /api/operator/coupon-callbacks`` (``admin``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import ledger, sealing
from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.audit import service as audit
from hutong.server.coupons import budget, issuing, rules
from hutong.server.coupons.models import PLATFORM_CALLBACK_KEY_PURPOSE, PlatformCallback, Stock, Store
from hutong.server.deps import database, settings
from hutong.server.identity import service as identity
from hutong.server.payments import validate
from hutong.server.payments.ids import now, rfc3339
from hutong.server.payments.models import Merchant
from hutong.server.problems import Problem
from hutong.server.review.service import require_operator
from hutong.server.wechatpay.errors import PayError

router = APIRouter(prefix="/api/operator/coupon-stocks", tags=["coupons"])
callbacks_router = APIRouter(prefix="/api/operator/coupon-callbacks", tags=["coupons"])
Operator = Annotated[User, Depends(current_user)]


def _summary(stock: Stock, left: int | None = None) -> dict[str, Any]:
    return {
        "stock_id": stock.stock_id,
        "name": stock.name,
        "state": stock.state,
        "funded_by": stock.funded_by,
        "available_merchants": stock.available_mchids,
        "issued": stock.issued,
        "used": stock.used,
        "max_coupons": stock.max_coupons,
        "coupon_use_rule": rules.coupon_use_rule(stock),
        "begins_at": rfc3339(stock.begins_at),
        "ends_at": rfc3339(stock.ends_at),
        # The whole budget (coupon amount × max_coupons, WeChat's max_amount), and what the stock's
        # budget account still holds (locked at start, spent by payments, given back when it ends).
        "budget_fen": budget.needed(stock),
        "budget_left_fen": left if left is not None else 0,
    }


async def _out(session: AsyncSession, stock: Stock) -> dict[str, Any]:
    return _summary(stock, await ledger.balance(session, budget.account(stock)))


async def _stock(session: AsyncSession, stock_id: str) -> Stock:
    stock = await session.scalar(
        select(Stock).where(Stock.stock_id == stock_id, Stock.funded_by == "platform")
    )
    if stock is None:
        raise Problem(404, "stock_not_found", f"no platform stock {stock_id}")
    await issuing.refresh_state(session, stock)
    return stock


async def _check_stores(session: AsyncSession, store_ids: list[int], mchids: set[str]) -> None:
    """A platform stock's ``available_stores`` name stores that exist, of merchants it is open to (a
    voucher applies only to an order paid at one of them to that store's merchant, checkout.py)."""
    for store_id in store_ids:
        store = await session.get(Store, store_id)
        if store is None:
            raise Problem(422, "store_not_found", f"available_stores: no store {store_id}")
        merchant = await session.get(Merchant, store.merchant_id)
        if mchids and (merchant is None or merchant.mchid not in mchids):
            raise Problem(
                422,
                "store_not_available",
                f"available_stores: store {store_id} is not of a merchant in available_merchants",
            )


@router.post("", status_code=201)
async def create(request: Request, user: Operator) -> dict[str, Any]:
    """WeChat's favor stock body (``no_cash`` false) and ``available_merchants: [mchid, …]``; made as
    a draft. The same ``out_request_no`` again answers the same stock."""
    require_operator(user)
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise Problem(422, "invalid_stock", "a JSON object is needed")
    available = body.get("available_merchants", [])
    if not isinstance(available, list) or not all(isinstance(m, str) and m for m in available):
        raise Problem(422, "invalid_stock", "available_merchants: a list of mchids")
    number = body.get("out_request_no")
    if not isinstance(number, str) or not 1 <= len(number) <= 128:
        raise Problem(422, "invalid_stock", "out_request_no is required")
    try:
        fields = rules.favor_fields(body)
    except PayError as error:
        raise Problem(422, "invalid_stock", error.message) from None
    digest = rules.request_hash("platform", body)
    async with database(request).session() as session:
        existing = await session.scalar(
            select(Stock).where(
                Stock.merchant_id.is_(None), Stock.family == "favor", Stock.out_request_no == number
            )
        )
        if existing is not None:
            if existing.request_hash != digest:
                raise Problem(409, "request_no_reused", "out_request_no was used with another body")
            return await _out(session, existing)
        await _check_stores(session, fields.get("store_ids") or [], set(available))
        stock = Stock(
            stock_id=rules.new_stock_id(), merchant_id=None, family="favor", out_request_no=number,
            request_hash=digest, state="draft", created_at=now(),
            **{**fields, "funded_by": "platform"}, available_mchids=sorted(set(available)),
        )  # fmt: skip
        session.add(stock)
        await session.flush()
        await audit.record(
            session, None, user, "coupon_stock.create", stock_id=stock.stock_id, funded_by="platform"
        )
        return await _out(session, stock)


@router.get("")
async def list_stocks(request: Request, user: Operator) -> list[dict[str, Any]]:
    require_operator(user)
    async with database(request).session() as session:
        rows = list(
            await session.scalars(
                select(Stock).where(Stock.funded_by == "platform").order_by(Stock.id.desc()).limit(200)
            )
        )
        return [await _out(session, stock) for stock in rows]


class SendIn(BaseModel):
    appid: str = Field(min_length=1, max_length=64)
    openid: str = Field(min_length=1, max_length=128)
    out_request_no: str = Field(min_length=1, max_length=64)


@router.post("/{stock_id}/send")
async def send(request: Request, stock_id: str, body: SendIn, user: Operator) -> dict[str, Any]:
    """One voucher to the user behind ``openid`` in ``appid``; idempotent on ``out_request_no``."""
    require_operator(user)
    async with database(request).session() as session:
        stock = await _stock(session, stock_id)
        app = await identity.app_by_appid(session, body.appid)
        owner = await identity.user_for_openid(session, app, body.openid) if app is not None else None
        if app is None or owner is None:
            raise Problem(404, "user_not_found", "no such openid in that mini program")
        claimant = issuing.Claimant(owner, app.id, app.appid, body.openid)
        try:
            coupon, _ = await issuing.claim(
                session, stock, None, claimant, out_request_no=body.out_request_no, channel="API"
            )
        except issuing.ClaimRefused as refused:
            raise Problem(409, f"coupon_{refused.reason}", refused.message) from None
        return {"coupon_id": coupon.coupon_id, "stock_id": stock.stock_id}


@router.post("/{stock_id}/{action}")
async def move(request: Request, stock_id: str, action: str, user: Operator) -> dict[str, Any]:
    """start (locks the budget from the platform's marketing account), pause, restart, stop."""
    require_operator(user)
    if action not in issuing.MOVES:
        raise Problem(404, "unknown_action", "start, pause, restart or stop")
    async with database(request).session() as session:
        stock = await _stock(session, stock_id)
        try:
            await issuing.move(session, stock, action)
        except PayError as error:
            raise Problem(409, "invalid_state", error.message) from None
        await audit.record(session, None, user, f"coupon_stock.{action}", stock_id=stock_id)
        return await _out(session, stock)


class CallbackIn(BaseModel):
    notify_url: str = Field(min_length=1, max_length=255)
    apiv3_key: str | None = Field(default=None, max_length=64)
    public_key_mode: bool = False


def _callback_out(row: PlatformCallback | None) -> dict[str, Any]:
    return {
        "notify_url": (row.favor_url if row else None) or "",
        "apiv3_key_set": bool(row and row.apiv3_key),
        "public_key_mode": bool(row and row.public_key_mode),
    }


@callbacks_router.get("")
async def get_callback(request: Request, user: Operator) -> dict[str, Any]:
    require_operator(user)
    async with database(request).session() as session:
        return _callback_out(await session.get(PlatformCallback, 1))


@callbacks_router.put("")
async def set_callback(request: Request, body: CallbackIn, user: Operator) -> dict[str, Any]:
    """Where platform stocks' COUPON.USE goes (an https URL without a query, as WeChat's callbacks
    API takes), the 32-character APIv3 key it is encrypted under (kept sealed; omitted: unchanged),
    and whether it is signed with the platform's public key id instead of its certificate serial."""
    require_operator(user, "admin")
    allow_http = bool(settings(request).egress_allow_networks.strip())
    try:
        url = validate.notify_url(body.notify_url, [], allow_http)
    except PayError as error:
        raise Problem(422, "invalid_notify_url", error.message) from None
    async with database(request).session() as session:
        row = await session.get(PlatformCallback, 1)
        if row is None:
            row = PlatformCallback(id=1)
            session.add(row)
        if body.apiv3_key is not None:
            if not _apiv3_key_ok(body.apiv3_key):
                raise Problem(422, "invalid_apiv3_key", "the APIv3 key is 32 letters and digits")
            row.apiv3_key = sealing.keyring_of(session).seal(
                body.apiv3_key, purpose=PLATFORM_CALLBACK_KEY_PURPOSE
            )
        if row.apiv3_key is None:
            raise Problem(422, "invalid_apiv3_key", "an APIv3 key is needed to encrypt the callbacks")
        row.favor_url, row.public_key_mode = url, body.public_key_mode
        await session.flush()
        await audit.record(session, None, user, "coupon_callbacks.platform", notify_url=url)
        return _callback_out(row)


def _apiv3_key_ok(key: str) -> bool:
    return key.isascii() and key.isalnum() and len(key) == 32
