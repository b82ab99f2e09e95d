"""Orders: JSAPI and Native, direct and partner (service provider) forms; the same ``out_trade_no`` with
the same body is the same order, with another body it is refused (INVALID_REQUEST, "201 商户订单号重复");
``trade_state`` moves only along WeChat's legal transitions, by conditional updates."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.identity.models import OpenId
from hutong.server.payments import ids, merchants, validate
from hutong.server.payments.models import PAID_STATES, Merchant, Order
from hutong.server.wechatpay.errors import PayError, not_found, param_error

PREPAY_LIFETIME = timedelta(hours=2)
DEFAULT_ORDER_LIFETIME = timedelta(days=7)

STATE_DESC = {
    "SUCCESS": "支付成功",
    "REFUND": "转入退款",
    "NOTPAY": "未支付",
    "CLOSED": "已关闭",
    "REVOKED": "已撤销",
    "USERPAYING": "用户支付中",
    "PAYERROR": "支付失败",
}
# Where each state may go (WeChat's state machine; REFUND stays REFUND as more refunds come).
TRANSITIONS: dict[str, frozenset[str]] = {
    "NOTPAY": frozenset({"USERPAYING", "SUCCESS", "CLOSED", "PAYERROR", "REVOKED"}),
    "USERPAYING": frozenset({"SUCCESS", "PAYERROR", "REVOKED", "CLOSED"}),
    "PAYERROR": frozenset({"CLOSED", "REVOKED"}),
    # SUCCESS → REVOKED: a counter (MICROPAY) payment reversed by the till, the money going back.
    "SUCCESS": frozenset({"REFUND", "REVOKED"}),
    "REFUND": frozenset({"REFUND"}),
    "CLOSED": frozenset(),
    "REVOKED": frozenset(),
}


def sources_of(target: str) -> list[str]:
    return sorted(state for state, targets in TRANSITIONS.items() if target in targets)


async def transition(session: AsyncSession, order: Order, target: str, **values: Any) -> bool:
    """Move ``order`` to ``target`` if its state in the database still allows it; True if this call did.
    Of two racing calls only one matches the WHERE clause (the row lock on PostgreSQL, the single
    writer on SQLite)."""
    result = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.trade_state.in_(sources_of(target)))
        .values(trade_state=target, updated_at=ids.now(), **values)
        .execution_options(synchronize_session=False)
    )
    changed = bool(getattr(result, "rowcount", 0))
    await session.refresh(order)
    return changed


@dataclass(frozen=True)
class Parties:
    """Who an order is for, once the body's appids, mchids and openid are checked."""

    merchant: Merchant  # the merchant paid (the sub-merchant in partner mode)
    sp_merchant: Merchant | None
    app: App  # the app the user pays in
    appid: str
    sp_appid: str | None
    sub_appid: str | None
    openid: str | None
    openid_kind: str
    payer_user_id: int | None


async def _openid_user(session: AsyncSession, app: App, openid: str) -> int:
    user_id = await session.scalar(
        select(OpenId.user_id).where(OpenId.app_id == app.id, OpenId.openid == openid)
    )
    if user_id is None:
        raise PayError(
            400, "OPENID_MISMATCH", "openid 和 appid 不匹配 (the openid is not one of this appid's)"
        )
    return user_id


async def _bound(session: AsyncSession, merchant: Merchant, appid: str) -> App:
    app = await merchants.bound_app(session, merchant, appid)
    if app is None:
        raise PayError(
            400, "APPID_MCHID_NOT_MATCH", "appid 和 mch_id 不匹配 (the appid is not bound to the merchant)"
        )
    return app


async def direct_parties(
    session: AsyncSession, caller: Merchant, body: dict[str, Any], jsapi: bool
) -> Parties:
    appid = validate.text(body, "appid", 32)
    mchid = validate.text(body, "mchid", 32)
    assert appid is not None and mchid is not None
    if mchid != caller.mchid:
        raise PayError(
            400, "MCH_NOT_EXISTS", "mchid 与请求认证的商户号不一致 (mchid is not the signing merchant)"
        )
    app = await _bound(session, caller, appid)
    openid = user_id = None
    if jsapi:
        payer = validate.obj(body, "payer")
        openid = validate.text(payer, "openid", 128)
        assert openid is not None
        user_id = await _openid_user(session, app, openid)
    return Parties(caller, None, app, appid, None, None, openid, "openid", user_id)


async def partner_parties(session: AsyncSession, caller: Merchant, body: dict[str, Any]) -> Parties:
    sp_appid = validate.text(body, "sp_appid", 32)
    sp_mchid = validate.text(body, "sp_mchid", 32)
    sub_mchid = validate.text(body, "sub_mchid", 32)
    sub_appid = validate.text(body, "sub_appid", 32, required=False)
    assert sp_appid is not None and sp_mchid is not None and sub_mchid is not None
    if sp_mchid != caller.mchid:
        raise PayError(400, "MCH_NOT_EXISTS", "sp_mchid 与请求认证的商户号不一致")
    sub = await merchants.by_mchid(session, sub_mchid)
    if sub is None or sub.service_provider_id != caller.id:
        raise PayError(400, "NO_AUTH", "特约商户不属于该服务商 (the sub-merchant is not this provider's)")
    sp_app = await _bound(session, caller, sp_appid)
    sub_app = await _bound(session, sub, sub_appid) if sub_appid else None
    payer = validate.obj(body, "payer")
    sp_openid = validate.text(payer, "sp_openid", 128, required=False)
    sub_openid = validate.text(payer, "sub_openid", 128, required=False)
    if bool(sp_openid) == bool(sub_openid):
        raise param_error("payer 须且只须填 sp_openid 或 sub_openid 之一", "payer")
    if sub_openid:
        if sub_app is None:
            raise param_error("使用 sub_openid 时 sub_appid 必填", "sub_appid")
        user_id = await _openid_user(session, sub_app, sub_openid)
        return Parties(sub, caller, sub_app, sub_app.appid, sp_appid, sub_appid, sub_openid, "sub", user_id)
    assert sp_openid is not None
    user_id = await _openid_user(session, sp_app, sp_openid)
    # The user pays inside the sub-merchant's app when there is one: paySign's appId is sub_appid.
    paying_app = sub_app or sp_app
    return Parties(sub, caller, paying_app, paying_app.appid, sp_appid, sub_appid, sp_openid, "sp", user_id)


def request_hash(kind: str, body: dict[str, Any]) -> str:
    canonical = json.dumps([kind, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


async def create(
    session: AsyncSession,
    caller: Merchant,
    kind: str,
    body: Any,
    *,
    allow_plain_http: bool = False,
) -> Order:
    """``kind`` is "jsapi", "native" or "partner_jsapi". Answers the order (new, or the same one again)."""
    if not isinstance(body, dict):
        raise param_error("请求体须为 JSON 对象")
    if kind == "partner_jsapi":
        parties = await partner_parties(session, caller, body)
    else:
        parties = await direct_parties(session, caller, body, jsapi=kind == "jsapi")
    description = validate.text(body, "description", 127)
    out_trade_no = validate.out_trade_no(body.get("out_trade_no"))
    notify_prefixes = (parties.sp_merchant or parties.merchant).notify_prefixes or []
    notify_url = validate.notify_url(body.get("notify_url"), notify_prefixes, allow_plain_http)
    attach = validate.text(body, "attach", 128, required=False)
    goods_tag = validate.text(body, "goods_tag", 32, required=False)
    store_info_id = validate.store_info_id(body)
    amount = validate.obj(body, "amount")
    total = validate.fen(amount, "total", "amount.total")
    currency = validate.currency(amount, "amount.currency")
    now = ids.now()
    time_expire = None
    if body.get("time_expire") is not None:
        try:
            time_expire = ids.parse_rfc3339(str(body["time_expire"]))
        except ValueError as error:
            raise param_error("time_expire 格式错误 (RFC 3339 with a time zone)", "time_expire") from error
        if time_expire <= now:
            raise param_error("time_expire 已过期 (already past)", "time_expire")
    digest = request_hash(kind, body)

    existing = await by_out_trade_no(session, parties.merchant, out_trade_no)
    if existing is None:
        order = Order(
            merchant_id=parties.merchant.id,
            sp_merchant_id=parties.sp_merchant.id if parties.sp_merchant else None,
            app_id=parties.app.id,
            appid=parties.appid,
            sp_appid=parties.sp_appid,
            sub_appid=parties.sub_appid,
            out_trade_no=out_trade_no,
            transaction_id=ids.new_transaction_id(now),
            trade_type="NATIVE" if kind == "native" else "JSAPI",
            trade_state="NOTPAY",
            description=description,
            attach=attach,
            goods_tag=goods_tag,
            store_info_id=store_info_id,
            notify_url=notify_url,
            amount_total=total,
            currency=currency,
            payer_openid=parties.openid,
            payer_openid_kind=parties.openid_kind,
            payer_user_id=parties.payer_user_id,
            prepay_id=ids.new_prepay_id(now),
            prepay_expires_at=now + PREPAY_LIFETIME,
            code_url=ids.new_code_url() if kind == "native" else None,
            time_expire=time_expire,
            request_hash=digest,
            created_at=now,
        )
        try:
            async with session.begin_nested():
                session.add(order)
            return order
        except IntegrityError:  # the same out_trade_no at the same moment: compare with the winner
            existing = await by_out_trade_no(session, parties.merchant, out_trade_no)
            if existing is None:
                raise
    if existing.request_hash != digest:
        raise PayError(400, "INVALID_REQUEST", "201 商户订单号重复")
    if existing.trade_state in PAID_STATES:
        raise PayError(400, "ORDERPAID", "该订单已支付")
    if existing.trade_state in ("CLOSED", "REVOKED"):
        raise PayError(400, "ORDER_CLOSED", "订单已关闭")
    if existing.prepay_expires_at is None or ids.aware(existing.prepay_expires_at) <= now:
        # An expired prepay_id is replaced, as WeChat issues a fresh one for the same order.
        existing.prepay_id = ids.new_prepay_id(now)
        existing.prepay_expires_at = now + PREPAY_LIFETIME
        await session.flush()
    return existing


async def by_out_trade_no(session: AsyncSession, merchant: Merchant, out_trade_no: str) -> Order | None:
    return await session.scalar(
        select(Order).where(Order.merchant_id == merchant.id, Order.out_trade_no == out_trade_no)
    )


async def find(
    session: AsyncSession,
    merchant: Merchant,
    *,
    out_trade_no: str | None = None,
    transaction_id: str | None = None,
) -> Order:
    """An order of ``merchant`` by either number; by transaction_id only once it was paid (WeChat's
    transaction ids exist from payment on)."""
    query = select(Order).where(Order.merchant_id == merchant.id)
    if out_trade_no is not None:
        query = query.where(Order.out_trade_no == out_trade_no)
    else:
        query = query.where(Order.transaction_id == transaction_id, Order.success_time.is_not(None))
    order = await session.scalar(query)
    if order is None:
        raise not_found()
    return order


def is_expired(order: Order, at: datetime) -> bool:
    return order.time_expire is not None and ids.aware(order.time_expire) <= at


async def close(session: AsyncSession, order: Order) -> None:
    """Close an unpaid order (204). A paid one cannot be closed."""
    if order.trade_state == "CLOSED":
        return
    if not await transition(session, order, "CLOSED"):
        if order.trade_state in PAID_STATES:
            raise PayError(400, "ORDERPAID", "订单已支付，不能关闭")
        if order.trade_state == "CLOSED":
            return
        raise PayError(400, "ORDER_CLOSED", "订单状态不允许关闭")


def transaction(order: Order, merchant: Merchant, sp_merchant: Merchant | None) -> dict[str, Any]:
    """The Transaction object of the query APIs and TRANSACTION.* notifications (direct or partner)."""
    paid = order.success_time is not None
    body: dict[str, Any] = {}
    if sp_merchant is not None:
        body.update(sp_appid=order.sp_appid, sp_mchid=sp_merchant.mchid, sub_mchid=merchant.mchid)
        if order.sub_appid:
            body["sub_appid"] = order.sub_appid
    else:
        body.update(appid=order.appid, mchid=merchant.mchid)
    body.update(out_trade_no=order.out_trade_no)
    if paid:
        body["transaction_id"] = order.transaction_id
    body.update(trade_type=order.trade_type, trade_state=order.trade_state)
    body["trade_state_desc"] = STATE_DESC[order.trade_state]
    if paid:
        body["bank_type"] = order.bank_type or "OTHERS"
    if order.attach is not None:
        body["attach"] = order.attach
    if paid:
        body["success_time"] = ids.rfc3339(order.success_time)
    if order.payer_openid:
        key = {"sp": "sp_openid", "sub": "sub_openid"}.get(order.payer_openid_kind, "openid")
        body["payer"] = {key: order.payer_openid}
    amount: dict[str, Any] = {"total": order.amount_total, "currency": order.currency}
    if paid:
        amount["payer_total"] = order.payer_total if order.payer_total is not None else order.amount_total
    amount["payer_currency"] = order.currency
    body["amount"] = amount
    if paid and order.promotion_detail:
        body["promotion_detail"] = order.promotion_detail
    return body
