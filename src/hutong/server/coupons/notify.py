"""Coupon callbacks through the outbox, signed and encrypted exactly like payment notifications
(wechatpay/envelope.py): COUPON.SEND when a merchant coupon (busifavor) is claimed, COUPON.USE when a
voucher (favor) is used at payment. Enqueued in the claim's or the payment's own transaction, sent to
the URL the merchant set with ``/v3/marketing/{busifavor,favor}/callbacks`` (a platform-funded
stock's COUPON.USE to the URL an operator set for the platform, under the key the operator gave;
none set: nothing is sent), retried on WeChat Pay's schedule until the receiver answers 200 or 204
within 5 seconds."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox, sealing
from hutong.server.coupons.models import PLATFORM_CALLBACK_KEY_PURPOSE, CallbackSettings, PlatformCallback
from hutong.server.payments import merchants
from hutong.server.payments.ids import now, rfc3339
from hutong.server.payments.models import Merchant
from hutong.server.wechatpay import envelope
from hutong.server.wechatpay.keys import KeyCache

if TYPE_CHECKING:
    from hutong.server.coupons.models import Coupon, Stock

TOPIC = "coupons.notify"
ANSWER_SECONDS = 5.0
SEND_CHANNELS = {
    "MINIAPP": "BUSICOUPON_SEND_CHANNEL_MINIAPP",
    "API": "BUSICOUPON_SEND_CHANNEL_API",
    "CODE": "BUSICOUPON_SEND_CHANNEL_PUBLICACCOUNT",
}


async def _enqueue(
    session: AsyncSession,
    merchant: Merchant | None,
    *,
    key: str,
    event_type: str,
    summary: str,
    original_type: str,
    resource: dict[str, Any],
) -> None:
    payload = {
        "notify_id": str(uuid.uuid4()),
        "merchant_id": merchant.id if merchant is not None else None,  # None: the platform's stock
        "family": "busifavor" if original_type == "busifavor" else "favor",
        "event_type": event_type,
        "summary": summary,
        "create_time": rfc3339(now()),
        "original_type": original_type,
        "resource": resource,
    }
    await outbox.enqueue(session, TOPIC, payload, key=key)


async def enqueue_claim(
    session: AsyncSession, merchant: Merchant | None, stock: Stock, coupon: Coupon
) -> None:
    """COUPON.SEND (商家券领券事件) for a busifavor claim; a favor claim has no callback in WeChat."""
    if stock.family != "busifavor" or merchant is None:
        return
    resource: dict[str, Any] = {
        "event_type": "EVENT_TYPE_BUSICOUPON_SEND",
        "coupon_code": coupon.coupon_code,
        "stock_id": stock.stock_id,
        "send_time": rfc3339(coupon.claimed_at),
        "openid": coupon.openid,
        "send_channel": SEND_CHANNELS.get(coupon.send_channel, "BUSICOUPON_SEND_CHANNEL_API"),
        "send_merchant": merchant.mchid,
        "attach_info": {"transaction_id": "", "act_code": coupon.scene or ""},
    }
    await _enqueue(
        session,
        merchant,
        key=f"{stock.stock_id}:{coupon.coupon_code}:SEND",
        event_type="COUPON.SEND",
        summary="商家券领券通知",
        original_type="busifavor",
        resource=resource,
    )


async def enqueue_use(session: AsyncSession, merchant: Merchant | None, resource: dict[str, Any]) -> None:
    """COUPON.USE (代金券核销事件): ``resource`` is the favor coupon as the query API shows it; sent to
    the stock's creator: ``merchant``, or for a platform-funded stock (``None``) the platform's
    callback URL (PlatformCallback)."""
    await _enqueue(
        session,
        merchant,
        key=f"{resource['stock_id']}:{resource['coupon_id']}:USE",
        event_type="COUPON.USE",
        summary="代金券核销通知",
        original_type="coupon",
        resource=resource,
    )


@outbox.handler(TOPIC, schedule=outbox.WECHATPAY_RETRY, timeout=ANSWER_SECONDS + 5)
async def deliver(job: outbox.Job) -> outbox.Outcome:
    payload = job.payload
    if payload["merchant_id"] is None:
        return await _deliver(job, *await _platform_target(job))
    async with job.database.session() as session:
        merchant = await session.get(Merchant, payload["merchant_id"])
        settings = await session.get(CallbackSettings, payload["merchant_id"])
        apiv3_key = merchants.apiv3_key(session, merchant) if merchant is not None else None
    if merchant is None:
        return outbox.Outcome.dead("the merchant no longer exists")
    url = None
    if settings is not None:
        url = settings.busifavor_url if payload["family"] == "busifavor" else settings.favor_url
    return await _deliver(job, url, apiv3_key, merchant.platform_key_mode == "public_key")


async def _platform_target(job: outbox.Job) -> tuple[str | None, str | None, bool]:
    async with job.database.session() as session:
        found = await session.get(PlatformCallback, 1)
        if found is None:
            return None, None, False
        key = (
            sealing.keyring_of(session).unseal_text(found.apiv3_key, purpose=PLATFORM_CALLBACK_KEY_PURPOSE)
            if found.apiv3_key
            else None
        )
        return found.favor_url, key, found.public_key_mode


async def _deliver(
    job: outbox.Job, url: str | None, apiv3_key: str | None, public_key: bool
) -> outbox.Outcome:
    payload = job.payload
    if not url:
        return outbox.Outcome.dead("no coupon callback URL is set")
    if not apiv3_key:
        return outbox.Outcome.retry(reason="no APIv3 key to encrypt the callback with")
    ring = await KeyCache.of(job.database).ring()
    body = envelope.body(
        payload["notify_id"],
        payload["create_time"],
        payload["event_type"],
        payload["summary"],
        payload["resource"],
        payload["original_type"],
        apiv3_key.encode(),
    )
    headers = envelope.headers(ring, body, public_key)
    return await outbox.http.post(
        url,
        body,
        headers=headers,
        allow_networks=job.settings.egress_allow_networks,
        seconds=ANSWER_SECONDS,
        success=(200, 204),
    )
