"""Reported events (wx.reportEvent): accepted only with an events token from that app's launch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hutong.examples import load_examples
from hutong.server.db import Database
from hutong.server.delivery.signing import PlatformKey
from hutong.server.events import service, tokens
from hutong.server.problems import Problem
from hutong.server.storage import BlobStore
from tests.conftest import EXAMPLES, migrate
from tests.platform.apiclient import platform, settings_for


def test_events_tokens_name_one_app_and_expire(tmp_path: Path) -> None:
    key = PlatformKey.load_or_create(tmp_path / "key.pem")
    other = PlatformKey.load_or_create(tmp_path / "other.pem")
    token = tokens.issue(key, "app-a", "device:x", now=1000)
    assert tokens.verify(key, token, now=1001) == tokens.EventsGrant("app-a", "device:x")
    assert tokens.verify(other, token, now=1001) is None  # another platform's key
    assert tokens.verify(key, token, now=1000 + tokens.EVENTS_TOKEN_LIFETIME + 1) is None
    payload, _, signature = token.partition(".")
    forged = tokens.issue(other, "app-b", "device:x", now=1000).partition(".")[0]
    assert tokens.verify(key, f"{forged}.{signature}", now=1001) is None
    assert tokens.verify(key, "garbage", now=1001) is None
    assert tokens.verify(key, f"{payload}.", now=1001) is None


async def test_store_events_validates_the_whole_batch(database: Database, tmp_path: Path) -> None:
    await load_examples(database, BlobStore(tmp_path / "blobs"), EXAMPLES)
    async with database.session() as session:
        assert (
            await service.store_events(
                session, "hutong-counter", "device:1", [{"name": "open", "data": {"a": 1}}]
            )
            == 1
        )
        with pytest.raises(Problem) as bad:
            await service.store_events(session, "hutong-counter", "device:1", [{"name": "ok"}, {"name": ""}])
        assert bad.value.code == "invalid_event"
        with pytest.raises(Problem) as big:
            await service.store_events(
                session, "hutong-counter", "d", [{"name": "x", "data": {"b": "y" * 5000}}]
            )
        assert big.value.code == "invalid_event"
        with pytest.raises(Problem) as many:
            await service.store_events(session, "hutong-counter", "d", [{"name": "x"}] * 51)
        assert many.value.code == "too_many_events"
        with pytest.raises(Problem) as missing:
            await service.store_events(session, "no-such-app", "d", [{"name": "x"}])
        assert missing.value.code == "app_not_found"
        events = await service.recent_events(session, "hutong-counter")
    assert [(e.name, e.data, e.audience) for e in events] == [("open", {"a": 1}, "device:1")]


async def test_events_endpoint_takes_the_launch_token_for_its_app_only(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    await migrate(url)
    settings = settings_for(tmp_path, url)
    db = Database(url)
    await load_examples(db, BlobStore(settings.blob_dir), EXAMPLES)
    await db.dispose()
    async with platform(settings) as (_app, client):
        manifest = json.loads((await client.get("/api/apps/hutong-counter/launch")).content)
        token = manifest["events_token"]
        assert len(manifest["audience"]) == 32
        body = {"events": [{"name": "page_open", "data": {"page": "index"}, "at": 1}]}
        ok = await client.post(
            "/api/apps/hutong-counter/events", json=body, headers={"Hutong-Events-Token": token}
        )
        assert ok.status_code == 202 and ok.json() == {"stored": 1}
        none = await client.post("/api/apps/hutong-counter/events", json=body)
        assert none.status_code == 401 and none.json()["code"] == "invalid_events_token"
        wrong = await client.post(
            "/api/apps/other-app/events", json=body, headers={"Hutong-Events-Token": token}
        )
        assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_app"
        forged = await client.post(
            "/api/apps/hutong-counter/events", json=body, headers={"Hutong-Events-Token": token[:-4] + "AAAA"}
        )
        assert forged.status_code == 401
    db = Database(url)
    async with db.session() as session:
        events = await service.recent_events(session, "hutong-counter")
    await db.dispose()
    assert [(e.name, e.data) for e in events] == [("page_open", {"page": "index"})]
    assert events[0].audience.startswith("device:")
