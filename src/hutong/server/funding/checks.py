"""A lost callback must not leave a top-up or withdrawal open forever: each transfer gets a durable
outbox job (enqueued with it, in the same transaction) that asks the provider where it stands until
it is decided."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hutong.server import outbox
from hutong.server.funding import service
from hutong.server.funding.models import FundingTransfer
from hutong.server.funding.registry import providers_from

TOPIC = "funding.check"
FIRST_CHECK = timedelta(seconds=30)
# After the first look: soon, then backing off; a provider that has still not decided after a day is
# an operator's matter (the transfer stays pending, and the job is dead in the outbox log).
SCHEDULE = outbox.Schedule(
    timedelta(seconds=s) for s in (30, 60, 120, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
)


@outbox.handler(TOPIC, schedule=SCHEDULE, timeout=15)
async def check(job: outbox.Job) -> outbox.Outcome:
    reference = str(job.payload["reference"])
    async with job.database.session() as session:
        transfer = await session.scalar(select(FundingTransfer).where(FundingTransfer.reference == reference))
        if transfer is None:
            return outbox.Outcome.dead("no such transfer")
        if transfer.state != "pending":
            return outbox.Outcome.done(body=transfer.state)
        provider = providers_from(job.settings).get(transfer.provider)
        if provider is None:
            return outbox.Outcome.retry(reason=f"provider {transfer.provider} is not configured")
        transfer = await service.refresh(session, provider, transfer, at_once=True)
        if transfer.state == "pending":
            return outbox.Outcome.retry(body="pending")
        return outbox.Outcome.done(body=transfer.state)
