"""Run the Alembic migrations programmatically, for the CLI, the demo and the tests."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config

if TYPE_CHECKING:
    from hutong.server.sealing import Keyring

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Alembic installs its `context` and `op` as process-wide proxies for the command that runs: two
# commands at once in one process (threads; the test suite downgrades in the background) would run
# each other's migrations. One at a time.
_ONE_AT_A_TIME = threading.Lock()


def alembic_config(url: str, keyring: Keyring | None = None) -> Config:
    """``keyring`` seals (and on the way down opens) the secrets a data migration touches; without
    one, the settings' master key is used when there are any."""
    config = Config()
    if keyring is not None:
        config.attributes["keyring"] = keyring
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "head", keyring: Keyring | None = None) -> None:
    with _ONE_AT_A_TIME:
        command.upgrade(alembic_config(url, keyring), revision)


def downgrade(url: str, revision: str = "base", keyring: Keyring | None = None) -> None:
    with _ONE_AT_A_TIME:
        command.downgrade(alembic_config(url, keyring), revision)


async def upgrade_async(url: str, revision: str = "head", keyring: Keyring | None = None) -> None:
    # Alembic's env.py runs its own event loop; keep it off the caller's.
    await asyncio.to_thread(upgrade, url, revision, keyring)
