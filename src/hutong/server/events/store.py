"""Writing the event store in bulk, its day partitions (PostgreSQL) and its retention.

Every write is a batch: the events in one executemany INSERT, then each visitor's first day and active
day with INSERT … ON CONFLICT DO NOTHING (so uv, new users and retention never scan raw events)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, insert, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from hutong.server.events.models import AnalyticsActive, AnalyticsUser, events

# Kinds that are a visit: they make the visitor active that day (and a user of the app).
VISITS = ("launch", "page")
PARTITION = re.compile(r"^analytics_events_(\d{8})$")
CHUNK = 5000


def row(
    *,
    at: datetime,
    zone: ZoneInfo,
    app_id: int,
    audience: str,
    kind: str,
    name: str = "",
    session: str = "",
    release_id: int | None = None,
    scene: int | None = None,
    value: int | None = None,
    data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One event as the store keeps it: day and hour in the analytics time zone."""
    local = at.astimezone(zone)
    return {
        "day": local.date(),
        "hour": local.hour,
        "at": at,
        "app_id": app_id,
        "release_id": release_id,
        "audience": audience[:80],
        "session": session[:32],
        "kind": kind,
        "name": name[:128],
        "scene": scene,
        "value": value,
        "data": data,
    }


def _insert(dialect: str) -> Any:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def write(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Store ``rows`` (made by ``row``) in the caller's transaction."""
    if not rows:
        return
    dialect = (await session.connection()).dialect.name
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(events), list(rows[start : start + CHUNK]))
    first: dict[tuple[int, str], date] = {}
    active: set[tuple[int, date, str]] = set()
    for item in rows:
        if item["kind"] not in VISITS:
            continue
        key = (item["app_id"], item["audience"])
        first[key] = min(first.get(key, item["day"]), item["day"])
        active.add((item["app_id"], item["day"], item["audience"]))
    upsert = _insert(dialect)
    if first:
        values = [{"app_id": a, "audience": who, "first_day": d} for (a, who), d in sorted(first.items())]
        await session.execute(upsert(AnalyticsUser).on_conflict_do_nothing(), values)
    if active:
        values = [{"app_id": a, "day": d, "audience": who} for a, d, who in sorted(active)]
        await session.execute(upsert(AnalyticsActive).on_conflict_do_nothing(), values)


def partition_name(day: date) -> str:
    return f"analytics_events_{day:%Y%m%d}"


async def ensure_partitions(engine: AsyncEngine, days: Iterable[date]) -> None:
    """PostgreSQL: a partition for each day (rows already in the default partition for that day move
    into it). One process at a time, under an advisory lock; a no-op on SQLite."""
    if engine.dialect.name != "postgresql":
        return
    async with engine.begin() as connection:
        await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('analytics_partitions'))"))
        missing = sorted(set(days) - set(await _partitions(connection)))
        if missing:
            # Writers wait until the new partitions are in place. ATTACH itself locks the parent only
            # against other DDL: an INSERT that had already routed its row to the default partition
            # (no partition for its day yet) then waited for the default's lock, and once the ATTACH
            # committed failed its partition constraint ("violates partition constraint"), inside
            # the caller's transaction: a wallet payment, which records its event there, failed.
            await connection.execute(text("LOCK TABLE analytics_events IN SHARE ROW EXCLUSIVE MODE"))
        for day in missing:
            name = partition_name(day)
            await connection.execute(text(f"CREATE TABLE {name} (LIKE analytics_events INCLUDING DEFAULTS)"))
            await connection.execute(
                text(
                    "WITH moved AS (DELETE FROM analytics_events_default WHERE day = :day RETURNING *)"  # noqa: S608
                    f" INSERT INTO {name} SELECT * FROM moved"
                ),
                {"day": day},
            )
            await connection.execute(
                text(
                    f"ALTER TABLE analytics_events ATTACH PARTITION {name}"
                    f" FOR VALUES FROM ('{day.isoformat()}') TO ('{(day + timedelta(days=1)).isoformat()}')"
                )
            )


async def _partitions(connection: AsyncConnection) -> dict[date, str]:
    names = await connection.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'analytics_events'"
        )
    )
    found: dict[date, str] = {}
    for name in names:
        match = PARTITION.match(name)
        if match:
            found[datetime.strptime(match.group(1), "%Y%m%d").date()] = name
    return found


async def prune(engine: AsyncEngine, today: date, retention_days: int) -> None:
    """Drop raw events (and who was active) older than the retention; the rollups stay."""
    cutoff = today - timedelta(days=retention_days)
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('analytics_partitions'))"))
            for day, name in (await _partitions(connection)).items():
                if day < cutoff:
                    await connection.execute(text(f"DROP TABLE {name}"))
        await connection.execute(delete(events).where(events.c.day < cutoff))
        await connection.execute(delete(AnalyticsActive).where(AnalyticsActive.day < cutoff))


def today(zone: ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(zone).date()
