"""Each server process's event buffer: hosts' batches are held in memory and written together, one
bulk INSERT per flush (every ``analytics_flush_seconds``, or sooner when a batch's worth is waiting),
so the request path never writes the database for an event. Bounded: past ``analytics_buffer_limit``
a host is told 503 and keeps its events for later. A crash loses at most one flush interval of events
(analytics, not money: server domains that must not lose one use ``events.emit`` in their own
transaction). After each flush the release guard looks at the apps whose events it wrote."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hutong.logs import get_logger
from hutong.server.db import Database
from hutong.server.events import store
from hutong.server.problems import Problem
from hutong.settings import Settings

log = get_logger(__name__)
FLUSH_AT = 2000


class EventSink:
    def __init__(self, database: Database, settings: Settings) -> None:
        self.database = database
        self.settings = settings
        self.zone = ZoneInfo(settings.analytics_timezone)
        self.rows: list[dict[str, Any]] = []
        self.lock = asyncio.Lock()
        self.task: asyncio.Task[None] | None = None
        self.pending: asyncio.Task[int] | None = None
        self.maintained: date | None = None
        self.written = 0
        self.dropped = 0

    def add(self, rows: Sequence[dict[str, Any]]) -> None:
        """Take rows for the next flush (no I/O); 503 when the buffer is full."""
        if len(self.rows) + len(rows) > self.settings.analytics_buffer_limit:
            raise Problem(503, "events_busy", "the platform is busy: send these events again later")
        self.rows.extend(rows)
        if len(self.rows) >= FLUSH_AT and (self.pending is None or self.pending.done()):
            self.pending = asyncio.create_task(self.flush())

    def offer(self, rows: Sequence[dict[str, Any]]) -> None:
        """Like ``add`` for the platform's own events (launches): a full buffer drops them rather than
        failing what the user asked for."""
        try:
            self.add(rows)
        except Problem:
            self.dropped += len(rows)

    async def flush(self) -> int:
        """Write what is buffered; answers how many events were written."""
        async with self.lock:
            batch, self.rows = self.rows, []
            if not batch:
                return 0
            try:
                await store.ensure_partitions(self.database.engine, {item["day"] for item in batch})
                async with self.database.session() as session:
                    await store.write(session, batch)
            except Exception:
                log.exception("analytics.flush_failed", events=len(batch))
                room = self.settings.analytics_buffer_limit - len(self.rows)
                self.rows[:0] = batch[: max(room, 0)]  # kept for the next flush, within the bound
                return 0
            self.written += len(batch)
        await self._guard({item["app_id"] for item in batch if item["release_id"] is not None})
        return len(batch)

    async def _guard(self, app_ids: set[int]) -> None:
        from hutong.server.events import guard

        if not app_ids:
            return
        try:
            await guard.check(self.database, app_ids)
        except Exception:
            log.exception("analytics.guard_failed")

    async def maintain(self, now: datetime | None = None) -> None:
        """Once a day per process: partitions ahead, retention, yesterday's rollups."""
        from hutong.server.events import rollups

        moment = now or datetime.now(UTC)
        today = store.today(self.zone, moment)
        if self.maintained == today:
            return
        await store.ensure_partitions(self.database.engine, {today + timedelta(days=n) for n in range(-1, 3)})
        await store.prune(self.database.engine, today, self.settings.analytics_retention_days)
        async with self.database.session() as session:
            await rollups.materialize_closed(session, self.zone, moment)
        self.maintained = today

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.settings.analytics_flush_seconds)
            try:
                await self.flush()
                await self.maintain()
            except Exception:
                log.exception("analytics.run_failed")

    def start(self) -> None:
        self.task = asyncio.create_task(self.run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        await self.flush()
