"""The event store's day partitions on PostgreSQL (server/events/store.py): a day's partition takes the
rows the default partition holds for it, and a write racing the partition's making waits for it
instead of failing, since a payment writes its event inside its own transaction."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from hutong.server.db import Database
from hutong.server.events import store
from tests.conftest import on_databases

pytestmark = on_databases("postgres")

DAY = date(2031, 5, 17)  # no partition of its own until the test makes it


def _event(day: date, name: str) -> dict[str, object]:
    moment = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return store.row(at=moment, zone=ZoneInfo("UTC"), app_id=1, audience="user:1", kind="server", name=name)


async def _rows_in(database: Database, table: str) -> list[str]:
    async with database.session() as session:
        return list((await session.scalars(text(f"SELECT name FROM {table} ORDER BY name"))).all())


async def _waiting(database: Database, count: int) -> None:
    """Until ``count`` lock requests wait in this database."""
    for _ in range(400):
        async with database.session() as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                    " WHERE NOT l.granted AND d.datname = current_database()"
                )
            )
        if waiting is not None and waiting >= count:
            return
        await asyncio.sleep(0.025)
    raise AssertionError(f"{count} lock requests never waited")


async def test_a_days_partition_takes_its_rows_from_the_default(database: Database) -> None:
    async with database.session() as session:
        await store.write(session, [_event(DAY, "before"), _event(date(2031, 5, 18), "other day")])
        await session.commit()
    await store.ensure_partitions(database.engine, {DAY})
    name = store.partition_name(DAY)
    assert await _rows_in(database, name) == ["before"]
    assert await _rows_in(database, "analytics_events_default") == ["other day"]
    await store.ensure_partitions(database.engine, {DAY})  # made once
    assert await _rows_in(database, name) == ["before"]


async def test_a_write_racing_a_new_partition_waits_for_it(database: Database) -> None:
    # A reader of the default partition (any query over the store) holds the ATTACH back, so the
    # partition's making is under way while the write comes.
    async with database.engine.connect() as reader:
        await reader.execute(text("BEGIN"))
        await reader.execute(text("SELECT count(*) FROM analytics_events_default"))
        making = asyncio.create_task(store.ensure_partitions(database.engine, {DAY}))
        await _waiting(database, 1)

        async def pay() -> None:  # a payment's transaction, which records its event
            async with database.session() as session:
                await store.write(session, [_event(DAY, "payment")])
                await session.commit()

        paying = asyncio.create_task(pay())
        await _waiting(database, 2)
        await reader.execute(text("COMMIT"))
        # Before the fix: "new row for relation analytics_events_default violates partition constraint".
        await asyncio.wait_for(asyncio.gather(making, paying), 30)
    assert await _rows_in(database, store.partition_name(DAY)) == ["payment"]
    assert await _rows_in(database, "analytics_events_default") == []
