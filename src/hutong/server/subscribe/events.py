"""WeChat's subscription events, pushed to the developer's server by the message push it configured for
customer service (docs/support.md: same URL, same token and signature): the user's answers in the
dialog (``subscribe_msg_popup_event``), their changes in the settings (``subscribe_msg_change_event``)
and each message sent (``subscribe_msg_sent_event``). Each event is an outbox job enqueued in the
transaction that caused it, retried on message push's schedule, signed when it is sent."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.apps.models import App
from hutong.server.identity import service as identity
from hutong.server.support import push as support_push
from hutong.server.support import service as support
from hutong.server.support.models import PushSettings

TOPIC = "subscribe.event"
POPUP, CHANGE, SENT = "subscribe_msg_popup_event", "subscribe_msg_change_event", "subscribe_msg_sent_event"


async def emit(session: AsyncSession, app: App, user_id: int, name: str, items: list[dict[str, str]]) -> None:
    """Enqueue one event (in the caller's transaction) when the app has a message push URL; providers
    the app authorized with set 18 get it too, at their event URL (providers/forward.py)."""
    from hutong.server.providers import forward  # providers build on this module

    if not items:
        return
    await forward.subscribe_event(
        session,
        app.appid,
        user_id,
        {
            "ToUserName": app.appid,
            "CreateTime": int(time.time()),
            "MsgType": "event",
            "Event": name,
            "List": items,
        },
    )
    if await session.get(PushSettings, app.id) is None:
        return
    event: dict[str, Any] = {
        "ToUserName": app.appid,
        "FromUserName": await identity.openid_for(session, app, user_id),
        "CreateTime": int(time.time()),
        "MsgType": "event",
        "Event": name,
        "List": items,
    }
    await outbox.enqueue(session, TOPIC, {"appid": app.appid, "user_id": user_id, "event": event})


@outbox.handler(TOPIC, schedule=outbox.MESSAGE_PUSH_RETRY, timeout=support_push.PUSH_SECONDS + 2)
async def deliver(job: outbox.Job) -> outbox.Outcome:
    async with job.database.session() as session:
        target = await support.push_target(session, str(job.payload["appid"]), int(job.payload["user_id"]))
    if target is None:
        return outbox.Outcome.done(body="the app no longer pushes")
    url, token, _ = target
    event = job.payload["event"]
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    signed = support_push.signed_url(url, token, int(event["CreateTime"]))
    return await outbox.http.post(
        signed, body, allow_networks=job.settings.egress_allow_networks, seconds=support_push.PUSH_SECONDS
    )
