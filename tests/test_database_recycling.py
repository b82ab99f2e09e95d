"""A PostgreSQL test database put back to the template's state (tests/conftest.py ``_TemplateState``)
is as a fresh copy of the template would be: every table's rows, every sequence's position."""

from __future__ import annotations

import secrets
from pathlib import Path

import asyncpg
import pytest

from tests import conftest
from tests.conftest import _TEMPLATE_STATE, _admin, _database_dsn, _drop_database, _postgres_base
from tests.platform.apiclient import platform, settings_for, token_for


async def _fingerprint(name: str) -> dict[str, object]:
    connection = await asyncpg.connect(_database_dsn(name))
    try:
        tables = [
            row[0]
            for row in await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ]
        state: dict[str, object] = {}
        for table in sorted(tables):
            state[table] = await connection.fetchval(
                f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) FROM \"{table}\" t"
            )
        for row in await connection.fetch(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ):
            state[f"sequence {row[0]}"] = row[1]
        return state
    finally:
        await connection.close()


async def test_a_recycled_database_is_a_fresh_copy(migrated_postgres: str, tmp_path: Path) -> None:
    used, fresh = (f"hutong_test_{secrets.token_hex(4)}" for _ in range(2))
    for name in (used, fresh):
        await _admin(f'CREATE DATABASE "{name}" TEMPLATE "{migrated_postgres}"')
    try:
        # A test's worth of rows (accounts, an organization, an app) and sequences moved on.
        async with platform(settings_for(tmp_path, f"{_postgres_base()}/{used}")) as (_, client):
            headers = await token_for(client, "recycled@example.com")
            org = await client.post("/api/orgs", json={"name": "Org"}, headers=headers)
            assert org.status_code == 201
            app = await client.post(
                f"/api/orgs/{org.json()['id']}/apps", json={"name": "App"}, headers=headers
            )
            assert app.status_code == 201
        connection = await asyncpg.connect(_database_dsn(used))
        try:
            await connection.execute("DELETE FROM subscribe_keywords WHERE id % 2 = 0")  # seeded rows too
        finally:
            await connection.close()
        assert await _fingerprint(used) != await _fingerprint(fresh)

        assert await _TEMPLATE_STATE.restore(used)
        assert await _fingerprint(used) == await _fingerprint(fresh)

        # A database whose schema a test changed is not put back (the caller drops it).
        connection = await asyncpg.connect(_database_dsn(used))
        try:
            await connection.execute("UPDATE alembic_version SET version_num = 'elsewhere'")
        finally:
            await connection.close()
        assert not await _TEMPLATE_STATE.restore(used)
    finally:
        for name in (used, fresh):
            await _drop_database(name)


def test_a_package_and_kind_is_downgraded_once_a_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Whichever worker leaves a package first downgrades its database of each kind; the workers share
    the run's claims folder, so a second claim, from any of them, is refused."""
    monkeypatch.setattr(conftest, "_CLAIMS", [tmp_path])
    assert conftest._first_downgrade_of("tests/payments", "sqlite")
    assert conftest._first_downgrade_of("tests/payments", "postgres")
    assert conftest._first_downgrade_of("tests/wallet", "sqlite")
    assert not conftest._first_downgrade_of("tests/payments", "sqlite")
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "tests.payments.postgres",
        "tests.payments.sqlite",
        "tests.wallet.sqlite",
    ]
