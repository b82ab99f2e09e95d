"""One writer at a time per process on SQLite, queued in asyncio rather than in SQLite's busy handler.

SQLite lets one connection write at a time. A connection that finds the write lock taken waits in
SQLite's busy handler, which polls with growing sleeps (up to 100 ms each) until ``busy_timeout``; with
a couple of hundred requests writing at once (subscription sends, say) a writer keeps losing the race
to whoever polls at the right moment and fails "database is locked" after the timeout, a 500.

So every write in this process first takes an asyncio lock, in FIFO order, and holds it until its
transaction commits or rolls back; writers of this process then never meet at SQLite's lock, and wait
their turn without polling. Reads are not queued (SQLite in WAL mode reads beside a writer), and the
lock is taken lazily at a transaction's first write statement, which is where Python's sqlite3 module
begins the transaction (its SELECTs run outside one), so a transaction that read and then writes
starts from the newest data. Other processes (``hutong outbox run``, the CLI) are still kept in order
by SQLite's own lock and busy timeout.

The wait in the queue is bounded (``QUEUE_TIMEOUT``, like the pool's wait for a connection) so that
a task that would wait for itself (a second connection writing while its first still holds the lock)
fails "database is locked" as SQLite would, rather than hanging.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util.concurrency import await_

QUEUE_TIMEOUT = 30.0  # seconds; a queued writer waits for the others' transactions, not for polling
_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|SAVEPOINT)\b", re.IGNORECASE)


@dataclass
class _Turn:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    holder: object | None = None  # the DBAPI connection whose transaction holds the lock


class Writers:
    """The write queue of one SQLite engine (one per event loop: aiosqlite connections belong to one)."""

    def __init__(self, timeout: float = QUEUE_TIMEOUT) -> None:
        self.timeout = timeout
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turn] = weakref.WeakKeyDictionary()

    def install(self, engine: AsyncEngine) -> None:
        sync = engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._before_execute)
        dialect: Any = sync.dialect
        commit, rollback = dialect.do_commit, dialect.do_rollback

        # The dialect's own commit and rollback (also used when the pool resets a connection it gets
        # back): the lock is released once SQLite has finished, never before.
        def do_commit(connection: Any) -> None:
            try:
                commit(connection)
            finally:
                self._release(connection)

        def do_rollback(connection: Any) -> None:
            try:
                rollback(connection)
            finally:
                self._release(connection)

        dialect.do_commit, dialect.do_rollback = do_commit, do_rollback
        # A connection dropped mid-transaction (an error, a closed pool) gives its turn up too.
        for name in ("invalidate", "soft_invalidate", "close", "close_detached"):
            event.listen(sync.pool, name, self._released_by_pool)

    def _turn(self) -> _Turn:
        loop = asyncio.get_running_loop()
        turn = self._turns.get(loop)
        if turn is None:
            turn = self._turns[loop] = _Turn()
        return turn

    def _before_execute(self, conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        write = _WRITE.match(statement)
        if not write:
            return
        raw: Any = conn.connection.dbapi_connection  # SQLAlchemy's adapter of an aiosqlite connection
        turn = self._turn()
        if turn.holder is not raw:
            self._wait_for_turn(turn)
            turn.holder = raw
        if write[1].upper() == "SAVEPOINT" and not raw._connection.in_transaction:
            # Outside a transaction SQLite's SAVEPOINT begins one, and its RELEASE commits it: what the
            # transaction writes after (or rolls back) would no longer be one unit with it. Python's
            # sqlite3 opens transactions only before INSERT/UPDATE/DELETE, so open it here, as a write.
            cursor = raw.cursor()
            cursor.execute("BEGIN IMMEDIATE")
            cursor.close()

    def _wait_for_turn(self, turn: _Turn) -> None:
        try:
            # Runs in SQLAlchemy's greenlet for the async engine, so it may wait on the event loop.
            await_(asyncio.wait_for(turn.lock.acquire(), self.timeout))
        except TimeoutError:
            raise sqlite3.OperationalError(
                "database is locked (another write of this process held it too long)"
            ) from None

    def _release(self, connection: Any) -> None:
        raw = getattr(connection, "dbapi_connection", connection)
        for turn in list(self._turns.values()):
            if turn.holder is not None and turn.holder is raw:
                turn.holder = None
                turn.lock.release()

    def _released_by_pool(self, dbapi_connection: Any, *_args: Any) -> None:
        self._release(dbapi_connection)
