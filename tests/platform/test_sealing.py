"""Secrets at rest (server/sealing.py): envelope encryption bound to each row, master keys from the
settings, rotation without downtime, and a database whose bytes hold none of the secrets."""

from __future__ import annotations

import base64
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import asyncpg
import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from hutong.cli.main import app as cli
from hutong.launchdata import launch_key, verify_hmac
from hutong.server.db.migrate import downgrade, upgrade
from hutong.server.identity.service import session_signature
from hutong.server.sealing import (
    Keyring,
    SealingError,
    count_by_master_key,
    generate_master_key,
    master_key_of,
    rewrap_all,
)
from hutong.settings import Settings
from tests.identity.world import world


def keys(count: int) -> list[bytes]:
    return [os.urandom(32) for _ in range(count)]


def test_a_sealed_value_opens_only_for_its_purpose_and_intact() -> None:
    keyring = Keyring.of(keys(1))
    value = keyring.seal("the secret", purpose="t.c:1")
    assert "the secret" not in value and value.startswith(f"hs1.{keyring.current}.")
    assert keyring.unseal_text(value, purpose="t.c:1") == "the secret"
    assert keyring.seal("the secret", purpose="t.c:1") != value  # a fresh data key and nonce each time
    with pytest.raises(SealingError):
        keyring.unseal(value, purpose="t.c:2")  # swapped into another row
    head, kid, wrapped, sealed = value.split(".")
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(SealingError):
        keyring.unseal(".".join((head, kid, wrapped, flipped)), purpose="t.c:1")
    with pytest.raises(SealingError):
        Keyring.of(keys(1)).unseal(value, purpose="t.c:1")  # another platform's master key
    with pytest.raises(SealingError):
        keyring.unseal("plain text", purpose="t.c:1")


def test_rotation_rewraps_the_data_key_and_keeps_the_ciphertext() -> None:
    old, new = keys(2)
    value = Keyring.of([old]).seal(b"\x00\xffbytes", purpose="p")
    during = Keyring.of([new, old])  # the new key seals, both open
    assert during.unseal(value, purpose="p") == b"\x00\xffbytes"
    moved = during.rewrap(value)
    assert master_key_of(moved) == during.current != master_key_of(value)
    assert moved.split(".")[3] == value.split(".")[3]
    assert Keyring.of([new]).unseal(moved, purpose="p") == b"\x00\xffbytes"  # the old key retired
    assert during.rewrap(moved) == moved


def test_master_keys_from_the_settings(tmp_path: Path) -> None:
    one, two = generate_master_key(), generate_master_key()
    ring = Keyring.from_settings(Settings(data_dir=tmp_path, master_key=SecretStr(f"{one}, {two}")))
    assert len(ring.keys) == 2 and ring.current == Keyring.of([base64.b64decode(one)]).current
    with pytest.raises(SealingError, match="32 bytes"):
        Keyring.from_settings(Settings(data_dir=tmp_path, master_key=SecretStr("c2hvcnQ=")))
    with pytest.raises(SealingError, match="base64"):
        Keyring.from_settings(Settings(data_dir=tmp_path, master_key=SecretStr("not base64!")))
    # A key file must be its owner's alone.
    path = tmp_path / "keys"
    path.write_text(f"{two}\n{one}\n")
    path.chmod(0o644)
    with pytest.raises(SealingError, match="chmod 600"):
        Keyring.from_settings(Settings(data_dir=tmp_path, master_key_file=path))
    path.chmod(0o600)
    from_file = Keyring.from_settings(Settings(data_dir=tmp_path, master_key_file=path))
    assert from_file.keys == ring.keys and from_file.current != ring.current
    # Neither given: generated into the data dir once, 0600, and the same key next time.
    generated = Keyring.from_settings(Settings(data_dir=tmp_path / "demo"))
    assert (tmp_path / "demo" / "master-key").stat().st_mode & 0o777 == 0o600
    assert Keyring.from_settings(Settings(data_dir=tmp_path / "demo")) == generated


async def database_text(url: str, data_dir: Path) -> bytes:
    """Everything the database holds, read beneath the platform: SQLite's file and its write-ahead
    log byte for byte, or every PostgreSQL row of every table as text."""
    if url.startswith("sqlite"):
        path = Path(url.split("///", 1)[1])
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        tables = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        rows = []
        for table in tables:
            name = table["tablename"]
            rows += [r[0] for r in await connection.fetch(f'SELECT t::text FROM "{name}" t')]
        return "\n".join(rows).encode()
    finally:
        await connection.close()


async def test_the_database_holds_no_secret_the_platform_reads_back(
    tmp_path: Path, database_url: str
) -> None:
    async with world(tmp_path, database_url) as w:
        login = await w.login(w.a1)
        session_key = login["session_key"]
        database = w.app.state.database
        from hutong.server.accounts.models import User
        from hutong.server.support import service as support

        token = "pushT0kenNeverStoredPlain"
        async with database.session() as session:
            owner = await session.scalar(sa.select(User).where(User.email == "a@example.com"))
            await support.set_push(session, owner, w.a1.appid, "https://dev.example.com/wx", token)
        async with database.session() as session:
            _, shown = await support.push_settings(session, owner, w.a1.appid)
        assert shown is not None and shown.token == token  # the console still shows it
        # The platform still computes with the session key: /wxa/checksession accepts its signature.
        access = (await w.token(w.a1))["access_token"]
        params = {
            "access_token": access,
            "openid": login["openid"],
            "signature": session_signature(session_key),
            "sig_method": "hmac_sha256",
        }
        checked = await w.client.get("/wxa/checksession", params=params)
        assert checked.json()["errcode"] == 0, checked.text
        # ...and signs launch data with each app's launch key, which the app's back end checks.
        signed = await w.client.post(
            "/api/identity/launch-data",
            json={"appid": w.a1.appid, "scene": 1001, "start_param": ""},
            headers={"X-CSRF-Token": w.csrf},
        )
        assert signed.status_code == 200, signed.text
        assert verify_hmac(signed.json()["launch_data"], w.a1.secret)["appid"] == w.a1.appid
        stored = await database_text(database_url, tmp_path)
    assert b"identity_session_keys" in stored or database_url.startswith("postgres")
    assert stored.count(b"hs1.") >= 5  # the sealed values are there (3 launch keys among them)...
    for secret in (session_key, token):
        assert secret.encode() not in stored  # ...and the secrets are not
        assert base64.b64decode(session_key) not in stored
    for app in (w.a1, w.a2, w.b1):  # every app's launch key, as hex or as raw bytes
        assert launch_key(app.secret).hex().encode() not in stored
        assert launch_key(app.secret) not in stored


async def test_a_sealed_value_moved_to_another_row_does_not_open(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        first = await w.login(w.a1)
        second = await w.login(w.a2)
        access = (await w.token(w.a1))["access_token"]
        engine = create_async_engine(database_url)
        select_keys = sa.text("SELECT app_id, session_key FROM identity_session_keys ORDER BY app_id")
        move = sa.text("UPDATE identity_session_keys SET session_key = :v WHERE app_id = :a")
        async with engine.begin() as connection:
            (a1, v1), (_, v2) = (await connection.execute(select_keys)).all()
            await connection.execute(move, {"v": v2, "a": a1})  # a2's sealed key copied into a1's row
        params = {
            "access_token": access,
            "openid": first["openid"],
            "signature": session_signature(second["session_key"]),
            "sig_method": "hmac_sha256",
        }
        with pytest.raises(SealingError):
            await w.client.get("/wxa/checksession", params=params)
        async with engine.begin() as connection:
            await connection.execute(move, {"v": v1, "a": a1})
        await engine.dispose()


async def test_rewrap_moves_every_value_to_the_new_master_key(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        logins = [await w.login(app) for app in (w.a1, w.a2, w.b1)]
        old = w.app.state.keyring
        engine = create_async_engine(database_url)
        new = Keyring.of([os.urandom(32), *old.keys.values()])
        async with engine.connect() as connection:
            # three session keys and the three apps' launch keys
            assert await count_by_master_key(connection) == {old.current: 6}
            report = await rewrap_all(connection, new, batch=2)  # batches of two: several transactions
            assert report.rewrapped == 6 and report.by_master_key == {new.current: 6}
            assert (await rewrap_all(connection, new)).rewrapped == 0
        await engine.dispose()
        # The old master key retired: the platform opens every session key with the new one alone.
        retired = Keyring.of([new.keys[new.current]])
        w.app.state.database.sessions.kw["info"]["keyring"] = retired
        access = (await w.token(w.a1))["access_token"]
        params = {
            "access_token": access,
            "openid": logins[0]["openid"],
            "signature": session_signature(logins[0]["session_key"]),
            "sig_method": "hmac_sha256",
        }
        assert (await w.client.get("/wxa/checksession", params=params)).json()["errcode"] == 0
        # Back under the data dir's key, which the fixture's downgrade opens with.
        back = Keyring.of([old.keys[old.current], new.keys[new.current]])
        async with engine.connect() as connection:
            assert (await rewrap_all(connection, back)).rewrapped == 6
        await engine.dispose()


PLAIN_LAUNCH_KEY = "5ea1ed" + "0f" * 29  # 64 hex digits, as apps.launch_key held them


def seed_plain_secrets(path: Path) -> None:
    """A user, an app, its launch key, session key and push token as a database before sealing
    (0013, and 0029 for launch keys) held them."""
    sync = sa.create_engine(f"sqlite:///{path}")
    with sync.begin() as connection:
        for statement in (
            "INSERT INTO users (id, email, name, password_hash, created_at) "
            "VALUES (1, 'u@example.com', '', 'x', CURRENT_TIMESTAMP)",
            "INSERT INTO apps (id, appid, name, description, icon, category, keywords, domains, status, "
            "status_reason, rollout_percentage, rollout_allowlist, rollout_paused, revision, created_at, "
            "launch_key) "
            "VALUES (3, 'hx1', 'A', '', '', '', '[]', '{}', 'active', '', 0, '[]', 0, 0, CURRENT_TIMESTAMP, "
            f"'{PLAIN_LAUNCH_KEY}')",
            "INSERT INTO identity_session_keys (app_id, user_id, session_key, expires_at, created_at) "
            "VALUES (3, 1, 'plainSessionKey==', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            "INSERT INTO support_push_settings "
            "VALUES (3, 'https://x.example/wx', 'plainTok', CURRENT_TIMESTAMP)",
        ):
            connection.execute(sa.text(statement))
    sync.dispose()


def stored(path: Path, query: str) -> str:
    sync = sa.create_engine(f"sqlite:///{path}")
    with sync.connect() as connection:
        value = str(connection.execute(sa.text(query)).scalar_one())
    sync.dispose()
    return value


KEY_QUERY = "SELECT session_key FROM identity_session_keys"
LAUNCH_QUERY = "SELECT launch_key FROM apps"
TOKEN_QUERY = "SELECT token FROM support_push_settings"


def test_the_migration_seals_existing_rows_and_unseals_on_the_way_down(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    url = f"sqlite+aiosqlite:///{path}"
    keyring = Keyring.of(keys(1))
    upgrade(url, "0008")
    seed_plain_secrets(path)
    upgrade(url, "head", keyring)
    purpose = "identity_session_keys.session_key:3:1"
    assert keyring.unseal_text(stored(path, KEY_QUERY), purpose=purpose) == "plainSessionKey=="
    assert (
        keyring.unseal_text(stored(path, TOKEN_QUERY), purpose="support_push_settings.token:3") == "plainTok"
    )
    launch = keyring.unseal_text(stored(path, LAUNCH_QUERY), purpose="apps.launch_key:hx1")
    assert launch == PLAIN_LAUNCH_KEY
    wal = Path(f"{path}-wal")
    everything = path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert b"plainTok" not in everything and PLAIN_LAUNCH_KEY.encode() not in everything
    downgrade(url, "0008", keyring)
    assert stored(path, TOKEN_QUERY) == "plainTok"
    assert stored(path, KEY_QUERY) == "plainSessionKey=="
    assert stored(path, LAUNCH_QUERY) == PLAIN_LAUNCH_KEY


def test_the_keys_commands_rotate_the_master_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hutong.settings import get_settings

    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "new-master"])
    assert made.exit_code == 0 and len(base64.b64decode(made.output.strip())) == 32
    old, new = generate_master_key(), generate_master_key()
    old_id, new_id = (Keyring.of([base64.b64decode(k)]).current for k in (old, new))
    path = tmp_path / "k.db"
    url = f"sqlite+aiosqlite:///{path}"
    upgrade(url, "0008")
    seed_plain_secrets(path)
    upgrade(url, "head", Keyring.of([base64.b64decode(old)]))
    # The same database for the late check below, copied before the re-wrap (migrating a second
    # one from empty the same way cost seconds).
    upgrade_db = tmp_path / "late.db"
    with closing(sqlite3.connect(path)) as origin, closing(sqlite3.connect(upgrade_db)) as copy:
        origin.backup(copy)  # a consistent copy, whatever the journal holds
    monkeypatch.setenv("HUTONG_DATABASE_URL", url)
    monkeypatch.setenv("HUTONG_DATA_DIR", str(tmp_path))

    def run(master_keys: str, *command: str) -> str:
        monkeypatch.setenv("HUTONG_MASTER_KEY", master_keys)
        get_settings.cache_clear()
        result = runner.invoke(cli, ["keys", *command])
        get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        return result.output

    assert f"master key {old_id}  current   3 sealed values" in run(old, "status")
    # The new key first (it seals), the old one still listed (it opens): re-wrap, then retire the old.
    assert f"re-wrapped 3 sealed values under master key {new_id}" in run(f"{new},{old}", "rewrap")
    status = run(new, "status")
    assert f"master key {new_id}  current   3 sealed values" in status and "MISSING" not in status
    purpose = "identity_session_keys.session_key:3:1"
    retired = Keyring.of([base64.b64decode(new)])
    assert retired.unseal_text(stored(path, KEY_QUERY), purpose=purpose) == "plainSessionKey=="
    # Forgetting the old key before the re-wrap is caught by status.
    monkeypatch.setenv("HUTONG_DATABASE_URL", f"sqlite+aiosqlite:///{upgrade_db}")
    assert f"master key {old_id}  MISSING   3 sealed values" in run(new, "status")
