"""The catalogue on SQLite and PostgreSQL: examples bring their keywords and category from
project.config.json, and the index sees them (and their changes) through the revision fingerprint."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from hutong.examples import find_examples, load_examples
from hutong.server.apps.models import App
from hutong.server.db import Database
from hutong.server.discovery.catalogue import Catalogue, fingerprint
from hutong.server.storage import BlobStore
from tests.conftest import TEST_APPS


async def test_examples_are_findable_by_their_keywords(database: Database, tmp_path: Path) -> None:
    [probe] = [example for example in find_examples(TEST_APPS) if example.appid == "test-launch"]
    assert probe.keywords == ("probe", "launch options") and probe.category == "Tools"
    await load_examples(database, BlobStore(tmp_path / "blobs"), TEST_APPS)
    catalogue = Catalogue()
    async with database.session() as session:
        assert [hit.app.appid for hit in await catalogue.search(session, "options")] == ["test-launch"]
        before = await fingerprint(session)
    async with database.session() as session:
        app = await session.scalar(select(App).where(App.appid == "test-launch"))
        assert app is not None
        app.keywords = ["sonde"]
    async with database.session() as session:
        after = await fingerprint(session)
        assert after == (before[0], before[1] + 1)
        assert [hit.app.appid for hit in await catalogue.search(session, "sonde")] == ["test-launch"]
        assert await catalogue.search(session, "options") == []
