"""Payment and refund notifications through the outbox: enqueued in the transaction that changed the
state (so a notification exists exactly when the change does), encrypted and signed at each try with
the merchant's current APIv3 key and the platform's current key, retried on WeChat Pay's schedule until
the merchant answers 200 or 204 within 5 seconds. Every try is in the outbox's attempt log; the same
notification ``id`` is sent each time, so a merchant can drop duplicates."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.payments import ids, merchants, orders
from hutong.server.payments.models import Merchant, NotifyLog, Order, Refund
from hutong.server.wechatpay import envelope
from hutong.server.wechatpay.keys import KeyCache

TOPIC = "payments.notify"
ANSWER_SECONDS = 5.0


async def _enqueue(
    session: AsyncSession,
    *,
    merchant: Merchant,
    recipient: Merchant,
    url: str,
    event_type: str,
    summary: str,
    subject: str,
    original_type: str,
    resource: dict[str, Any],
) -> str:
    notify_id = str(uuid.uuid4())
    job_key = f"{subject}:{event_type}"
    payload = {
        "notify_id": notify_id,
        "recipient_id": recipient.id,
        "url": url,
        "event_type": event_type,
        "summary": summary,
        "create_time": ids.rfc3339(ids.now()),
        "original_type": original_type,
        "resource": resource,
    }
    job_id = await outbox.enqueue(session, TOPIC, payload, key=job_key)
    existing = await session.scalar(select(NotifyLog).where(NotifyLog.job_key == job_key))
    if existing is None:  # the same event twice is one notification (the outbox keeps one job)
        session.add(
            NotifyLog(
                notify_id=notify_id,
                merchant_id=merchant.id,
                event_type=event_type,
                subject=subject,
                url=url,
                job_key=job_key,
                detail=str(job_id),
            )
        )
        await session.flush()
    return notify_id


async def enqueue_transaction(session: AsyncSession, order: Order, event_type: str, summary: str) -> str:
    merchant = await session.get(Merchant, order.merchant_id)
    provider = await session.get(Merchant, order.sp_merchant_id) if order.sp_merchant_id else None
    assert merchant is not None
    return await _enqueue(
        session,
        merchant=merchant,
        recipient=provider or merchant,
        url=order.notify_url,
        event_type=event_type,
        summary=summary,
        subject=order.transaction_id,
        original_type="transaction",
        resource=orders.transaction(order, merchant, provider),
    )


def refund_resource(
    order: Order, refund: Refund, merchant: Merchant, provider: Merchant | None
) -> dict[str, Any]:
    resource: dict[str, Any] = (
        {"sp_mchid": provider.mchid, "sub_mchid": merchant.mchid} if provider else {"mchid": merchant.mchid}
    )
    resource.update(
        out_trade_no=order.out_trade_no,
        transaction_id=order.transaction_id,
        out_refund_no=refund.out_refund_no,
        refund_id=refund.refund_id,
        refund_status=refund.status,
    )
    if refund.success_time is not None:
        resource["success_time"] = ids.rfc3339(refund.success_time)
    resource["user_received_account"] = refund.user_received_account
    resource["amount"] = {
        "total": order.amount_total,
        "refund": refund.amount,
        "payer_total": order.payer_total if order.payer_total is not None else order.amount_total,
        "payer_refund": refund.amount - refund.discount_refund,
    }
    return resource


REFUND_SUMMARY = {"SUCCESS": "退款成功", "ABNORMAL": "退款异常", "CLOSED": "退款关闭"}


async def enqueue_refund(session: AsyncSession, order: Order, refund: Refund) -> str | None:
    """REFUND.SUCCESS, REFUND.ABNORMAL or REFUND.CLOSED, to the refund's notify_url (the order's when
    the refund named none)."""
    merchant = await session.get(Merchant, order.merchant_id)
    provider = await session.get(Merchant, order.sp_merchant_id) if order.sp_merchant_id else None
    assert merchant is not None
    url = refund.notify_url or order.notify_url
    return await _enqueue(
        session,
        merchant=merchant,
        recipient=provider or merchant,
        url=url,
        event_type=f"REFUND.{refund.status}",
        summary=REFUND_SUMMARY.get(refund.status, refund.status),
        subject=refund.refund_id,
        original_type="refund",
        resource=refund_resource(order, refund, merchant, provider),
    )


@outbox.handler(TOPIC, schedule=outbox.WECHATPAY_RETRY, timeout=ANSWER_SECONDS + 5)
async def deliver(job: outbox.Job) -> outbox.Outcome:
    payload = job.payload
    async with job.database.session() as session:
        recipient = await session.get(Merchant, payload["recipient_id"])
        apiv3_key = merchants.apiv3_key(session, recipient) if recipient is not None else None
    if recipient is None:
        return outbox.Outcome.dead("the merchant no longer exists")
    if not apiv3_key:
        # Nothing can be encrypted for it yet; keep trying on the schedule while its owner sets one.
        return outbox.Outcome.retry(reason="the merchant has no APIv3 key")
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
    headers = envelope.headers(ring, body, recipient.platform_key_mode == "public_key")
    return await outbox.http.post(
        payload["url"],
        body,
        headers=headers,
        allow_networks=job.settings.egress_allow_networks,
        seconds=ANSWER_SECONDS,
        success=(200, 204),
    )
