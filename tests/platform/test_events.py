"""Reported events (wx.reportEvent): accepted only with an events token from that app's launch."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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


def test_host_batches_are_checked_whole() -> None:
    grant = tokens.EventsGrant("hutong-counter", "device:1", "s1", 7, 1001)
    zone = ZoneInfo("UTC")
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    rows = service.rows_from_host(
        3,
        grant,
        [
            {"name": "open", "data": {"a": 1}},
            {"kind": "page", "name": "pages/index/index", "value": 1500, "at": now.timestamp() * 1000 - 5000},
            {"kind": "perf", "name": "launch", "value": 300, "at": 1},  # a wrong clock: arrival time
        ],
        zone,
        now,
    )
    assert [(r["kind"], r["name"], r["session"], r["release_id"], r["value"]) for r in rows] == [
        ("custom", "open", "s1", 7, None),
        ("page", "pages/index/index", "s1", 7, 1500),
        ("perf", "launch", "s1", 7, 300),
    ]
    assert rows[1]["at"] == now - timedelta(seconds=5) and rows[2]["at"] == now
    assert rows[0]["day"] == date(2026, 12, 6) and rows[0]["hour"] == 10

    def refused(events: list[dict[str, Any]]) -> str:
        with pytest.raises(Problem) as problem:
            service.rows_from_host(3, grant, events, zone, now)
        return problem.value.code

    assert refused([{"name": "ok"}, {"name": ""}]) == "invalid_event"
    assert refused([{"name": "x", "data": {"b": "y" * 5000}}]) == "invalid_event"
    assert refused([{"name": "x"}] * 51) == "too_many_events"
    assert refused([{"kind": "launch", "name": "x"}]) == "invalid_event"  # the platform's own
    assert refused([{"kind": "page", "name": "x", "value": -1}]) == "invalid_event"


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
        await _app.state.events.flush()
        async with _app.state.database.session() as session:
            events = await service.recent_events(session, "hutong-counter")
            launches = await service.recent_events(session, "hutong-counter", kinds=("launch",))
    assert [(e.name, e.data) for e in events] == [("page_open", {"page": "index"})]
    assert events[0].audience.startswith("device:")
    # The launch and the reported event belong to one visit of one release.
    assert [e.session for e in launches] == [events[0].session] and launches[0].release_id is not None
