"""The release guard on SQLite and PostgreSQL: a version that throws on launch, released to 50%, gets
traffic; the platform rolls it back by itself (or pauses it, as the developer set), says why in the
audit log and shows it in the console's API."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from hutong.cli.platform import zip_project
from hutong.server import outbox
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.apps import release, versions
from hutong.server.apps.models import App
from hutong.server.audit.service import history
from hutong.server.events import guard_push
from hutong.server.review import service as review
from hutong.server.support import service as support
from tests.conftest import EXAMPLES
from tests.platform.apiclient import platform, settings_for, token_for
from tests.platform.test_release import LIMITS
from tests.support.test_support_api import push_receiver

LOOPBACK = "127.0.0.0/8"

BROKEN = {
    "project.config.json": b'{"appid": "x", "projectname": "broken"}',
    "app.json": b'{"pages": ["pages/index/index"]}',
    "app.js": b"App({ onLaunch() { throw new Error('broken on launch') } })\n",
    "pages/index/index.js": b"Page({})\n",
    "pages/index/index.wxml": b"<view>broken</view>\n",
}


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def _ship(
    app: FastAPI, owner: User, reviewer: User, appid: str, version: str, project: bytes, percentage: int
) -> int:
    db = app.state.database
    async with db.session() as session:
        uploaded = await versions.upload_version(
            session, app.state.blobs, app.state.sources, LIMITS, owner, appid,
            version=version, description="", project_zip=project,
        )  # fmt: skip
    async with db.session() as session:
        submitted = await release.submit_for_review(session, owner, appid, uploaded.id)
    async with db.session() as session:
        await review.decide(session, reviewer, submitted.id, approve=True)
    async with db.session() as session:
        await release.release(session, owner, appid, uploaded.id, percentage=percentage)
    return uploaded.id


async def _traffic(client: httpx.AsyncClient, appid: str, broken: str, devices: range) -> dict[str, int]:
    """Each device launches; the host of a device on the broken version reports the error its
    App.onLaunch threw (as host/analytics.js does), the others a page view."""
    seen: dict[str, int] = {}
    for n in devices:
        client.cookies.clear()
        client.cookies.set("hutong_device", f"device-{n}")
        manifest = json.loads((await client.get(f"/api/apps/{appid}/launch", params={"scene": 1001})).content)
        version = manifest["version"]
        seen[version] = seen.get(version, 0) + 1
        event: dict[str, Any] = (
            {"kind": "error", "name": "broken on launch", "data": {"file": "app.js", "line": 1}}
            if version == broken
            else {"kind": "page", "name": "pages/index/index", "value": 3000}
        )
        answer = await client.post(
            f"/api/apps/{appid}/events",
            json={"events": [event]},
            headers={"Hutong-Events-Token": manifest["events_token"]},
        )
        assert answer.status_code == 202, answer.text
    client.cookies.clear()
    return seen


async def test_a_release_that_throws_on_launch_is_rolled_back_then_paused(
    database_url: str, tmp_path: Path
) -> None:
    # The test flushes the event buffer itself, so the guard judges all the traffic at once.
    quiet = settings_for(tmp_path, database_url, analytics_flush_seconds=3600, egress_allow_networks=LOOPBACK)
    with push_receiver() as (push_url, pushed):
        async with platform(quiet) as (app, client):
            await _rolled_back_then_paused(app, client, push_url, pushed)


async def _rolled_back_then_paused(
    app: FastAPI, client: httpx.AsyncClient, push_url: str, pushed: list[dict[str, Any]]
) -> None:
    bearer = await token_for(client, "owner@example.com")
    async with app.state.database.session() as session:
        owner = await session.scalar(select(User).where(User.email == "owner@example.com"))
        reviewer = await accounts.sign_up(session, "rev@example.com", "long enough", operator_role="reviewer")
    assert owner is not None
    org = (await client.post("/api/orgs", json={"name": "Tea"}, headers=bearer)).json()
    appid = (await client.post(f"/api/orgs/{org['id']}/apps", json={"name": "Tea"}, headers=bearer)).json()[
        "appid"
    ]
    async with app.state.database.session() as session:  # the developer's server hears of it
        await support.set_push(session, owner, appid, push_url, "secretToken1")
    good = await _ship(app, owner, reviewer, appid, "1.0.0", zip_project(EXAMPLES / "counter"), 100)
    bad = await _ship(app, owner, reviewer, appid, "2.0.0", _zip(BROKEN), 50)

    # Devices until both versions have had 20 (which device gets which is a hash of the appid).
    seen: dict[str, int] = {}
    for first in range(0, 400, 20):
        for version, count in (await _traffic(client, appid, "2.0.0", range(first, first + 20))).items():
            seen[version] = seen.get(version, 0) + count
        if seen.get("2.0.0", 0) >= 20 and seen.get("1.0.0", 0) >= 20:
            break
    assert seen["2.0.0"] >= 20 and seen["1.0.0"] >= 20  # both versions had their share
    await app.state.events.flush()  # what each server process does every second; the guard follows

    async with app.state.database.session() as session:
        state = await session.scalar(select(App).where(App.appid == appid))
        assert state is not None
        assert (state.current_release_id, state.rollout_release_id) == (good, None)
        entries = [e for e in await history(session, state.id) if e.action == "release.guard"]
    assert len(entries) == 1 and entries[0].actor_id is None
    assert entries[0].detail["stop"] == "rollback" and entries[0].detail["release_id"] == bad
    assert entries[0].detail["new"] == {"sessions": seen["2.0.0"], "failed": seen["2.0.0"]}
    assert entries[0].detail["current"] == {"sessions": seen["1.0.0"], "failed": 0}
    assert "visits of the new version failed (100%)" in entries[0].detail["reason"]
    # Everyone gets the good version again; the console's API says why.
    assert set(await _traffic(client, appid, "none", range(1000, 1010))) == {"1.0.0"}
    guard = (await client.get(f"/api/manage/apps/{appid}/analytics/guard", headers=bearer)).json()
    assert guard["last_stop"]["stop"] == "rollback" and guard["last_stop"]["version"] == "2.0.0"
    # The developer is told: on the app's console page, and pushed to their server, signed.
    page = (await client.get(f"/console/apps/{appid}", headers=bearer)).text
    assert 'id="guard-notice"' in page and "rolled back" in page and "version 2.0.0" in page
    worker = outbox.Worker(app.state.database, app.state.settings, topics={guard_push.TOPIC})
    assert await worker.run_once() == 1
    assert len(pushed) == 1
    event, query = pushed[0]["body"], pushed[0]["query"]
    assert (event["ToUserName"], event["MsgType"], event["Event"]) == (appid, "event", guard_push.EVENT)
    assert (event["Version"], event["Action"], event["ReleaseId"]) == ("2.0.0", "rollback", bad)
    assert (event["NewSessions"], event["NewFailed"]) == (seen["2.0.0"], seen["2.0.0"])
    assert event["Reason"] == entries[0].detail["reason"]
    signed = "".join(sorted(["secretToken1", query["timestamp"], query["nonce"]]))
    assert query["signature"] == hashlib.sha1(signed.encode()).hexdigest()

    # The developer prefers a pause, sooner; a healthy phase is left alone.
    settings = {"action": "pause", "min_sessions": 5, "max_ratio": 2.0, "min_margin": 0.1}
    put = await client.put(f"/api/manage/apps/{appid}/analytics/guard", json=settings, headers=bearer)
    assert put.status_code == 200 and put.json()["action"] == "pause"
    bad_again = await _ship(app, owner, reviewer, appid, "3.0.0", _zip(BROKEN), 50)
    await _traffic(client, appid, "3.0.0", range(2000, 2030))
    await app.state.events.flush()
    async with app.state.database.session() as session:
        state = await session.scalar(select(App).where(App.appid == appid))
        assert state is not None
        assert (state.rollout_release_id, state.rollout_paused) == (bad_again, True)
        last = (await history(session, state.id))[0]
    assert last.action == "release.guard" and last.detail["stop"] == "pause"
    page = (await client.get(f"/console/apps/{appid}", headers=bearer)).text
    assert 'id="guard-notice"' in page and "paused" in page and "version 3.0.0" in page
    assert await worker.run_once() == 1 and pushed[1]["body"]["Action"] == "pause"
    # Once the developer acts on the release, the notice has been dealt with.
    resumed = await client.post(f"/api/manage/apps/{appid}/release/resume", headers=bearer)
    assert resumed.status_code == 200, resumed.text
    assert 'id="guard-notice"' not in (await client.get(f"/console/apps/{appid}", headers=bearer)).text
    invalid = await client.put(
        f"/api/manage/apps/{appid}/analytics/guard", json={"action": "explode"}, headers=bearer
    )
    assert invalid.status_code == 422 and invalid.json()["code"] == "invalid_action"


async def test_a_healthy_phase_is_left_alone(database_url: str, tmp_path: Path) -> None:
    async with platform(settings_for(tmp_path, database_url)) as (app, client):
        bearer = await token_for(client, "owner@example.com")
        async with app.state.database.session() as session:
            owner = await session.scalar(select(User).where(User.email == "owner@example.com"))
            reviewer = await accounts.sign_up(
                session, "rev@example.com", "long enough", operator_role="reviewer"
            )
        assert owner is not None
        org = (await client.post("/api/orgs", json={"name": "Tea"}, headers=bearer)).json()
        appid = (
            await client.post(f"/api/orgs/{org['id']}/apps", json={"name": "Tea"}, headers=bearer)
        ).json()["appid"]
        counter = zip_project(EXAMPLES / "counter")
        await _ship(app, owner, reviewer, appid, "1.0.0", counter, 100)
        second = await _ship(app, owner, reviewer, appid, "1.0.1", counter, 50)
        await _traffic(client, appid, "never", range(60))
        await app.state.events.flush()
        async with app.state.database.session() as session:
            state = await session.scalar(select(App).where(App.appid == appid))
            assert state is not None and state.rollout_release_id == second and not state.rollout_paused
            assert not [e for e in await history(session, state.id) if e.action == "release.guard"]
