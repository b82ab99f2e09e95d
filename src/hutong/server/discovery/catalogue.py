"""The search index over the live catalogue, kept in step with the database.

Every server process holds its own in-process index (``search.SearchIndex``). Before it answers, it
reads the catalogue's fingerprint: the number of apps and the sum of their ``revision`` counters, which
the database raises by one on every change to an app row (name, keywords, release, takedown...). When
the fingerprint differs from the one the index was built from, the index is rebuilt from the database.
No clock is involved, so processes on different machines agree; one cheap aggregate per search is the
price. Use counts (launches in the last 30 days) change all the time and would force constant rebuilds,
so they are kept apart, refreshed at most once a minute, and given to the ranking at query time.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement

from hutong.server.apps.models import App
from hutong.server.discovery.search import SearchDocument, SearchIndex
from hutong.server.events.models import AnalyticsRollup, events

USE_WINDOW = timedelta(days=30)
USE_REFRESH_SECONDS = 60.0


def live() -> list[ColumnElement[bool]]:
    """The conditions for an app anyone may find and open: released and not taken down."""
    return [App.current_release_id.is_not(None), App.status == "active"]


async def fingerprint(session: AsyncSession) -> tuple[int, int]:
    row = (await session.execute(select(func.count(App.id), func.coalesce(func.sum(App.revision), 0)))).one()
    return int(row[0]), int(row[1])


async def use_counts(session: AsyncSession, now: datetime | None = None) -> dict[int, int]:
    """Launches per app id over the last 30 days: kept daily rollups, plus the raw events of the last
    days not rolled up yet, so a big event store is never scanned."""
    moment = now or datetime.now(UTC)
    since = (moment - USE_WINDOW).date()
    counts: dict[int, int] = {}
    kept = await session.execute(
        select(AnalyticsRollup.app_id, AnalyticsRollup.day, AnalyticsRollup.value).where(
            AnalyticsRollup.day >= since, AnalyticsRollup.metric == "session_cnt"
        )
    )
    rolled = await session.execute(
        select(AnalyticsRollup.app_id, AnalyticsRollup.day).where(
            AnalyticsRollup.day >= since, AnalyticsRollup.metric == "_done"
        )
    )
    done = {(int(app_id), day) for app_id, day in rolled.all()}
    for app_id, _day, value in kept.all():
        counts[int(app_id)] = counts.get(int(app_id), 0) + int(value)
    # Maintenance rolls up each day once it is closed (events/sink.py), so only the last days are raw.
    raw = await session.execute(
        select(events.c.app_id, events.c.day, func.count())
        .where(events.c.kind == "launch", events.c.day >= max(moment.date() - timedelta(days=2), since))
        .group_by(events.c.app_id, events.c.day)
    )
    for app_id, day, count in raw.all():
        if (int(app_id), day) not in done:
            counts[int(app_id)] = counts.get(int(app_id), 0) + int(count)
    return counts


@dataclass(frozen=True)
class Listing:
    """What a person sees of a findable app (plain data: it outlives the session that read it)."""

    id: int
    appid: str
    name: str
    icon: str
    category: str
    description: str
    keywords: tuple[str, ...]

    @classmethod
    def of(cls, app: App) -> Listing:
        keywords = tuple(app.keywords or ())
        return cls(app.id, app.appid, app.name, app.icon, app.category, app.description, keywords)


@dataclass
class Hit:
    app: Listing
    score: float


class Catalogue:
    """One per server process (``app.state.catalogue``)."""

    def __init__(self) -> None:
        self.index = SearchIndex()
        self.apps: dict[str, Listing] = {}
        self.built_from: tuple[int, int] | None = None
        self.uses: dict[str, int] = {}
        self.uses_at = -USE_REFRESH_SECONDS
        self._lock = asyncio.Lock()

    async def refresh(self, session: AsyncSession) -> None:
        current = await fingerprint(session)
        if current == self.built_from and time.monotonic() - self.uses_at < USE_REFRESH_SECONDS:
            return
        async with self._lock:
            if current != self.built_from:
                rows = [Listing.of(app) for app in await session.scalars(select(App).where(*live()))]
                self.apps = {app.appid: app for app in rows}
                self.index = SearchIndex(
                    [
                        SearchDocument(app.appid, app.name, app.keywords, app.description, app.category)
                        for app in rows
                    ]
                )
                self.built_from = current
                self.uses_at = -USE_REFRESH_SECONDS
            if time.monotonic() - self.uses_at >= USE_REFRESH_SECONDS:
                counts = await use_counts(session)
                self.uses = {app.appid: counts.get(app.id, 0) for app in self.apps.values()}
                self.uses_at = time.monotonic()

    def forget_uses(self) -> None:
        """Re-read use counts on the next search (tests, and right after a burst of launches)."""
        self.uses_at = -USE_REFRESH_SECONDS

    async def search(self, session: AsyncSession, query: str, limit: int = 20) -> list[Hit]:
        await self.refresh(session)
        hits = self.index.search(query, limit, uses=self.uses)
        return [Hit(self.apps[hit.appid], hit.score) for hit in hits if hit.appid in self.apps]
