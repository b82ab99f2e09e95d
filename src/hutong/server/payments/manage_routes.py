"""The console's API for merchant accounts: an organization's owners create merchants, set their keys,
APIv3 key, bound apps and rules; members who may see payments read them. A bearer token or a browser
session with its CSRF token (accounts/auth.py); every call checks the caller's role."""

from __future__ import annotations

import hashlib
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.audit import service as audit
from hutong.server.deps import database, settings
from hutong.server.idempotency import Idempotency
from hutong.server.payments import ids, merchants, notify, refunds
from hutong.server.payments import probe as probing
from hutong.server.payments.models import Merchant, NotifyLog, Order
from hutong.server.problems import Problem
from hutong.server.providers.payments import authorized_service_provider
from hutong.server.ratelimit import Limiter
from hutong.server.wechatpay import api
from hutong.server.wechatpay.errors import PayError
from hutong.server.wechatpay.keys import KeyRing

router = APIRouter(prefix="/api", tags=["payments"])
Caller = Annotated[User, Depends(current_user)]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=80)]


class NewMerchant(BaseModel):
    name: str = Field(min_length=1, max_length=128)


class PublicKeyIn(BaseModel):
    public_key: str = Field(min_length=1, max_length=8192)


class ApiV3KeyIn(BaseModel):
    apiv3_key: str | None = Field(default=None, max_length=64)


class RulesIn(BaseModel):
    notify_prefixes: list[str] | None = Field(default=None, max_length=20)
    refund_roles: list[str] | None = Field(default=None, max_length=4)
    platform_key_mode: str | None = None


class ServiceProviderIn(BaseModel):
    sp_mchid: str | None = Field(default=None, max_length=32)


async def merchant_for(session: AsyncSession, user: User, mchid: str, action: Action) -> tuple[Merchant, str]:
    """The merchant and the caller's role, if the role allows ``action``; a stranger learns nothing."""
    merchant = await merchants.by_mchid(session, mchid)
    if merchant is None or await accounts.role_in(session, user, merchant.organization_id) is None:
        raise Problem(404, "merchant_not_found", f"no merchant {mchid!r}")
    role = await accounts.require(session, user, merchant.organization_id, action)
    return merchant, role


async def describe(session: AsyncSession, ring: KeyRing, merchant: Merchant) -> dict[str, Any]:
    provider = (
        await session.get(Merchant, merchant.service_provider_id) if merchant.service_provider_id else None
    )
    return {
        "mchid": merchant.mchid,
        "name": merchant.name,
        "organization_id": merchant.organization_id,
        "serial_no": merchant.serial_no,
        "public_key": merchant.public_key_pem,
        "apiv3_key_set": bool(merchant.apiv3_key),
        "notify_prefixes": merchant.notify_prefixes or [],
        "refund_roles": merchant.refund_roles or [],
        "platform_key_mode": merchant.platform_key_mode,
        "service_provider": provider.mchid if provider else None,
        "appids": await merchants.bound_appids(session, merchant),
        # What the merchant's SDK needs to check our signatures, in either mode.
        "platform_keys": [
            {
                "serial_no": key.serial_no,
                "public_key_id": key.public_key_id,
                "public_key": key.public_key_pem,
                "expire_time": key.not_after.isoformat(),
            }
            for key in ring.keys
        ],
    }


@router.post("/orgs/{org_id}/merchants", status_code=201)
async def create_merchant(request: Request, org_id: int, body: NewMerchant, user: Caller) -> dict[str, Any]:
    ring = await api.key_ring(request)  # before the session: it may write the first key
    async with database(request).session() as session:
        await accounts.require(session, user, org_id, Action.MANAGE_PAYMENTS)
        merchant = await merchants.create(session, org_id, body.name)
        await audit.record(session, None, user, "merchant.create", mchid=merchant.mchid, org_id=org_id)
        return await describe(session, ring, merchant)


@router.get("/orgs/{org_id}/merchants")
async def list_merchants(request: Request, org_id: int, user: Caller) -> list[dict[str, Any]]:
    async with database(request).session() as session:
        await accounts.require(session, user, org_id, Action.VIEW_PAYMENTS)
        rows = await session.scalars(
            select(Merchant).where(Merchant.organization_id == org_id).order_by(Merchant.id)
        )
        return [{"mchid": m.mchid, "name": m.name} for m in rows]


@router.get("/merchants/{mchid}")
async def get_merchant(request: Request, mchid: str, user: Caller) -> dict[str, Any]:
    ring = await api.key_ring(request)  # before the session: it may write the first key
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        return await describe(session, ring, merchant)


@router.put("/merchants/{mchid}/public-key")
async def set_public_key(request: Request, mchid: str, body: PublicKeyIn, user: Caller) -> dict[str, Any]:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        serial = merchants.set_public_key(merchant, body.public_key)
        await audit.record(session, None, user, "merchant.public_key", mchid=mchid, serial_no=serial)
        return {"serial_no": serial}


@router.post("/merchants/{mchid}/keypair")
async def generate_keypair(request: Request, mchid: str, user: Caller) -> dict[str, Any]:
    """A new merchant key pair; the private key is in this answer only and is kept nowhere."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        issued = merchants.generate_key(merchant)
        await audit.record(session, None, user, "merchant.keypair", mchid=mchid, serial_no=issued.serial_no)
        return {"serial_no": issued.serial_no, "private_key": issued.private_key_pem}


@router.put("/merchants/{mchid}/apiv3-key")
async def set_apiv3_key(request: Request, mchid: str, body: ApiV3KeyIn, user: Caller) -> dict[str, Any]:
    """Set the APIv3 key, or make one (answered once) when none is given."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        key = merchants.set_apiv3_key(session, merchant, body.apiv3_key)
        await audit.record(session, None, user, "merchant.apiv3_key", mchid=mchid)
        return {"apiv3_key": key} if body.apiv3_key is None else {"apiv3_key_set": True}


@router.patch("/merchants/{mchid}")
async def set_rules(request: Request, mchid: str, body: RulesIn, user: Caller) -> dict[str, Any]:
    ring = await api.key_ring(request)  # before the session: it may write the first key
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        merchants.set_rules(merchant, body.notify_prefixes, body.refund_roles, body.platform_key_mode)
        await audit.record(
            session, None, user, "merchant.rules", mchid=mchid, **body.model_dump(exclude_none=True)
        )
        return await describe(session, ring, merchant)


@router.put("/merchants/{mchid}/apps/{appid}", status_code=204)
async def bind_app(request: Request, mchid: str, appid: str, user: Caller) -> None:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        app = await merchants.bind_app(session, merchant, appid)
        await audit.record(session, app.id, user, "merchant.bind_app", mchid=mchid)


@router.delete("/merchants/{mchid}/apps/{appid}", status_code=204)
async def unbind_app(request: Request, mchid: str, appid: str, user: Caller) -> None:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        await merchants.unbind_app(session, merchant, appid)
        await audit.record(session, None, user, "merchant.unbind_app", mchid=mchid, appid=appid)


@router.put("/merchants/{mchid}/service-provider")
async def set_service_provider(
    request: Request, mchid: str, body: ServiceProviderIn, user: Caller
) -> dict[str, Any]:
    """Make ``mchid`` a sub-merchant of ``sp_mchid`` (partner mode): the caller must manage both, or
    ``sp_mchid`` is the account of a third-party platform one of the merchant's apps authorized."""
    ring = await api.key_ring(request)  # before the session: it may write the first key
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        if body.sp_mchid is None:
            merchant.service_provider_id = None
        else:
            try:
                provider, _ = await merchant_for(session, user, body.sp_mchid, Action.MANAGE_PAYMENTS)
            except Problem:
                # A third-party platform one of this merchant's apps authorized (providers/payments.py).
                found = await authorized_service_provider(session, merchant, body.sp_mchid)
                if found is None:
                    raise
                provider = found
            if provider.id == merchant.id:
                raise Problem(
                    422, "invalid_service_provider", "a merchant cannot be its own service provider"
                )
            merchant.service_provider_id = provider.id
        await audit.record(
            session, None, user, "merchant.service_provider", mchid=mchid, sp_mchid=body.sp_mchid
        )
        return await describe(session, ring, merchant)


class ConsoleRefundIn(BaseModel):
    out_trade_no: str = Field(min_length=6, max_length=32)
    amount: int = Field(gt=0, description="fen")
    reason: str = Field(min_length=1, max_length=80)
    # The console makes one per form, so a double submit is one refund.
    out_refund_no: str | None = Field(default=None, min_length=1, max_length=64)


class ProbeIn(BaseModel):
    url: str = Field(min_length=8, max_length=256)


def _order_row(order: Order) -> dict[str, Any]:
    paid = order.success_time is not None
    return {
        "out_trade_no": order.out_trade_no,
        "transaction_id": order.transaction_id if paid else None,
        "appid": order.appid,
        "trade_type": order.trade_type,
        "trade_state": order.trade_state,
        "description": order.description,
        "amount_total": order.amount_total,
        "refunded_total": order.refunded_total,
        "success_time": ids.rfc3339(order.success_time),
        "created_at": ids.rfc3339(order.created_at),
    }


@router.get("/merchants/{mchid}/orders")
async def list_orders(
    request: Request, mchid: str, user: Caller, q: str = "", limit: int = Query(default=50, ge=1, le=200)
) -> list[dict[str, Any]]:
    """Newest first; ``q`` finds an out_trade_no or a transaction_id by its beginning."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        query = select(Order).where(Order.merchant_id == merchant.id)
        if q:
            pattern = q.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
            query = query.where(
                or_(
                    Order.out_trade_no.like(pattern, escape="\\"),
                    Order.transaction_id.like(pattern, escape="\\"),
                )
            )
        rows = await session.scalars(query.order_by(Order.id.desc()).limit(limit))
        return [_order_row(order) for order in rows]


def keyed_refund_no(mchid: str, user_id: int, key: str) -> str:
    """The out_refund_no an Idempotency-Key stands for (the caller's own: scoped to merchant and user)."""
    return "IK" + hashlib.sha256(f"{mchid}:{user_id}:{key}".encode()).hexdigest()[:30]


@router.post("/merchants/{mchid}/refunds", status_code=201)
async def console_refund(
    request: Request, mchid: str, body: ConsoleRefundIn, user: Caller, key: IdempotencyKey = None
) -> dict[str, Any]:
    """A refund from the console: only the roles the merchant lets refund, always with a reason. The
    refund is its ``out_refund_no`` (WeChat's natural key); without one, an ``Idempotency-Key`` names
    it: the same key again answers the same refund, with another body ``422 idempotency_key_reused``."""
    async with database(request).session() as session:
        merchant, role = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        if not merchants.may_refund(merchant, role):
            raise Problem(403, "refund_forbidden", f"your role ({role}) may not refund for this merchant")
        order = await session.scalar(
            select(Order).where(Order.merchant_id == merchant.id, Order.out_trade_no == body.out_trade_no)
        )
        if order is None:
            raise Problem(404, "order_not_found", f"no order {body.out_trade_no!r}")
        provider = await session.get(Merchant, order.sp_merchant_id) if order.sp_merchant_id else None
        request_body = {
            "out_trade_no": body.out_trade_no,
            "out_refund_no": body.out_refund_no
            or (keyed_refund_no(mchid, user.id, key) if key else "HT" + secrets.token_hex(15)),
            "reason": body.reason,
            "amount": {"refund": body.amount, "total": order.amount_total, "currency": order.currency},
        }
        try:
            refund, order = await refunds.create(
                session, merchant, provider, request_body, requested_by=f"console:{user.id}"
            )
        except PayError as error:
            if key and not body.out_refund_no and "used for another refund" in error.message:
                raise Problem(
                    422, "idempotency_key_reused", "this Idempotency-Key was used for a different refund"
                ) from error
            raise Problem(409 if error.status == 403 else 422, "refund_refused", error.message) from error
        await audit.record(
            session,
            order.app_id,
            user,
            "payment.refund",
            mchid=mchid,
            out_trade_no=order.out_trade_no,
            out_refund_no=refund.out_refund_no,
            amount=refund.amount,
            reason=body.reason,
        )
        return refunds.answer(refund, order)


@router.get("/merchants/{mchid}/notifications")
async def list_notifications(
    request: Request, mchid: str, user: Caller, limit: int = Query(default=50, ge=1, le=200)
) -> list[dict[str, Any]]:
    """Each notification with its delivery state and every attempt's answer."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        logs = await session.scalars(
            select(NotifyLog)
            .where(NotifyLog.merchant_id == merchant.id)
            .order_by(NotifyLog.id.desc())
            .limit(limit)
        )
        found = []
        for log in logs:
            job = await outbox.job_by_key(session, notify.TOPIC, log.job_key)
            tries = await outbox.attempts_of(session, job.id) if job is not None else []
            found.append(
                {
                    "id": log.notify_id,
                    "event_type": log.event_type,
                    "subject": log.subject,
                    "url": log.url,
                    "state": job.state if job is not None else "unknown",
                    "attempts": [
                        {
                            "number": attempt.number,
                            "started_at": ids.rfc3339(attempt.started_at),
                            "status": attempt.status,
                            "answer": attempt.response,
                            "error": attempt.error,
                            "ms": attempt.duration_ms,
                        }
                        for attempt in tries
                    ],
                }
            )
        return found


async def _resend(session: AsyncSession, mchid: str, notify_id: str, user: User) -> dict[str, Any]:
    merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
    log = await session.scalar(
        select(NotifyLog).where(NotifyLog.merchant_id == merchant.id, NotifyLog.notify_id == notify_id)
    )
    job = await outbox.job_by_key(session, notify.TOPIC, log.job_key) if log is not None else None
    if log is None or job is None:
        raise Problem(404, "notification_not_found", "no such notification")
    if not await outbox.resend(session, job.id):
        raise Problem(409, "notification_pending", "this notification is still being delivered")
    await audit.record(session, None, user, "payment.notification_resend", mchid=mchid, notify_id=notify_id)
    return {"resent": True}


async def resend_notification(request: Request, mchid: str, notify_id: str, user: User) -> dict[str, Any]:
    """Deliver a notification again (the console's button; the API route below adds the key)."""
    async with database(request).session() as session:
        return await _resend(session, mchid, notify_id, user)


@router.post("/merchants/{mchid}/notifications/{notify_id}/resend", status_code=202)
async def resend_notification_api(mchid: str, notify_id: str, user: Caller, idem: Idempotency) -> Response:
    """Deliver a notification again; with an Idempotency-Key a retried click is answered, not resent."""
    return await idem.run(
        f"user:{user.id}", lambda session: _resend(session, mchid, notify_id, user), status_code=202
    )


@router.post("/merchants/{mchid}/probe")
async def probe_endpoint(request: Request, mchid: str, body: ProbeIn, user: Caller) -> dict[str, Any]:
    """The console's probe button: `hutong pay probe` against the merchant's endpoint."""
    limiter: Limiter = request.app.state.limiter
    ring = await api.key_ring(request)
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        key = merchants.apiv3_key(session, merchant)
        appids = await merchants.bound_appids(session, merchant)
    if key is None:
        raise Problem(409, "apiv3_key_missing", "set the merchant's APIv3 key first")
    if await limiter.hit(f"payprobe:{mchid}", 6, 60) is not None:
        raise Problem(429, "rate_limited", "at most 6 probes a minute", retry_after=60)
    results = await probing.probe(
        body.url,
        mchid=mchid,
        appid=appids[0] if appids else "",
        apiv3_key=key,
        ring=ring,
        public_key_mode=merchant.platform_key_mode == "public_key",
        allow_networks=settings(request).egress_allow_networks,
    )
    return {
        "wrong": [result.case for result in results if result.wrong],
        "results": [
            {"case": r.case, "should": r.should, "status": r.status, "error": r.error, "wrong": r.wrong}
            for r in results
        ],
    }


async def _abnormal(
    session: AsyncSession, mchid: str, out_refund_no: str, user: User, retry: bool
) -> dict[str, Any]:
    """Close (the money back to the merchant) or retry an ABNORMAL refund: the roles that may refund."""
    merchant, role = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
    if not merchants.may_refund(merchant, role):
        raise Problem(403, "refund_forbidden", f"your role ({role}) may not refund for this merchant")
    try:
        refund, order = await refunds.find(session, merchant, out_refund_no)
    except PayError as error:
        raise Problem(404, "refund_not_found", error.message) from error
    done = await (refunds.retry_abnormal if retry else refunds.close_abnormal)(session, refund)
    if not done:
        raise Problem(409, "refund_not_abnormal", f"the refund is {refund.status}")
    action = "payment.refund_retry" if retry else "payment.refund_close"
    await audit.record(session, order.app_id, user, action, mchid=mchid, out_refund_no=out_refund_no)
    return refunds.answer(refund, order)


async def close_abnormal_refund(
    request: Request, mchid: str, out_refund_no: str, user: User
) -> dict[str, Any]:
    """An ABNORMAL refund (the payer's account is gone) closed: the money goes back to the merchant."""
    async with database(request).session() as session:
        return await _abnormal(session, mchid, out_refund_no, user, retry=False)


async def retry_abnormal_refund(
    request: Request, mchid: str, out_refund_no: str, user: User
) -> dict[str, Any]:
    """An ABNORMAL refund tried again: SUCCESS when the payer's account can take it now, else
    ABNORMAL again."""
    async with database(request).session() as session:
        return await _abnormal(session, mchid, out_refund_no, user, retry=True)


@router.post("/merchants/{mchid}/refunds/{out_refund_no}/close")
async def close_abnormal_refund_api(
    mchid: str, out_refund_no: str, user: Caller, idem: Idempotency
) -> Response:
    """close_abnormal_refund over the API, with an Idempotency-Key replaying the first answer."""
    return await idem.run(
        f"user:{user.id}", lambda session: _abnormal(session, mchid, out_refund_no, user, retry=False)
    )


@router.post("/merchants/{mchid}/refunds/{out_refund_no}/retry")
async def retry_abnormal_refund_api(
    mchid: str, out_refund_no: str, user: Caller, idem: Idempotency
) -> Response:
    """retry_abnormal_refund over the API, with an Idempotency-Key replaying the first answer."""
    return await idem.run(
        f"user:{user.id}", lambda session: _abnormal(session, mchid, out_refund_no, user, retry=True)
    )


@router.get("/merchants/{mchid}/partner")
async def partner(request: Request, mchid: str, user: Caller) -> dict[str, Any]:
    """Partner (service-provider) mode as this merchant sees it: its own service provider if it is a
    sub-merchant, its sub-merchants if it is a service provider, and the partner orders it took as
    the service provider (their sub-merchant's, made with sp_mchid = this merchant)."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        provider = (
            await session.get(Merchant, merchant.service_provider_id)
            if merchant.service_provider_id
            else None
        )
        subs = (
            await session.scalars(
                select(Merchant).where(Merchant.service_provider_id == merchant.id).order_by(Merchant.id)
            )
        ).all()
        rows = (
            await session.execute(
                select(Order, Merchant.mchid)
                .join(Merchant, Merchant.id == Order.merchant_id)
                .where(Order.sp_merchant_id == merchant.id)
                .order_by(Order.id.desc())
                .limit(100)
            )
        ).all()
        return {
            "service_provider": {"mchid": provider.mchid, "name": provider.name} if provider else None,
            "sub_merchants": [{"mchid": sub.mchid, "name": sub.name} for sub in subs],
            "orders": [
                {
                    **_order_row(order),
                    "sub_mchid": sub_mchid,
                    "sp_appid": order.sp_appid,
                    "sub_appid": order.sub_appid,
                }
                for order, sub_mchid in rows
            ],
        }
