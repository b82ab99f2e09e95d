"""The data layer on SQLite and PostgreSQL: migrations, releases, content-addressed blobs."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from hutong.compiler import build_project
from hutong.server.apps import service
from hutong.server.apps.models import App, Release
from hutong.server.db import Database
from hutong.server.problems import Problem
from hutong.server.storage import BlobStore


async def test_migrations_create_the_schema(database: Database) -> None:
    async with database.engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert {"apps", "releases", "alembic_version"} <= tables


async def test_publish_stores_release_and_blobs_once(
    database: Database, tmp_path: Path, examples_dir: Path
) -> None:
    store = BlobStore(tmp_path / "blobs")
    build = build_project(examples_dir / "counter")
    async with database.session() as session:
        first = await service.publish(
            session, store, appid="c", name="Counter", description="", version="1.0.0", build=build
        )
    async with database.session() as session:
        second = await service.publish(
            session, store, appid="c", name="Counter", description="", version="1.0.1", build=build
        )
    assert first.id != second.id
    # Identical bundles are one blob each on disk, however many releases use them (a blob's recorded
    # media type sits beside it as <sha256>.type and is not a blob).
    blobs = [path for path in (tmp_path / "blobs").rglob("*") if path.is_file() and not path.suffix]
    assert len(blobs) == len(build.files)
    assert first.bundles == second.bundles
    async with database.session() as session:
        _app, current = await service.current_release(session, "c")
        assert current.version == "1.0.1"
        assert [summary.appid for summary in await service.list_apps(session)] == ["c"]
    for info in current.bundles.values():
        assert store.get(info["sha256"]) is not None


async def test_unknown_app_is_a_problem(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(Problem) as raised:
            await service.current_release(session, "nope")
    assert raised.value.code == "app_not_found"


async def test_duplicate_version_is_refused_by_the_schema(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.session() as session:
            app = App(appid="dup", name="Dup", description="")
            session.add(app)
            await session.flush()
            session.add_all(
                [
                    Release(app_id=app.id, version="1", bundles={}),
                    Release(app_id=app.id, version="1", bundles={}),
                ]
            )
    async with database.session() as session:
        # The failed transaction left nothing behind.
        assert await session.scalar(select(App).where(App.appid == "dup")) is None


async def test_blob_store_rejects_bad_names(tmp_path: Path) -> None:
    store = BlobStore(tmp_path)
    digest = store.put(b"hello")
    assert store.get(digest) == b"hello"
    assert store.get("../etc/passwd") is None
    assert not list(tmp_path.rglob(".incoming-*"))


async def test_a_savepoint_opened_before_any_write_stays_inside_its_transaction(database: Database) -> None:
    """A savepoint is released, then the transaction rolls back: what the savepoint wrote is gone. On
    SQLite a SAVEPOINT outside a transaction begins one, and releasing it would commit, unless the data
    layer opens the transaction first (db/sqlite_writers.py); the payment paths rely on this."""
    async with database.session() as session:
        async with session.begin_nested():
            session.add(App(appid="inside", name="Inside"))
        await session.rollback()
    # And a transaction that commits keeps what its savepoint wrote, after a savepoint rolled back.
    async with database.session() as session:
        with pytest.raises(IntegrityError):
            async with session.begin_nested():
                session.add(App(appid="twice", name="One"))
                session.add(App(appid="twice", name="Two"))
                await session.flush()
        async with session.begin_nested():
            session.add(App(appid="kept", name="Kept"))
        await session.commit()
    async with database.session() as session:
        assert set(await session.scalars(select(App.appid))) == {"kept"}
