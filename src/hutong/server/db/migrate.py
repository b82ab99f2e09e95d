"""Run the Alembic migrations programmatically, for the CLI, the demo and the tests."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config

    from hutong.server.sealing import Keyring

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Alembic installs its `context` and `op` as process-wide proxies for the command that runs: two
# commands at once in one process (threads; the test suite downgrades in the background) would run
# each other's migrations. One at a time.
_ONE_AT_A_TIME = threading.Lock()


def alembic_config(url: str, keyring: Keyring | None = None) -> Config:
    """``keyring`` seals (and on the way down opens) the secrets a data migration touches; without
    one, the settings' master key is used when there are any."""
    # Alembic is imported by what migrates (~65 ms): a server or `hutong check` on a migrated database
    # (fresh_sqlite copies a template) never needs it.
    from alembic.config import Config

    config = Config()
    if keyring is not None:
        config.attributes["keyring"] = keyring
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "head", keyring: Keyring | None = None) -> None:
    from alembic import command

    with _ONE_AT_A_TIME:
        command.upgrade(alembic_config(url, keyring), revision)


def downgrade(url: str, revision: str = "base", keyring: Keyring | None = None) -> None:
    from alembic import command

    with _ONE_AT_A_TIME:
        command.downgrade(alembic_config(url, keyring), revision)


def bring_up_to_date(url: str, keyring: Keyring | None = None) -> None:
    """Bring the database at ``url`` to the newest migration for a server to use: a SQLite file that
    does not exist yet becomes a copy of the cached template (``fresh_sqlite``: milliseconds, where the
    migrations from empty take 10 to 30 s on a busy 2-core machine, most of a first `hutong demo`);
    anything else is migrated."""
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh_sqlite(path)
        return
    upgrade(url, keyring=keyring)


def _sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for any other database, an in-memory one or a URI filename."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:") or parsed.query:
        return None
    return Path(parsed.database)


async def upgrade_async(url: str, revision: str = "head", keyring: Keyring | None = None) -> None:
    # Alembic's env.py runs its own event loop; keep it off the caller's.
    await asyncio.to_thread(upgrade, url, revision, keyring)


def _migrations_digest() -> str:
    """What the migrations say, as a short hash: a template made by other migrations is not reused."""
    digest = hashlib.sha256()
    for script in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        digest.update(script.name.encode())
        digest.update(script.read_bytes())
    return digest.hexdigest()[:16]


def _cache_dir() -> Path:
    explicit = os.environ.get("HUTONG_CACHE_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hutong"


def fresh_sqlite(path: Path) -> None:
    """Make ``path`` a new SQLite database at the newest migration, as ``upgrade`` would, by copying a
    template migrated once per set of migrations and kept in the user's cache folder: a throwaway
    database (``hutong check`` makes one per run) then takes milliseconds instead of seconds of
    migrations. An empty database has no secrets, so the template needs no master key."""
    template = _cache_dir() / f"empty-{_migrations_digest()}.db"
    if not template.exists():
        template.parent.mkdir(parents=True, exist_ok=True)
        # Made aside and renamed into place, so two runs at once never copy a half-made template.
        with tempfile.TemporaryDirectory(dir=template.parent) as aside:
            made = Path(aside) / template.name
            upgrade(f"sqlite+aiosqlite:///{made}")
            # Everything into the one file (the engine runs in WAL mode) before it moves.
            settle = sqlite3.connect(made)
            try:
                settle.execute("PRAGMA journal_mode=DELETE")
            finally:
                settle.close()
            os.replace(made, template)
        for stale in template.parent.glob("empty-*.db"):
            if stale != template:
                stale.unlink(missing_ok=True)  # made by migrations since changed
    origin, copy = sqlite3.connect(template), sqlite3.connect(path)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()
