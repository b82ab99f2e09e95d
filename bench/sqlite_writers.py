"""SQLite with and without the writers' queue (server/db/sqlite_writers.py), in one process: short
write transactions at concurrency 1 (the queue's own cost when nobody waits), 8 and 64, and reads
(which the queue never touches). Prints transactions per second and the queue's ratio to the plain
engine, and how many transactions failed "database is locked".

    .venv/bin/python bench/sqlite_writers.py [--transactions 600]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from hutong.server.db.engine import Database, _sqlite_pragmas


class Plain(Database):
    """The same engine and pragmas without the queue (what the platform did before it)."""

    def __init__(self, url: str) -> None:
        self.url, self.keyring = url, None
        self.engine = create_async_engine(url)
        event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas(5.0))
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, info={"keyring": None})


async def timed(total: int, concurrency: int, one: Callable[[int], Awaitable[None]]) -> tuple[float, int]:
    queue = iter(range(total))
    failed = 0

    async def worker() -> None:
        nonlocal failed
        for number in queue:
            try:
                await one(number)
            except OperationalError:
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started), failed


async def measure(database: Database, transactions: int) -> dict[str, tuple[float, int]]:
    async with database.engine.begin() as connection:
        await connection.execute(text("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)"))

    async def write(number: int) -> None:
        async with database.session() as session:
            await session.execute(text("SELECT count(*) FROM t"))  # read, then write: the usual shape
            await session.execute(text("INSERT INTO t (v) VALUES (:v)"), {"v": f"row {number}"})

    async def read(_number: int) -> None:
        async with database.session() as session:
            await session.execute(text("SELECT v FROM t ORDER BY id DESC LIMIT 5"))

    results = {}
    for concurrency in (1, 8, 64):
        results[f"writes, concurrency {concurrency}"] = await timed(transactions, concurrency, write)
    results["reads, concurrency 8"] = await timed(transactions, 8, read)
    await database.dispose()
    return results


async def run(transactions: int) -> None:
    queued: dict[str, tuple[float, int]] = {}
    bare: dict[str, tuple[float, int]] = {}
    # Alternate the two, three rounds, and keep each one's best: a busy machine's noise is one-sided.
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(3):
            for kind, best in ((Plain, bare), (Database, queued)):
                path = Path(scratch) / f"{kind.__name__}-{round_}.db"
                for name, (rate, failed) in (
                    await measure(kind(f"sqlite+aiosqlite:///{path}"), transactions)
                ).items():
                    old_rate, old_failed = best.get(name, (0.0, 0))
                    best[name] = (max(rate, old_rate), old_failed + failed)
    print(f"{transactions} transactions each, SQLite (WAL):")
    print(f"  {'':26} {'queued':>10} {'plain':>10} {'ratio':>6}  failed (queued / plain)")
    for name, (rate, failed) in queued.items():
        base, base_failed = bare[name]
        print(f"  {name:26} {rate:8.0f}/s {base:8.0f}/s {rate / base:6.2f}  {failed} / {base_failed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--transactions", type=int, default=600)
    asyncio.run(run(parser.parse_args().transactions))


if __name__ == "__main__":
    main()
