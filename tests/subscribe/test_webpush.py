"""Web Push of subscription messages, on SQLite and PostgreSQL: browsers register, a send enqueues one
outbox job per browser in its own transaction, and a worker delivers each to a push service on loopback
that checks the VAPID token and decrypts the payload as a browser would; 201 is done, 404/410 drop the
subscription, 413 is dead, 429 waits for its Retry-After."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hutong.server import outbox
from hutong.server.db import Database
from hutong.server.identity.ids import aware
from hutong.server.outbox.models import OutboxJob
from hutong.server.subscribe import webpush
from hutong.server.subscribe.models import PushSubscription
from tests.identity.world import World, world
from tests.subscribe.helpers import call, set_category
from tests.subscribe.pushservice import RETRY_AFTER, push_service, unb64

LOOPBACK = "127.0.0.0/8"


async def _jobs(database: Database) -> dict[str, OutboxJob]:
    async with database.session() as session:
        rows = await session.scalars(select(OutboxJob).where(OutboxJob.topic == webpush.TOPIC))
        found = {}
        for job in rows.all():
            sub = await session.get(PushSubscription, job.payload["subscription_id"])
            found[sub.endpoint.split("/")[3] if sub else f"gone-{job.id}"] = job
        return found


async def _grant_long_term(w: World) -> tuple[str, str, str]:
    await set_category(w, w.a1, "医疗 Health", w.dev_a)
    token = str((await w.token(w.a1))["access_token"])
    add = {"tid": 3002, "kidList": [1, 3], "sceneDesc": "提醒"}
    template = str((await call(w, "POST", "/wxaapi/newtmpl/addtemplate", token, json=add))["priTmplId"])
    openid = str((await w.login(w.a1))["openid"])
    body = {"tmplIds": [template], "choices": {template: "accept"}}
    decided = await w.client.post(
        f"/api/me/subscribe/{w.a1.appid}/decide", json=body, headers={"X-CSRF-Token": w.csrf}
    )
    assert decided.json()["results"] == {template: "accept"}
    return token, template, openid


async def test_pushes_through_the_outbox(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as w:
        token, template, openid = await _grant_long_term(w)
        csrf = {"X-CSRF-Token": w.csrf}
        key = (await w.client.get("/api/me/push/key")).json()["applicationServerKey"]
        assert len(unb64(key)) == 65 and unb64(key)[0] == 4

        with push_service() as service:
            browsers = {
                mode: service.browser(mode, "b1") for mode in ("ok", "gone", "missing", "big", "busy")
            }
            for browser in browsers.values():
                added = await w.client.put("/api/me/push", json=browser.subscription(), headers=csrf)
                assert added.status_code == 204, added.text
            bad = {**browsers["ok"].subscription(), "keys": {"p256dh": "AAAA", "auth": "AAAA"}}
            refused = await w.client.put("/api/me/push", json=bad, headers=csrf)
            assert refused.status_code == 422 and refused.json()["code"] == "invalid_push_subscription"
            assert (await w.client.put("/api/me/push", json=browsers["ok"].subscription())).status_code == 403

            message = {
                "touser": openid,
                "template_id": template,
                "page": "pages/booked/booked?id=C7",
                "miniprogram_state": "trial",
                "data": {"name1": {"value": "李明"}, "time3": {"value": "2026年12月6日 19:00"}},
            }
            sent = await call(w, "POST", "/cgi-bin/message/subscribe/send", token, json=message)
            assert sent["errcode"] == 0
            database: Database = w.app.state.database
            assert set(await _jobs(database)) == set(browsers)

            settings = w.app.state.settings.model_copy(update={"egress_allow_networks": LOOPBACK})
            worker = outbox.Worker(database, settings, topics={webpush.TOPIC})
            before = datetime.now(UTC)
            assert await worker.run_once() == 5
            assert service.refused == []
            assert sorted(r.path for r in service.received) == sorted(f"/{m}/b1" for m in browsers)
            delivered = next(r for r in service.received if r.path == "/ok/b1")
            assert delivered.payload == {
                "title": "A one · 就诊提醒",
                "body": "就诊人: 李明\n就诊时间: 2026年12月6日 19:00",
                "url": f"/?open={w.a1.appid}&path=pages%2Fbooked%2Fbooked&scene=1014"
                "&query=id%3DC7&channel=trial",
                "tag": f"hutong-message-{sent['msgid']}",
                "appid": w.a1.appid,
            }
            assert delivered.headers["authorization"].endswith(f"k={key}")

            jobs = await _jobs(database)
            assert jobs["ok"].state == "done"
            assert [job.state for name, job in jobs.items() if name.startswith("gone-")] == ["done", "done"]
            assert jobs["big"].state == "dead"
            busy = jobs["busy"]
            assert busy.state == "pending" and aware(busy.run_at) >= before + timedelta(seconds=RETRY_AFTER)
            async with database.session() as session:
                left = (await session.scalars(select(PushSubscription.endpoint))).all()
            assert sorted(url.split("/")[3] for url in left) == ["big", "busy", "ok"]

            # The next message goes to the browsers that are left; an unsubscribed browser gets none.
            gone: Any = await w.client.request(
                "DELETE", "/api/me/push", json={"endpoint": browsers["big"].endpoint}, headers=csrf
            )
            assert gone.status_code == 204
            assert (await call(w, "POST", "/cgi-bin/message/subscribe/send", token, json=message))[
                "errcode"
            ] == 0
            assert await worker.run_once() == 2  # ok and busy; busy's first job still waits
            assert [r.path for r in service.received].count("/ok/b1") == 2
