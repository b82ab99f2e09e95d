"""WeChat's subscription events reach the developer's server through the message push it configured
(signed with its token), as outbox jobs: the dialog's answers (popup), a change in the settings
(change) and each message sent (sent)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from hutong.server import outbox
from hutong.server.accounts.models import User
from hutong.server.db import Database
from hutong.server.events.models import events as analytics_events
from hutong.server.subscribe import events
from hutong.server.support import service as support
from tests.identity.world import world
from tests.subscribe.helpers import call, set_category
from tests.support.test_support_api import push_receiver

LOOPBACK = "127.0.0.0/8"


def _clock_at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


async def test_events_are_pushed_to_the_developer(tmp_path: Path, database_url: str) -> None:
    with push_receiver() as (url, received):
        async with world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as w:
            await set_category(w, w.a1, "医疗 Health", w.dev_a)
            database: Database = w.app.state.database
            async with database.session() as session:
                owner = await session.scalar(select(User).where(User.email == "a@example.com"))
                assert owner is not None
                await support.set_push(session, owner, w.a1.appid, url, "secretToken1")
            token = (await w.token(w.a1))["access_token"]
            add = {"tid": 3005, "kidList": [1, 2], "sceneDesc": "提醒"}
            template = (await call(w, "POST", "/wxaapi/newtmpl/addtemplate", token, json=add))["priTmplId"]
            openid = (await w.login(w.a1))["openid"]
            csrf = {"X-CSRF-Token": w.csrf}
            body = {"tmplIds": [template], "choices": {template: "accept"}, "keep": True}
            assert (
                await w.client.post(f"/api/me/subscribe/{w.a1.appid}/decide", json=body, headers=csrf)
            ).status_code == 200
            message = {
                "touser": openid,
                "template_id": template,
                "data": {"name1": {"value": "王医生"}, "time2": {"value": "19:00"}},
            }
            sent = await call(w, "POST", "/cgi-bin/message/subscribe/send", token, json=message)
            assert sent["errcode"] == 0
            # The send is also a server event in the app's analytics (with the message, not after it).
            async with database.session() as session:
                counted = (
                    await session.execute(
                        select(analytics_events.c.audience, analytics_events.c.data).where(
                            analytics_events.c.kind == "server", analytics_events.c.name == "subscribe_send"
                        )
                    )
                ).all()
            assert len(counted) == 1 and counted[0][0].startswith("user:")
            assert counted[0][1] == {"template_id": template, "state": "formal"}
            change = {"itemSettings": {template: "reject"}}
            assert (
                await w.client.patch(f"/api/me/subscribe/{w.a1.appid}", json=change, headers=csrf)
            ).status_code == 200
            # Another app without message push: nothing to deliver.
            worker = outbox.Worker(
                database,
                w.app.state.settings.model_copy(update={"egress_allow_networks": LOOPBACK}),
                topics={events.TOPIC},
            )
            assert await worker.run_once() == 3
            # A push that timed out on a busy machine is retried on the schedule: walk the clock.
            for hours in range(1, 6):
                if len({push["body"]["Event"] for push in received}) == 3:
                    break
                worker.clock = _clock_at(datetime.now(UTC) + timedelta(hours=hours))
                await worker.run_once()
    events_by_name = {push["body"]["Event"]: push for push in received}
    assert set(events_by_name) == {events.POPUP, events.SENT, events.CHANGE}
    popup = events_by_name[events.POPUP]["body"]
    assert (
        popup["ToUserName"] == w.a1.appid and popup["FromUserName"] == openid and popup["MsgType"] == "event"
    )
    assert popup["List"] == [{"TemplateId": template, "SubscribeStatusString": "accept", "PopupScene": "0"}]
    assert events_by_name[events.SENT]["body"]["List"] == [
        {"TemplateId": template, "MsgID": str(sent["msgid"]), "ErrorCode": "0", "ErrorStatus": "success"}
    ]
    assert events_by_name[events.CHANGE]["body"]["List"] == [
        {"TemplateId": template, "SubscribeStatusString": "reject"}
    ]
    for push in received:
        query = push["query"]
        signed = "".join(sorted(["secretToken1", query["timestamp"], query["nonce"]]))
        assert query["signature"] == hashlib.sha1(signed.encode()).hexdigest()
