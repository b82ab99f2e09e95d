"""What the console's first read would otherwise pay for, counted ahead by a periodic outbox job
(``analytics.precompute``, every five minutes, one job per period however many processes run):

- **a busy app's open day**: an app with at least ``PARTIAL_MIN_EVENTS`` events today has today's
  figures counted and kept (``rollups.PARTIAL``); the console reads them while they are at most
  ``rollups.PARTIAL_MAX_AGE`` old (so a busy app's today is at most that stale; its hourly chart is
  always live). Quieter apps' today is computed live on each read: it is cheap for them.
- **the ranges the console and datacube ask for**: the visitors of the last 7, 29 and 30 closed days
  (the console's default range is the last 30 days through today: 29 closed days and today) are
  counted once a day and kept (``uv_range``), so no first read recounts a month of active days.
- **the retention table's closed cells**: of the console's default range (the last 30 days' cohorts),
  every cell whose day has closed is counted once and kept (``retain``), so the first read of the
  retention page counts only today's cells (a join of the range's new users with today's visitors),
  not 30 cohorts over a month of active days. After the first period a day, there is nothing to count.

Closed days are rolled up by each process's daily maintenance (sink.py) and on first read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.logs import get_logger
from hutong.server import outbox
from hutong.server.events import report, rollups, store
from hutong.server.events.models import AnalyticsActive, AnalyticsRollup, events

log = get_logger(__name__)
TOPIC = "analytics.precompute"
PARTIAL_MIN_EVENTS = 20_000
WINDOWS = (7, 29, 30)
RETENTION_DAYS = 30  # the console's default range (manage_routes.DEFAULT_DAYS)


async def keep_today(session: AsyncSession, zone: ZoneInfo, now: datetime | None = None) -> int:
    """Count and keep today's figures of every busy app; answers how many apps."""
    moment = now or datetime.now(UTC)
    today = store.today(zone, moment)
    busy = await session.execute(
        select(events.c.app_id)
        .where(events.c.day == today)
        .group_by(events.c.app_id)
        .having(func.count() >= PARTIAL_MIN_EVENTS)
    )
    apps = [int(app_id) for (app_id,) in busy.all()]
    for app_id in apps:
        figures = await rollups.compute_day(session, app_id, today)
        await session.execute(
            delete(AnalyticsRollup).where(
                AnalyticsRollup.app_id == app_id,
                AnalyticsRollup.day == today,
                AnalyticsRollup.metric.not_in(rollups.BESIDE_TODAY),
            )
        )
        rows = [
            {"app_id": app_id, "day": today, "metric": metric, "key": key[:300], "value": value}
            for (metric, key), value in sorted({**figures, rollups.PARTIAL: int(moment.timestamp())}.items())
        ]
        await session.execute(insert(AnalyticsRollup), rows)
        await rollups.keep_hours(session, app_id, today, zone, moment)
    return len(apps)


async def keep_windows(session: AsyncSession, zone: ZoneInfo, now: datetime | None = None) -> int:
    """Keep the visitors of the last 7, 29 and 30 closed days of every app active on the last one."""
    moment = now or datetime.now(UTC)
    last = store.today(zone, moment) - timedelta(days=1)
    while not rollups.closed(last, zone, moment):
        last -= timedelta(days=1)
    apps = await session.scalars(select(AnalyticsActive.app_id).where(AnalyticsActive.day == last).distinct())
    count = 0
    for app_id in list(apps):
        for days in WINDOWS:
            await rollups.distinct_visitors(
                session, app_id, last - timedelta(days=days - 1), last, zone, moment
            )
            count += 1
    return count


async def keep_retention(session: AsyncSession, zone: ZoneInfo, now: datetime | None = None) -> int:
    """Keep the closed retention cells of the console's default range (the last ``RETENTION_DAYS``
    cohorts through today) of every app active on the last closed day; answers how many apps."""
    moment = now or datetime.now(UTC)
    today = store.today(zone, moment)
    last = today - timedelta(days=1)
    while not rollups.closed(last, zone, moment):
        last -= timedelta(days=1)
    apps = await session.scalars(select(AnalyticsActive.app_id).where(AnalyticsActive.day == last).distinct())
    count = 0
    for app_id in sorted(apps):
        first = today - timedelta(days=RETENTION_DAYS - 1)
        await report.retention_table(session, app_id, first, today, zone=zone, now=moment, closed_only=True)
        count += 1
    return count


@outbox.periodic(TOPIC, every=timedelta(minutes=5), timeout=240)
async def precompute(job: outbox.Job) -> outbox.Outcome:
    zone = ZoneInfo(job.settings.analytics_timezone)
    async with job.database.session() as session:
        apps = await keep_today(session, zone)
        windows = await keep_windows(session, zone)
        retention = await keep_retention(session, zone)
    log.info("analytics.precomputed", busy_apps=apps, windows=windows, retention=retention)
    return outbox.Outcome.done(
        body=f"{apps} busy apps' today, {windows} visitor ranges, {retention} apps' retention"
    )
