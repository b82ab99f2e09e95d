"""Durable outbound delivery (docs/ARCHITECTURE.md, "Outbox"): jobs enqueued in the caller's
transaction, delivered by any process's worker with scheduled retries, every try recorded.

    await outbox.enqueue(session, "payments.notify", {...}, key=f"{order_id}:SUCCESS")

    @outbox.handler("payments.notify", schedule=outbox.WECHATPAY_RETRY, timeout=10)
    async def deliver(job: outbox.Job) -> outbox.Outcome:
        networks = job.settings.egress_allow_networks
        return await outbox.http.post(url, body, headers=..., allow_networks=networks)

    @outbox.periodic("payments.reconcile", every=timedelta(days=1), offset=timedelta(hours=2))
    async def reconcile(job: outbox.Job) -> outbox.Outcome: ...  # job.payload["slot"]: the day's start
"""

from hutong.server.outbox import http
from hutong.server.outbox.registry import (
    HANDLER_MODULES,
    Job,
    Outcome,
    Periodic,
    handler,
    load_handlers,
    periodic,
    periodics,
    topics,
)
from hutong.server.outbox.schedules import DEFAULT_RETRY, MESSAGE_PUSH_RETRY, WECHATPAY_RETRY, Schedule
from hutong.server.outbox.service import attempts_of, enqueue, job_by_key, resend
from hutong.server.outbox.worker import Worker

__all__ = [
    "DEFAULT_RETRY",
    "HANDLER_MODULES",
    "MESSAGE_PUSH_RETRY",
    "WECHATPAY_RETRY",
    "Job",
    "Outcome",
    "Periodic",
    "Schedule",
    "Worker",
    "attempts_of",
    "enqueue",
    "handler",
    "http",
    "job_by_key",
    "load_handlers",
    "periodic",
    "periodics",
    "resend",
    "topics",
]
