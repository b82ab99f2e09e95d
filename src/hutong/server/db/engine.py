"""Engine and sessions; SQLite runs in WAL mode with foreign keys on."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from hutong.server.db.sqlite_writers import Writers

if TYPE_CHECKING:
    from hutong.server.sealing import Keyring
    from hutong.settings import Settings


def _sqlite_pragmas(busy_timeout: float) -> Callable[[Any, Any], None]:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    return on_connect


class Database:
    """One engine and its session factory. Its sessions carry ``keyring`` (server/sealing.py) for the
    secrets they seal and unseal."""

    def __init__(self, url: str, keyring: Keyring | None = None, *, busy_timeout: float = 5.0) -> None:
        """``busy_timeout``: on SQLite, how long a write waits for the write lock (seconds)."""
        self.url = url
        self.keyring = keyring
        self.engine: AsyncEngine = create_async_engine(url, pool_pre_ping=not url.startswith("sqlite"))
        if url.startswith("sqlite"):
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas(busy_timeout))
            # This process's writers queue in asyncio, not in SQLite's busy handler (sqlite_writers.py).
            Writers().install(self.engine)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False, info={"keyring": keyring})

    @classmethod
    def of_settings(cls, settings: Settings) -> Database:
        """The platform's database with its keyring, as a server or a command of ``settings`` opens it."""
        from hutong.server.sealing import Keyring

        return cls(
            settings.effective_database_url,
            Keyring.from_settings(settings),
            busy_timeout=settings.sqlite_busy_timeout_seconds,
        )

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose work is committed on success and rolled back on any error."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    async def dispose(self) -> None:
        await self.engine.dispose()
