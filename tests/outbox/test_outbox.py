"""The outbox on SQLite and PostgreSQL: jobs live and die with their transaction, retries follow the
schedule (a clock we move, no real waiting), concurrent workers never deliver one job twice at once,
a worker SIGKILLed mid-delivery leaves a lease that another worker takes over, and the worker in the
server's lifespan delivers over real HTTP through the egress checks."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hutong.server import outbox
from hutong.server.db import Database
from hutong.server.db.base import utcnow
from hutong.server.outbox.models import OutboxAttempt, OutboxJob
from hutong.server.outbox.service import aware
from hutong.settings import Settings
from tests.conftest import ROOT, migrate, serve
from tests.outbox import handlers
from tests.outbox.receiver import receiver

LOOPBACK = "127.0.0.0/8"


class Clock:
    def __init__(self) -> None:
        # A minute ahead: every job the test enqueues with the real time is due at once.
        self.now = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=1)

    def __call__(self) -> datetime:
        return self.now


def worker(
    database: Database, topics: set[str], clock: Callable[[], datetime] = utcnow, networks: str = ""
) -> outbox.Worker:
    return outbox.Worker(database, Settings(egress_allow_networks=networks), topics=topics, clock=clock)


async def job_of(database: Database, job_id: int) -> OutboxJob:
    async with database.session() as session:
        found = await session.get(OutboxJob, job_id)
        assert found is not None
        return found


async def attempts(database: Database, job_id: int) -> list[OutboxAttempt]:
    async with database.session() as session:
        return list(await outbox.attempts_of(session, job_id))


async def test_a_job_exists_exactly_when_its_transaction_commits(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.session() as session:
            await outbox.enqueue(session, "test.count", {"n": 1}, key="order-1")
            raise RuntimeError("the order could not be saved")
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxJob)) == 0
        first = await outbox.enqueue(session, "test.count", {"n": 1}, key="order-1")
    async with database.session() as session:
        # The same (topic, key) is one job; another topic or no key is another.
        assert await outbox.enqueue(session, "test.count", {"n": 2}, key="order-1") == first
        other = await outbox.enqueue(session, "test.fails", {"n": 1}, key="order-1")
        unkeyed = {await outbox.enqueue(session, "test.count", {}) for _ in range(2)}
    assert first != other and len(unkeyed) == 2
    async with database.session() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxJob)) == 4
        job = await outbox.job_by_key(session, "test.count", "order-1")
        assert job is not None and job.payload == {"n": 1} and job.state == "pending"


async def test_retries_follow_wechat_pays_schedule_then_the_job_is_dead(database: Database) -> None:
    clock = Clock()
    async with database.session() as session:
        job_id = await outbox.enqueue(session, "test.fails", {})
    runner = worker(database, {"test.fails"}, clock)
    started = clock.now
    assert await runner.run_once() == 1
    for number, delay in enumerate(outbox.WECHATPAY_RETRY, start=1):
        job = await job_of(database, job_id)
        assert (job.state, job.attempts) == ("pending", number)
        assert aware(job.run_at) == clock.now + delay
        assert job.last_error == "HTTP 500"
        clock.now += delay - timedelta(seconds=1)
        assert await runner.run_once() == 0  # not due yet
        clock.now += timedelta(seconds=1)
        assert await runner.run_once() == 1
    job = await job_of(database, job_id)
    assert (job.state, job.attempts) == ("dead", 16)
    assert clock.now - started == timedelta(hours=24, minutes=4)
    clock.now += timedelta(days=7)
    assert await runner.run_once() == 0
    tries = await attempts(database, job_id)
    assert [t.number for t in tries] == list(range(1, 17))
    assert [t.outcome for t in tries] == ["retry"] * 15 + ["dead"]
    assert {t.status for t in tries} == {500} and tries[0].response == '{"code":"FAIL","message":"busy"}'
    # The console's resend: one more try.
    async with database.session() as session:
        assert await outbox.resend(session, job_id, now=clock.now)
    assert await runner.run_once() == 1
    assert (await job_of(database, job_id)).state == "dead"


async def test_an_exception_is_a_retry_and_dead_is_final(database: Database) -> None:
    clock = Clock()
    async with database.session() as session:
        broken = await outbox.enqueue(session, "test.raises", {})
        final = await outbox.enqueue(session, "test.gives_up", {})
    runner = worker(database, {"test.raises", "test.gives_up"}, clock)
    assert await runner.run_once() == 2
    job = await job_of(database, broken)
    assert job.state == "pending" and aware(job.run_at) == clock.now + outbox.DEFAULT_RETRY[0]
    assert job.last_error == "RuntimeError: handler broke on try 1"
    assert (await job_of(database, final)).state == "dead"
    [attempt] = await attempts(database, final)
    assert (attempt.outcome, attempt.error) == ("dead", "the order no longer exists")


async def test_concurrent_workers_never_deliver_one_job_twice(database_url: str) -> None:
    databases = [Database(database_url) for _ in range(3)]
    handlers.delivered.clear()
    handlers.overlaps.clear()
    try:
        async with databases[0].session() as session:
            ids = {await outbox.enqueue(session, "test.count", {"i": i}) for i in range(60)}
        runners = [worker(db, {"test.count"}) for db in databases]
        for runner in runners:
            runner.batch = 4

        async def drain(runner: outbox.Worker) -> int:
            total = 0
            while tried := await runner.run_once():
                total += tried
            return total

        per_worker = await asyncio.gather(*(drain(r) for r in runners))
    finally:
        for db in databases:
            await db.dispose()
    assert sorted(handlers.delivered) == sorted(ids)  # each once
    assert handlers.overlaps == []
    assert sum(per_worker) == 60 and sum(1 for n in per_worker if n) >= 2, per_worker


async def test_http_answers_are_recorded_and_refused_addresses_are_dead(database: Database) -> None:
    clock = Clock()
    with receiver(500, 204) as server:
        # Without HUTONG_EGRESS_ALLOW_NETWORKS a loopback URL is never reached: dead at once.
        async with database.session() as session:
            refused = await outbox.enqueue(session, "test.post", {"url": server.url})
        assert await worker(database, {"test.post"}, clock).run_once() == 1
        assert server.bodies == [] and (await job_of(database, refused)).state == "dead"
        [attempt] = await attempts(database, refused)
        assert attempt.outcome == "dead" and (attempt.error or "").startswith("egress_address_refused")
        # Allowed: a 500 is a retry, the 204 after it is done; each answer is in the attempt log.
        async with database.session() as session:
            job_id = await outbox.enqueue(session, "test.post", {"url": server.url})
        loopback = worker(database, {"test.post"}, clock, networks=LOOPBACK)
        assert await loopback.run_once() == 1
        clock.now += outbox.WECHATPAY_RETRY[0]
        assert await loopback.run_once() == 1
        assert len(server.bodies) == 2
    assert (await job_of(database, job_id)).state == "done"
    tries = await attempts(database, job_id)
    assert [(t.outcome, t.status) for t in tries] == [("retry", 500), ("done", 204)]
    assert tries[0].response == '{"code":"FAIL","message":"not now"}' and tries[0].error == "HTTP 500"


async def test_a_killed_workers_job_is_delivered_after_its_lease_expires(
    database_url: str, tmp_path: Path
) -> None:
    database = Database(database_url)
    try:
        with receiver("stall", 200) as server:
            async with database.session() as session:
                job_id = await outbox.enqueue(session, "test.post", {"url": server.url})
            env = {
                **os.environ,
                "HUTONG_DATABASE_URL": database_url,
                "HUTONG_DATA_DIR": str(tmp_path),
                "HUTONG_EGRESS_ALLOW_NETWORKS": LOOPBACK,
                "HUTONG_OUTBOX_POLL_SECONDS": "0.05",
            }
            command = [
                sys.executable,
                "-m",
                "hutong.cli.main",
                "outbox",
                "run",
                "--import",
                "tests.outbox.handlers",
            ]
            process = subprocess.Popen(  # noqa: ASYNC220
                command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
            )
            try:
                arrived = await asyncio.to_thread(server.arrived.wait, 60)
                assert arrived, (
                    process.stderr.read().decode() if process.poll() is not None and process.stderr else ""
                )
                os.kill(process.pid, signal.SIGKILL)  # mid-delivery: the server has not answered
            finally:
                process.kill()
                await asyncio.to_thread(process.wait)
                if process.stderr:
                    process.stderr.close()
            job = await job_of(database, job_id)
            assert (job.state, job.attempts) == ("running", 1) and job.lease_owner
            server.release.set()
            clock = Clock()
            rescuer = worker(database, {"test.post"}, clock, networks=LOOPBACK)
            lease = aware(job.lease_until or clock.now)
            clock.now = lease - timedelta(seconds=1)
            assert await rescuer.run_once() == 0  # the dead worker's lease still holds
            clock.now = lease + timedelta(seconds=1)
            assert await rescuer.run_once() == 1
            assert len(server.bodies) == 2
    finally:
        job = await job_of(database, job_id)
        tries = await attempts(database, job_id)
        await database.dispose()
    assert (job.state, job.attempts, job.lease_owner) == ("done", 2, None)
    assert [(t.number, t.outcome) for t in tries] == [(1, "lost"), (2, "done")]
    assert tries[0].worker != tries[1].worker


async def test_the_servers_own_worker_delivers_and_can_be_turned_off(tmp_path: Path) -> None:

    settings = Settings(
        data_dir=tmp_path, egress_allow_networks=LOOPBACK, outbox_poll_seconds=0.05, outbox_worker=True
    )
    await migrate(settings.effective_database_url)
    database = Database(settings.effective_database_url)
    try:
        with receiver(200) as server:
            async with serve(settings):
                async with database.session() as session:
                    job_id = await outbox.enqueue(session, "test.post", {"url": server.url})
                for _ in range(200):
                    if (await job_of(database, job_id)).state == "done":
                        break
                    await asyncio.sleep(0.05)
            assert len(server.bodies) == 1
            async with serve(settings.model_copy(update={"outbox_worker": False})):
                async with database.session() as session:
                    idle = await outbox.enqueue(session, "test.post", {"url": server.url})
                await asyncio.sleep(0.3)
                assert (await job_of(database, idle)).state == "pending"
    finally:
        await database.dispose()
    assert (await job_of(Database(settings.effective_database_url), job_id)).state == "done"


async def test_a_periodic_job_runs_once_per_period_however_many_workers_enqueue_it(
    database: Database,
) -> None:
    clock = Clock()
    clock.now = datetime(2026, 12, 6, 1, 30, tzinfo=UTC)  # before the day's 02:00 start
    handlers.slots.clear()
    processes = [worker(database, {"test.daily"}, clock) for _ in range(3)]
    for _ in range(2):  # each process polls twice within the period
        await asyncio.gather(*(w.run_once() for w in processes))
    assert handlers.slots == ["2026-12-05T02:00:00+00:00"]
    clock.now = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # the next period begins
    await asyncio.gather(*(w.run_once() for w in processes))
    await asyncio.gather(*(w.run_once() for w in processes))
    assert handlers.slots == ["2026-12-05T02:00:00+00:00", "2026-12-06T02:00:00+00:00"]
    # A process started later in the same period adds nothing.
    assert await worker(database, {"test.daily"}, clock).run_once() == 0
    async with database.session() as session:
        keys = await session.scalars(select(OutboxJob.key).where(OutboxJob.topic == "test.daily"))
        assert sorted(k or "" for k in keys) == [
            "slot:2026-12-05T02:00:00+00:00",
            "slot:2026-12-06T02:00:00+00:00",
        ]


async def test_housekeeping_prunes_finished_jobs_past_their_keep_and_nothing_else(
    database: Database,
) -> None:
    from hutong.server.housekeeping import prune_outbox

    clock = Clock()
    async with database.session() as session:
        old_done = await outbox.enqueue(session, "test.count", {}, key="old-done")
        old_dead = await outbox.enqueue(session, "test.gives_up", {}, key="old-dead")
        pending = await outbox.enqueue(session, "test.fails", {}, key="still-retrying")
        await session.commit()
    await worker(database, {"test.count", "test.gives_up", "test.fails"}, clock).run_once()
    async with database.session() as session:
        recent = await outbox.enqueue(session, "test.count", {}, key="recent-done")
        await session.commit()
    later = Clock()
    later.now = clock.now + timedelta(days=30, minutes=1)
    await worker(database, {"test.count"}, later).run_once()  # finishes "recent" a month later
    async with database.session() as session:
        assert await prune_outbox(session, timedelta(days=30), now=later.now) == 2
        await session.commit()
    async with database.session() as session:
        left = set(await session.scalars(select(OutboxJob.id)))
        tries = set(await session.scalars(select(OutboxAttempt.job_id)))
    assert left == {pending, recent}
    assert old_done not in tries and old_dead not in tries and pending in tries
