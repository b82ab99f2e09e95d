"""Enqueue, claim and complete outbox jobs.

A claim is a compare-and-set on the job's ``attempts`` (each claim adds one), so of two workers that
saw the same due job only one takes it, on SQLite (writes are serialized) and on PostgreSQL (the
second UPDATE waits for the first and then finds the row changed); PostgreSQL's ``FOR UPDATE SKIP
LOCKED`` also keeps workers from queueing behind each other's candidates. Completing is fenced the same
way: a worker whose lease expired and whose job another worker took can no longer change the job."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, event, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.db.base import utcnow
from hutong.server.outbox.models import DEAD, DONE, PENDING, RUNNING, OutboxAttempt, OutboxJob
from hutong.server.outbox.registry import Outcome
from hutong.server.outbox.schedules import Schedule, next_run

CLAIM_ROUNDS = 4
# Called after a transaction that enqueued something commits (workers in this process wake up).
_wakers: list[Callable[[], None]] = []


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; every one we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _wake_all(_session: Any) -> None:
    for wake in list(_wakers):
        wake()


async def enqueue(
    session: AsyncSession,
    topic: str,
    payload: dict[str, Any],
    *,
    key: str | None = None,
    run_at: datetime | None = None,
) -> int:
    """Add a job in the caller's transaction (it exists exactly when that transaction commits); the
    same ``(topic, key)`` twice is one job. Answers the job's id."""
    values = {
        "topic": topic,
        "key": key,
        "payload": payload,
        "state": PENDING,
        "attempts": 0,
        "run_at": run_at or utcnow(),
        "created_at": utcnow(),
    }
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(OutboxJob).values(**values).on_conflict_do_nothing().returning(OutboxJob.id)
    job_id = (await session.execute(statement)).scalar_one_or_none()
    if job_id is None:
        existing = select(OutboxJob.id).where(OutboxJob.topic == topic, OutboxJob.key == key)
        job_id = await session.scalar(existing)
        assert job_id is not None
    sync = session.sync_session
    if not sync.info.get("outbox_wakes"):
        sync.info["outbox_wakes"] = True
        event.listen(sync, "after_commit", _wake_all)
    return int(job_id)


@dataclass(frozen=True)
class Claimed:
    id: int
    topic: str
    key: str | None
    payload: dict[str, Any]
    attempt: int
    created_at: datetime


def _due(now: datetime) -> Any:
    return or_(
        and_(OutboxJob.state == PENDING, OutboxJob.run_at <= now),
        and_(OutboxJob.state == RUNNING, OutboxJob.lease_until < now),
    )


async def claim(
    session: AsyncSession,
    *,
    owner: str,
    now: datetime,
    leases: dict[str, float],
    limit: int = 16,
) -> list[Claimed]:
    """Take up to ``limit`` due jobs of the topics in ``leases`` (topic → lease seconds) for ``owner``.
    A running job whose lease expired is due again; its lost try is recorded."""
    claimed: list[Claimed] = []
    # Candidates another worker took between our read and our update are lost races, not an empty
    # queue: look again (a few times) rather than idle until the next poll.
    for _ in range(CLAIM_ROUNDS):
        if not leases or len(claimed) >= limit:
            break
        lost = await _claim_round(session, owner, now, leases, limit - len(claimed), claimed)
        if not lost:
            break
    return claimed


async def complete(
    session: AsyncSession,
    job: Claimed,
    outcome: Outcome,
    *,
    owner: str,
    schedule: Schedule,
    started: datetime,
    now: datetime,
) -> str:
    """Record try ``job.attempt`` and move the job on: done, pending again at the schedule's next
    delay, or dead. Answers the job's state (unchanged if this worker no longer holds it)."""
    state, run_at = DONE, None
    if outcome.kind == "retry":
        run_at = next_run(schedule, job.attempt, now)
        if run_at is not None and outcome.after:
            run_at = max(run_at, now + timedelta(seconds=outcome.after))
        state = PENDING if run_at is not None else DEAD
    elif outcome.kind == "dead":
        state = DEAD
    failed = outcome.kind != "done" and outcome.status
    error = outcome.reason or (f"HTTP {outcome.status}" if failed else None)
    session.add(
        OutboxAttempt(
            job_id=job.id,
            number=job.attempt,
            worker=owner,
            outcome="dead" if state == DEAD else outcome.kind,
            status=outcome.status,
            error=error[:500] if error else None,
            response=outcome.body or None,
            started_at=started,
            duration_ms=max(0, int((now - started).total_seconds() * 1000)),
        )
    )
    values: dict[str, Any] = {"state": state, "lease_owner": None, "lease_until": None}
    values["last_error"] = error[:500] if error else None
    if run_at is not None:
        values["run_at"] = run_at
    else:
        values["finished_at"] = now
    moved = await session.execute(
        update(OutboxJob)
        .where(
            OutboxJob.id == job.id,
            OutboxJob.state == RUNNING,
            OutboxJob.lease_owner == owner,
            OutboxJob.attempts == job.attempt,
        )
        .values(**values)
    )
    if moved.rowcount == 1:  # type: ignore[attr-defined]
        return state
    current = await session.scalar(select(OutboxJob.state).where(OutboxJob.id == job.id))
    return current or DEAD


async def resend(session: AsyncSession, job_id: int, *, now: datetime | None = None) -> bool:
    """Make a finished (done or dead) job due now: one more try (the consoles' "resend")."""
    moved = await session.execute(
        update(OutboxJob)
        .where(OutboxJob.id == job_id, OutboxJob.state.in_((DONE, DEAD)))
        .values(state=PENDING, run_at=now or utcnow(), finished_at=None)
    )
    return bool(moved.rowcount == 1)  # type: ignore[attr-defined]


async def job_by_key(session: AsyncSession, topic: str, key: str) -> OutboxJob | None:
    found: OutboxJob | None = await session.scalar(
        select(OutboxJob).where(OutboxJob.topic == topic, OutboxJob.key == key)
    )
    return found


async def attempts_of(session: AsyncSession, job_id: int) -> Sequence[OutboxAttempt]:
    return (
        await session.scalars(
            select(OutboxAttempt).where(OutboxAttempt.job_id == job_id).order_by(OutboxAttempt.id)
        )
    ).all()


async def _claim_round(
    session: AsyncSession,
    owner: str,
    now: datetime,
    leases: dict[str, float],
    room: int,
    claimed: list[Claimed],
) -> int:
    """One read of candidates and a compare-and-set on each; appends to ``claimed``, answers how many
    candidates were taken by someone else first."""
    candidates = (
        select(
            OutboxJob.id,
            OutboxJob.topic,
            OutboxJob.state,
            OutboxJob.attempts,
            OutboxJob.lease_owner,
            OutboxJob.lease_until,
        )
        .where(OutboxJob.topic.in_(sorted(leases)), _due(now))
        .order_by(OutboxJob.run_at, OutboxJob.id)
        .limit(room)
    )
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    rows = (await session.execute(candidates)).all()
    lost = 0
    for job_id, topic, state, attempts, lease_owner, lease_until in rows:
        lease = timedelta(seconds=leases[topic])
        taken = await session.execute(
            update(OutboxJob)
            .where(OutboxJob.id == job_id, OutboxJob.attempts == attempts, _due(now))
            .values(state=RUNNING, attempts=attempts + 1, lease_owner=owner, lease_until=now + lease)
            .returning(OutboxJob.key, OutboxJob.payload, OutboxJob.created_at)
        )
        row = taken.one_or_none()
        if row is None:
            lost += 1
            continue
        key, payload, created_at = row
        if state == RUNNING:
            session.add(
                OutboxAttempt(
                    job_id=job_id,
                    number=attempts,
                    worker=lease_owner or "",
                    outcome="lost",
                    error="the worker never finished this try (its lease expired)",
                    started_at=aware(lease_until) - lease if lease_until else now,
                    duration_ms=0,
                )
            )
        claimed.append(Claimed(job_id, topic, key, dict(payload), attempts + 1, aware(created_at)))
    return lost
