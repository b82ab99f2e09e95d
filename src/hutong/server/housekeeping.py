"""Housekeeping: an hourly periodic outbox job that removes what is kept only for a while, finished
outbox jobs (with their tries) past ``outbox_keep_days`` and idempotency records past their 24 hours,
so neither table grows without end."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.logs import get_logger
from hutong.server import idempotency, outbox
from hutong.server.db.base import utcnow
from hutong.server.outbox.models import DEAD, DONE, OutboxAttempt, OutboxJob

TOPIC = "housekeeping.prune"
log = get_logger("hutong.housekeeping")


async def prune_outbox(session: AsyncSession, keep: timedelta, now: datetime | None = None) -> int:
    """Delete finished jobs (and their tries) that finished before ``now - keep``; answers how many."""
    old = select(OutboxJob.id).where(
        OutboxJob.state.in_((DONE, DEAD)), OutboxJob.finished_at < (now or utcnow()) - keep
    )
    # Tries first: SQLite cascades only with its foreign keys on, and the order costs nothing.
    await session.execute(delete(OutboxAttempt).where(OutboxAttempt.job_id.in_(old)))
    gone = await session.execute(delete(OutboxJob).where(OutboxJob.id.in_(old)))
    return int(gone.rowcount or 0)  # type: ignore[attr-defined]


@outbox.periodic(TOPIC, every=timedelta(hours=1), timeout=120)
async def prune(job: outbox.Job) -> outbox.Outcome:
    async with job.database.session() as session:
        jobs = await prune_outbox(session, timedelta(days=job.settings.outbox_keep_days))
        records = await idempotency.purge(session)
        await session.commit()
    log.info("housekeeping.pruned", outbox_jobs=jobs, idempotency_records=records)
    return outbox.Outcome.done(body=f"{jobs} outbox jobs, {records} idempotency records")
