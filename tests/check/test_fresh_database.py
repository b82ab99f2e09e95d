"""`hutong check`'s throwaway database comes from a template migrated once per set of migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from hutong.server.db import migrate


def _tables(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        connection.close()
    return {name for (name,) in rows}


def test_a_fresh_database_is_a_copy_of_one_template_per_migrations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUTONG_CACHE_DIR", str(tmp_path / "cache"))
    runs: list[str] = []
    real_upgrade = migrate.upgrade

    def counted(url: str, *args: Any, **kwargs: Any) -> None:
        runs.append(url)
        real_upgrade(url, *args, **kwargs)

    monkeypatch.setattr(migrate, "upgrade", counted)

    migrate.fresh_sqlite(tmp_path / "one.db")
    migrate.fresh_sqlite(tmp_path / "two.db")
    assert len(runs) == 1  # the second database was copied, not migrated
    assert {"alembic_version", "apps", "payment_orders"} <= _tables(tmp_path / "two.db")
    (template,) = (tmp_path / "cache").glob("empty-*.db")

    # Other migrations (a new one, or one edited) make a new template and the old one goes.
    monkeypatch.setattr(migrate, "_migrations_digest", lambda: "0123456789abcdef")
    migrate.fresh_sqlite(tmp_path / "three.db")
    assert len(runs) == 2
    assert [path.name for path in (tmp_path / "cache").glob("empty-*.db")] == ["empty-0123456789abcdef.db"]
    assert not template.exists()
    assert _tables(tmp_path / "three.db") == _tables(tmp_path / "one.db")


def test_a_server_s_new_sqlite_database_is_the_template_and_an_existing_one_is_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`hutong demo`, `serve`'s `migrate` and `dev` start on a new SQLite file in milliseconds: the
    migrations from empty were most of a first `hutong demo` (about 20 s of its 30 under load)."""
    monkeypatch.setenv("HUTONG_CACHE_DIR", str(tmp_path / "cache"))
    migrate.fresh_sqlite(tmp_path / "warm-the-cache.db")
    runs: list[str] = []
    monkeypatch.setattr(migrate, "upgrade", lambda url, *args, **kwargs: runs.append(url))

    new = tmp_path / "data" / "hutong.db"  # its folder does not exist yet either
    migrate.bring_up_to_date(f"sqlite+aiosqlite:///{new}")
    assert runs == []
    assert _tables(new) == _tables(tmp_path / "warm-the-cache.db")

    # A database that exists is migrated (it may hold rows, and be at any revision), as is any other kind.
    migrate.bring_up_to_date(f"sqlite+aiosqlite:///{new}")
    migrate.bring_up_to_date("postgresql+asyncpg://localhost/hutong")
    assert runs == [f"sqlite+aiosqlite:///{new}", "postgresql+asyncpg://localhost/hutong"]
