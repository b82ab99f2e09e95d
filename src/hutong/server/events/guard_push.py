"""Telling the developer that the release guard stopped a phased release: besides the audit entry and
the console's notices (the app's page and its analytics page), an event is pushed to the developer's
server through the message push the app configured (docs/support.md: same URL, token and signature
as customer service messages and WeChat's other events).

WeChat has no such event (it has no guard); Hutong's is shaped like WeChat's pushed events (JSON mode:
ToUserName, FromUserName, CreateTime, MsgType "event", Event) with its name prefixed ``hutong_`` so a
server that only knows WeChat's events ignores it. It is an outbox job enqueued in the guard's own
transaction, so it exists exactly when the rollback or pause commits, and is retried on message
push's schedule. The platform sends no email: it has no mail transport (the push is the hook).

An app authorized to a third-party platform (docs/providers.md) with the development set (18, under
which the provider releases its code) has the same event pushed to the provider as well, as WeChat
pushes an authorized app's events and as review results already go: to the provider's event URL
for that app (``$APPID$`` filled in) or, without one, its message URL, encrypted with the provider's
key (providers/events.py)."""

from __future__ import annotations

import json
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.apps.models import App
from hutong.server.providers import scopes
from hutong.server.providers import service as providers
from hutong.server.providers.models import Authorization, Provider
from hutong.server.sealing import SealingError
from hutong.server.support import push as support_push
from hutong.server.support import service as support
from hutong.server.support.models import PushSettings

TOPIC = "release.guard_push"
EVENT = "hutong_release_guard"


def event_of(app: App, detail: dict[str, Any], created: int) -> dict[str, Any]:
    """The pushed event: what was stopped, how, and why, with the counts the guard judged."""
    return {
        "ToUserName": app.appid,
        "FromUserName": "hutong",
        "CreateTime": created,
        "MsgType": "event",
        "Event": EVENT,
        "Version": detail["version"],
        "ReleaseId": detail["release_id"],
        "Action": detail["stop"],
        "Reason": detail["reason"],
        "NewSessions": detail["new"]["sessions"],
        "NewFailed": detail["new"]["failed"],
        "CurrentSessions": detail["current"]["sessions"],
        "CurrentFailed": detail["current"]["failed"],
    }


async def notify(session: AsyncSession, app: App, detail: dict[str, Any]) -> list[int]:
    """Enqueue the pushes (in the caller's transaction): to the app's server when it has message push
    on, and to each provider the app is authorized to with the development set; answers the jobs."""
    event = event_of(app, detail, int(time.time()))
    jobs = []
    if await session.get(PushSettings, app.id) is not None:
        jobs.append(await outbox.enqueue(session, TOPIC, {"app_id": app.id, "event": event}))
    granted = await session.execute(
        select(Provider, Authorization)
        .join(Authorization, Authorization.provider_id == Provider.id)
        .where(Authorization.app_id == app.id, Authorization.status == "authorized")
        .order_by(Provider.id)
    )
    for provider, authorization in granted.all():
        if scopes.DEVELOPMENT in authorization.func_info:
            jobs.append(
                await providers.enqueue_event(session, provider, EVENT, appid=app.appid, fields=event)
            )
    return jobs


@outbox.handler(TOPIC, schedule=outbox.MESSAGE_PUSH_RETRY, timeout=support_push.PUSH_SECONDS + 5)
async def deliver(job: outbox.Job) -> outbox.Outcome:
    """One try: the app's current URL and token, the event signed and POSTed (a 200 is done)."""
    async with job.database.session() as session:
        try:
            settings = await support.push_settings_of(session, int(job.payload["app_id"]))
        except SealingError as error:
            return outbox.Outcome.dead(f"the push token cannot be unsealed: {error}")
    if settings is None:
        return outbox.Outcome.done(body="the app no longer pushes")
    event = job.payload["event"]
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    target = support_push.signed_url(settings.url, settings.token, int(event["CreateTime"]))
    networks = job.settings.egress_allow_networks
    return await outbox.http.post(
        target, body, allow_networks=networks, seconds=support_push.PUSH_SECONDS, success=(200,)
    )
