"""The worker: claims due jobs, runs their handlers, records each try. Every server process runs one
(started in the app's lifespan) and `hutong outbox run` runs one alone; any of them may send any job."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import time
from collections.abc import Callable, Collection
from datetime import datetime

from hutong.logs import get_logger
from hutong.server.db import Database
from hutong.server.db.base import utcnow
from hutong.server.outbox import registry, service
from hutong.server.outbox.registry import Job, Outcome
from hutong.settings import Settings

log = get_logger("hutong.outbox")


class Worker:
    def __init__(
        self,
        database: Database,
        settings: Settings,
        *,
        poll_seconds: float = 1.0,
        batch: int = 16,
        clock: Callable[[], datetime] = utcnow,
        topics: Collection[str] | None = None,
        name: str | None = None,
    ) -> None:
        self.database = database
        self.settings = settings
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.clock = clock  # tests pass their own to walk through a retry schedule without waiting
        self.only = frozenset(topics) if topics is not None else None
        self.name = name or f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._slots: dict[str, datetime] = {}  # each periodic topic's period last enqueued here
        self._loop: asyncio.AbstractEventLoop | None = None

    def _leases(self) -> dict[str, float]:
        leases = {}
        for topic in registry.topics():
            found = registry.handler_for(topic)
            if found is not None and (self.only is None or topic in self.only):
                leases[topic] = found.lease_seconds
        return leases

    async def enqueue_periodics(self) -> None:
        """Enqueue each served periodic topic's current period once per process (the job's key makes
        it one job however many processes do the same)."""
        now = self.clock()
        due = [
            (periodic, periodic.slot(now))
            for periodic in registry.periodics()
            if self.only is None or periodic.topic in self.only
        ]
        due = [(periodic, slot) for periodic, slot in due if self._slots.get(periodic.topic) != slot]
        if not due:
            return
        async with self.database.session() as session:
            for periodic, slot in due:
                start = slot.isoformat()
                await service.enqueue(
                    session, periodic.topic, {"slot": start}, key=f"slot:{start}", run_at=slot
                )
            await session.commit()
        self._slots.update((periodic.topic, slot) for periodic, slot in due)

    async def run_once(self) -> int:
        """Claim what is due now and deliver it; answers how many jobs were tried."""
        await self.enqueue_periodics()
        async with self.database.session() as session:
            claimed = await service.claim(
                session, owner=self.name, now=self.clock(), leases=self._leases(), limit=self.batch
            )
        if claimed:
            await asyncio.gather(*(self._try(job) for job in claimed))
        return len(claimed)

    async def _try(self, claimed: service.Claimed) -> None:
        handler = registry.handler_for(claimed.topic)
        assert handler is not None  # only topics with a handler are claimed
        job = Job(
            claimed.id,
            claimed.topic,
            claimed.key,
            claimed.payload,
            claimed.attempt,
            claimed.created_at,
            self.database,
            self.settings,
        )
        started, began = self.clock(), time.monotonic()
        try:
            async with asyncio.timeout(handler.timeout):
                outcome = await handler.deliver(job)
        except TimeoutError:
            outcome = Outcome.retry(reason=f"no outcome within {handler.timeout:g} s")
        except Exception as error:  # a handler's exception is a retry, never the worker's end
            outcome = Outcome.retry(reason=f"{type(error).__name__}: {error}"[:500])
        elapsed = time.monotonic() - began
        async with self.database.session() as session:
            state = await service.complete(
                session,
                claimed,
                outcome,
                owner=self.name,
                schedule=handler.schedule,
                started=started,
                now=max(self.clock(), started),
            )
        log.info(
            "outbox.try",
            topic=job.topic,
            job=job.id,
            attempt=job.attempt,
            outcome=outcome.kind,
            status=outcome.status,
            state=state,
            ms=int(elapsed * 1000),
        )

    def wake(self) -> None:
        """Look for work now rather than at the next poll (safe from any thread)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Deliver until stopped: straight on while there is work, else at each poll or wake-up."""
        self._loop = asyncio.get_running_loop()
        service._wakers.append(self.wake)
        try:
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    busy = await self.run_once()
                except Exception as error:  # the database away for a moment: try again at the next poll
                    log.warning("outbox.poll_failed", error=f"{type(error).__name__}: {error}"[:300])
                    busy = 0
                if busy:
                    continue
                waits = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(self._stop.wait())]
                await asyncio.wait(waits, timeout=self.poll_seconds, return_when=asyncio.FIRST_COMPLETED)
                for waiting in waits:
                    waiting.cancel()
        finally:
            service._wakers.remove(self.wake)

    def request_stop(self) -> None:
        """Stop after the current round (what `hutong outbox run` does on SIGTERM)."""
        self._stop.set()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self.run(), name=f"outbox-worker {self.name}")

    async def stop(self, grace: float = 5.0) -> None:
        """Stop polling and let tries under way finish for ``grace`` seconds; a try cut short keeps its
        lease, which expires, and another worker takes the job again."""
        self._stop.set()
        if self._task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(self._task), grace)
        except TimeoutError:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
