"""Analytics at scale on this machine: N synthetic events (10 million by default) over the last 30
days through today for one app, then each console query, beside a plain indexed count over the same
table and range measured in the same run.

    .venv/bin/python bench/analytics.py [--events 10000000] [--database-url URL] [--days 30]

Without a URL the store is SQLite in a temporary folder; with ``postgresql+asyncpg://…/dbname`` the
database (created if missing, dropped afterwards) is PostgreSQL with one partition per day.

The generator writes inside the database (INSERT … SELECT over a generated series: Python would be
the bottleneck, not the store): visits of ten events (a launch, then page views with their stays,
now and then an error or a reported event) by a pool of N/40 visitors, spread evenly over the days;
who was active when, and each visitor's first day, are filled as the ingestion path fills them.
Then every closed day is rolled up once (what the platform's maintenance does each night; timed),
today's cost computed live is shown, the periodic job runs once (precompute.py: a busy app's today,
the last 7/29/30 closed days' visitors; timed), and the console's queries are timed (first run and
best of three): the overview of the console's default range (30 days through today) and of the last
30 closed days, errors and performance, retention, distinct visitors, the datacube's weekly trend."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy import text

from hutong.server.db import Database
from hutong.server.db.migrate import upgrade_async
from hutong.server.events import precompute, report, rollups, store
from hutong.server.events.manage_routes import code_health, overview

APP = 1
ZONE = ZoneInfo("UTC")


def generator_sql(dialect: str, n: int, first: date, days: int, visitors: int) -> str:
    """One INSERT … SELECT producing ``n`` events (i = 0 … n-1; visit v = i / 10)."""
    if dialect == "postgresql":
        series = f"SELECT generate_series(0, {n - 1})::bigint AS i"
        day = f"(DATE '{first.isoformat()}' + ((i / 10) % {days})::int)"
        at = f"({day} + make_interval(secs => ((i / 10) * 7 + i % 10 * 13) % 86400))"
        hour = "(((i / 10) * 7 + i % 10 * 13) % 86400 / 3600)::smallint"
        concat = "||"
        data = (
            "CASE WHEN i % 97 = 5 THEN json_build_object('file', 'pages/p' || (i % 7) || '.js',"
            " 'line', i % 40) END"
        )
        source = f"FROM ({series}) s"
    else:
        series = f"WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {n - 1})"
        day = f"date('{first.isoformat()}', '+' || ((i / 10) % {days}) || ' days')"
        at = f"datetime({day}, '+' || (((i / 10) * 7 + i % 10 * 13) % 86400) || ' seconds')"
        hour = "(((i / 10) * 7 + i % 10 * 13) % 86400 / 3600)"
        concat = "||"
        data = (
            "CASE WHEN i % 97 = 5 THEN json_object('file', 'pages/p' || (i % 7) || '.js', 'line', i % 40) END"
        )
        source = "FROM s"
    kind = (
        "CASE WHEN i % 10 = 0 THEN 'launch' WHEN i % 97 = 5 THEN 'error' WHEN i % 31 = 3 THEN 'custom'"
        " ELSE 'page' END"
    )
    name = (
        "CASE WHEN i % 10 = 0 THEN '' WHEN i % 97 = 5 THEN 'boom ' || (i % 5) WHEN i % 31 = 3 THEN 'buy'"
        f" ELSE 'pages/p' {concat} (i % 7) {concat} '/index' END"
    )
    prefix = series if dialect != "postgresql" else ""
    return (
        f"{prefix} INSERT INTO analytics_events (day, hour, at, app_id, release_id, audience, session, kind,"
        " name, scene, value, data)"
        f" SELECT {day}, {hour}, {at}, {APP}, 1, 'device:' {concat} ((i / 10 * 7919) % {visitors}),"
        f" 'v' {concat} (i / 10), {kind}, {name},"
        " CASE WHEN i % 10 = 0 THEN 1001 + (i / 10) % 5 END,"
        " CASE WHEN i % 10 = 0 THEN NULL ELSE (i * 37) % 60000 END,"
        f" {data} {source}"
    )


async def generate(db: Database, n: int, first: date, days: int) -> float:
    started = time.perf_counter()
    await store.ensure_partitions(db.engine, {first + timedelta(days=d) for d in range(days + 1)})
    dialect = db.engine.dialect.name
    visitors = max(n // 40, 1)
    async with db.engine.begin() as connection:
        await connection.execute(text(generator_sql(dialect, n, first, days, visitors)))
        await connection.execute(
            text(
                "INSERT INTO analytics_users (app_id, audience, first_day) SELECT app_id, audience, min(day)"
                " FROM analytics_events WHERE kind IN ('launch', 'page') GROUP BY app_id, audience"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO analytics_active (app_id, day, audience) SELECT DISTINCT app_id, day, audience"
                " FROM analytics_events WHERE kind IN ('launch', 'page')"
            )
        )
    if dialect == "postgresql":
        async with db.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
    else:
        async with db.engine.begin() as connection:
            await connection.execute(text("ANALYZE"))
    return time.perf_counter() - started


async def timed(work: Callable[[], Awaitable[Any]], repeat: int = 3) -> tuple[float, float]:
    """(the first run, the best of ``repeat``) in seconds: the first pays for what is then kept
    (a closed range's distinct visitors, closed retention cells) and warms the caches."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return times[0], min(times)


async def run(url: str, n: int, days: int) -> None:
    await upgrade_async(url)
    db = Database(url)
    # The events span the console's default range: the last ``days`` days through today, so today is
    # as busy as any other day (what the periodic job keeps for a busy app).
    today = datetime.now(UTC).date()
    first, last = today - timedelta(days=days - 1), today
    yesterday = today - timedelta(days=1)
    try:
        seconds = await generate(db, n, first, days)
        async with db.engine.connect() as connection:
            count = (await connection.execute(text("SELECT count(*) FROM analytics_events"))).scalar_one()
        print(f"{db.engine.dialect.name}: {count:,} events over {days} days generated in {seconds:.1f} s")

        async def plain_count() -> Any:
            async with db.engine.connect() as connection:
                return (
                    await connection.execute(
                        text(
                            "SELECT count(*) FROM analytics_events"
                            " WHERE app_id = :app AND day BETWEEN :a AND :b AND kind = 'page'"
                        ),
                        {"app": APP, "a": first, "b": last},
                    )
                ).scalar_one()

        baseline = (await timed(plain_count))[1]
        started = time.perf_counter()
        async with db.session() as session:
            await rollups.days(session, APP, first, yesterday, ZONE)  # rolls every closed day up, once
        rollup = time.perf_counter() - started
        print(f"  plain indexed count of {days} days' page views: {baseline * 1000:.0f} ms (the baseline)")
        print(
            f"  rolling up {days - 1} closed days (once; nightly, a day at a time, in production):"
            f" {rollup:.1f} s"
        )
        started = time.perf_counter()
        async with db.session() as session:
            live_today = await rollups.compute_day(session, APP, today)
        print(
            f"  today ({live_today.get(('session_cnt', ''), 0):,} visits) computed live:"
            f" {(time.perf_counter() - started) * 1000:.0f} ms (what a read would pay without the job)"
        )
        started = time.perf_counter()
        async with db.session() as session:
            busy = await precompute.keep_today(session, ZONE)
            windows = await precompute.keep_windows(session, ZONE)
            retention = await precompute.keep_retention(session, ZONE)
        print(
            f"  the periodic job (today of {busy} busy app, {windows} visitor ranges,"
            f" {retention} app's retention cells):"
            f" {time.perf_counter() - started:.1f} s"
        )

        async def in_session(work: Callable[[Any], Awaitable[Any]]) -> Callable[[], Awaitable[Any]]:
            async def go() -> Any:
                async with db.session() as session:
                    return await work(session)

            return go

        week = last - timedelta(days=last.weekday() + 7)
        queries: dict[str, Callable[[Any], Awaitable[Any]]] = {
            "overview, the last 30 days through today (the console's default)": lambda s: overview(
                s, APP, first, last, ZONE
            ),
            "  of which today's hourly chart": lambda s: rollups.hourly(s, APP, today),
            "  today's hourly chart all counted live (no hours kept)": lambda s: rollups.count_hours(
                s, APP, today
            ),
            "overview, the last 30 closed days": lambda s: overview(
                s, APP, yesterday - timedelta(days=29), yesterday, ZONE
            ),
            "errors and performance": lambda s: code_health(s, APP, first, last, ZONE),
            "retention table (30 cohorts x 10 offsets)": lambda s: report.retention_table(
                s, APP, first, last, zone=ZONE
            ),
            "30-day distinct visitors (through today)": lambda s: rollups.distinct_visitors(
                s, APP, first, last, ZONE
            ),
            "datacube weekly visit trend": lambda s: rollups.days(
                s, APP, week, week + timedelta(days=6), ZONE
            ),
        }
        results = {}
        for label, query in queries.items():
            results[label] = await timed(await in_session(query))
        for label, (cold, seconds_taken) in results.items():
            ratio = seconds_taken / baseline if baseline else float("nan")
            print(
                f"  {label}: {seconds_taken * 1000:.0f} ms ({ratio:.1f}x the plain count);"
                f" first run {cold * 1000:.0f} ms"
            )
        best = [b for _, b in results.values()]
        slowest, median = max(best), statistics.median(best)
        print(f"  slowest console query: {slowest * 1000:.0f} ms; median {median * 1000:.0f} ms")
    finally:
        await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.database_url.startswith("postgresql"):
        name = args.database_url.rsplit("/", 1)[1]
        admin = (
            args.database_url.rsplit("/", 1)[0].replace("postgresql+asyncpg://", "postgresql://")
            + "/postgres"
        )
        connection = await asyncpg.connect(admin)
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
        try:
            await run(args.database_url, args.events, args.days)
        finally:
            await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await connection.close()
        return
    with tempfile.TemporaryDirectory() as folder:
        await run(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", args.events, args.days)


if __name__ == "__main__":
    asyncio.run(main())
