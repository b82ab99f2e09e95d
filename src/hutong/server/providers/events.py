"""Pushes to a provider's message URL, encrypted as WeChat encrypts them (crypto.py), through the
outbox: the component_verify_ticket every 10 minutes (each push schedules the next), and the
authorization (authorized, updateauthorized, unauthorized), review (weapp_audit_*) and fast
registration (notify_third_fasteregister) events, and the release guard's ``hutong_release_guard``
for an authorized app (events/guard_push.py).

Nothing secret sits in a job's payload: a ticket, or an event's auth_code, is made when the push is
tried (each try its own, all valid), and the URL, token and key are read then."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.apps.models import App
from hutong.server.providers import crypto, fastregister, forward, service
from hutong.server.providers.models import Authorization, Provider
from hutong.server.sealing import SealingError

PUSH_SECONDS = 5.0
GUARD_EVENT = "hutong_release_guard"  # events.guard_push.EVENT (that module imports this package)


def _slot(moment: datetime) -> int:
    return int(moment.timestamp() // service.TICKET_INTERVAL.total_seconds())


async def _post(
    job: outbox.Job, keys: service.PushKeys, appid: str, fields: dict[str, object]
) -> outbox.Outcome:
    query, body = crypto.sealed_push(keys.token, keys.aes_key, appid, fields, int(time.time()))
    target = keys.url + ("&" if "?" in keys.url else "?") + urlencode(query)
    networks = job.settings.egress_allow_networks
    headers = {"Content-Type": "text/xml; charset=utf-8"}
    return await outbox.http.post(
        target, body, headers=headers, allow_networks=networks, seconds=PUSH_SECONDS, success=(200,)
    )


async def _provider(session: AsyncSession, job: outbox.Job) -> tuple[Provider, service.PushKeys] | str:
    provider = await session.get(Provider, int(job.payload["provider_id"]))
    if provider is None:
        return "the provider is gone"
    try:
        return provider, service.push_keys(session, provider)
    except SealingError as error:
        return f"the provider's keys cannot be unsealed: {error}"


@outbox.handler(service.TICKET_TOPIC, schedule=outbox.MESSAGE_PUSH_RETRY, timeout=PUSH_SECONDS + 5)
async def push_ticket(job: outbox.Job) -> outbox.Outcome:
    """A new ticket (valid 12 h) pushed; the next push is queued first, so a failing URL never ends
    the chain (the slot key makes two workers agree on one next job)."""
    async with job.database.session() as session:
        found = await _provider(session, job)
        if isinstance(found, str):
            return outbox.Outcome.dead(found)
        provider, keys = found
        moment = service.now()
        if not job.payload.get("once"):
            following = _slot(moment) + 1
            await outbox.enqueue(
                session,
                service.TICKET_TOPIC,
                {"provider_id": provider.id},
                key=f"{provider.id}:{following}",
                run_at=datetime.fromtimestamp(following * service.TICKET_INTERVAL.total_seconds(), UTC),
            )
        ticket = await service.mint_ticket(session, provider)
        appid = provider.component_appid
    fields: dict[str, object] = {
        "AppId": appid,
        "CreateTime": int(moment.timestamp()),
        "InfoType": "component_verify_ticket",
        "ComponentVerifyTicket": ticket,
    }
    return await _post(job, keys, appid, fields)


async def _authorization_fields(
    session: AsyncSession, provider: Provider, job: outbox.Job
) -> dict[str, object] | str:
    authorization = await session.get(Authorization, int(job.payload["authorization_id"]))
    if authorization is None:
        return "the authorization is gone"
    app = await session.get(App, authorization.app_id)
    if app is None:
        return "the app is gone"
    kind = str(job.payload["info_type"])
    fields: dict[str, object] = {
        "AppId": provider.component_appid,
        "CreateTime": int(job.payload["created"]),
        "InfoType": kind,
        "AuthorizerAppid": app.appid,
    }
    if kind != "unauthorized":
        if authorization.status != "authorized":
            return "the authorization was revoked before the event went out"
        code, expiry = await service.new_auth_code(session, provider, authorization)
        fields.update(AuthorizationCode=code, AuthorizationCodeExpiredTime=expiry)
    return fields


def _audit_fields(payload: dict[str, Any]) -> dict[str, object]:
    """weapp_audit_success|fail|delay, as WeChat pushes them for an authorizer."""
    created = int(payload["created"])
    event = str(payload["info_type"])
    fields: dict[str, object] = {
        "ToUserName": str(payload["appid"]),
        "FromUserName": "hutong",
        "CreateTime": created,
        "MsgType": "event",
        "Event": event,
    }
    if event == "weapp_audit_success":
        fields["SuccTime"] = created
    elif event == "weapp_audit_fail":
        fields.update(Reason=str(payload.get("reason", "")), FailTime=created, ScreenShot="")
    else:
        fields.update(Reason=str(payload.get("reason", "")), DelayTime=created)
    return fields


@outbox.handler(service.EVENT_TOPIC, schedule=outbox.MESSAGE_PUSH_RETRY, timeout=PUSH_SECONDS + 5)
async def push_event(job: outbox.Job) -> outbox.Outcome:
    async with job.database.session() as session:
        found = await _provider(session, job)
        if isinstance(found, str):
            return outbox.Outcome.dead(found)
        provider, keys = found
        kind = str(job.payload["info_type"])
        if kind.startswith("weapp_audit_"):
            fields: dict[str, object] | str = _audit_fields(job.payload)
            # An authorized app's event: to the provider's event URL for that app, if it has one.
            keys = service.PushKeys(
                service.authorizer_url(provider, str(job.payload["appid"])), keys.token, keys.aes_key
            )
        elif kind == GUARD_EVENT:
            # Shaped by the guard when it stopped the release (events/guard_push.py); for that app.
            fields = dict(job.payload["fields"])
            keys = service.PushKeys(
                service.authorizer_url(provider, str(job.payload["appid"])), keys.token, keys.aes_key
            )
        elif kind == forward.APP_EVENT:
            fields = forward.xml_fields(dict(job.payload["event"]))
            keys = service.PushKeys(
                service.authorizer_url(provider, str(job.payload["appid"])), keys.token, keys.aes_key
            )
        elif kind in fastregister.INFO_TYPES:
            told = await fastregister.push_fields(
                session, provider, int(job.payload["registration_id"]), expiry=bool(job.payload.get("expiry"))
            )
            if told is None:
                return outbox.Outcome.done()
            fields = told
        else:
            fields = await _authorization_fields(session, provider, job)
        if isinstance(fields, str):
            return outbox.Outcome.dead(fields)
        appid = provider.component_appid
    return await _post(job, keys, appid, fields)
