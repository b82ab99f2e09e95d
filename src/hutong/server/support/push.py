"""Message push (WeChat's 消息推送, JSON mode): what users send an app's customer service is POSTed to
the developer's server, signed as WeChat signs it: the query carries ``signature`` = hex SHA-1 of the
sorted, concatenated token, timestamp and nonce, with ``timestamp`` and ``nonce``.

The platform reaches the developer's URL through the egress proxy's checks (no private, loopback or
metadata addresses unless the operator's HUTONG_EGRESS_ALLOW_NETWORKS says so; no redirects), so a
push URL cannot point the platform at its own network. A push is an outbox job (topic
``support.push``) enqueued in the transaction that stores the user's message, so it survives a
restart and is retried when the developer's server fails or does not answer within 5 s (like WeChat,
a few times: outbox.MESSAGE_PUSH_RETRY); the URL and token are read when it is sent. Saving a URL
first checks it as WeChat does: a signed GET whose ``echostr`` the server must echo."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.egress import proxy
from hutong.server.egress.addresses import parse_networks
from hutong.server.problems import Problem
from hutong.server.sealing import SealingError
from hutong.server.support import service

TOPIC = "support.push"
PUSH_SECONDS = 5.0
PUSH_MAX_BYTES = 64 * 1024


def signature(token: str, timestamp: str, nonce: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()  # noqa: S324


def signed_url(url: str, token: str, timestamp: int) -> str:
    nonce = str(secrets.randbelow(10**9))
    stamp = str(timestamp)
    query = f"signature={signature(token, stamp, nonce)}&timestamp={stamp}&nonce={nonce}"
    return url + ("&" if "?" in url else "?") + query


def message_event(
    appid: str, openid: str, message_id: int, created: int, kind: str, body: dict[str, Any]
) -> dict[str, Any]:
    """A user's message in WeChat's push fields."""
    event: dict[str, Any] = {
        "ToUserName": appid,
        "FromUserName": openid,
        "CreateTime": created,
        "MsgType": kind,
        "MsgId": message_id,
    }
    if kind == "text":
        event["Content"] = body.get("content", "")
    elif kind == "miniprogrampage":
        event.update(
            Title=body.get("title", ""),
            AppId=appid,
            PagePath=body.get("pagepath", ""),
            ThumbUrl=body.get("thumb_url", ""),
        )
    return event


def enter_event(appid: str, openid: str, created: int, session_from: str) -> dict[str, Any]:
    """The user opened the session (WeChat's user_enter_tempsession)."""
    return {
        "ToUserName": appid,
        "FromUserName": openid,
        "CreateTime": created,
        "MsgType": "event",
        "Event": "user_enter_tempsession",
        "SessionFrom": session_from,
    }


async def verify(url: str, token: str, allow_networks: str) -> bool:
    """WeChat's check of a push URL before it is saved: a signed GET with ``echostr``, which the
    developer's server must answer with the echostr itself (proving it holds the token)."""
    echostr = secrets.token_hex(8)
    target = signed_url(url, token, int(time.time())) + f"&echostr={echostr}"
    policy = proxy.Policy(
        origins=proxy.origins([url]),
        networks=parse_networks(allow_networks),
        max_bytes=PUSH_MAX_BYTES,
        max_redirects=0,
    )
    try:
        async with asyncio.timeout(PUSH_SECONDS + 1):
            answer = await proxy.forward(proxy.Outgoing(target, "GET", {}, b"", PUSH_SECONDS), policy)
    except (Problem, TimeoutError):
        return False
    return answer.status == 200 and answer.body.strip() == echostr.encode()


async def enqueue(session: AsyncSession, appid: str, user_id: int, event: dict[str, Any]) -> int | None:
    """Push ``event`` from this user to the app's server, if it has message push on: a job in the
    caller's transaction (None when push is off). Providers the app authorized with customer service
    get it too, at their event URL (providers/forward.py)."""
    from hutong.server.providers import forward  # providers build on this module

    await forward.support_event(session, appid, user_id, event)
    recipient = await service.push_recipient(session, appid, user_id)
    if recipient is None:
        return None
    app_id, openid = recipient
    return await outbox.enqueue(
        session, TOPIC, {"app_id": app_id, "event": {**event, "FromUserName": openid}}
    )


@outbox.handler(TOPIC, schedule=outbox.MESSAGE_PUSH_RETRY, timeout=PUSH_SECONDS + 5)
async def deliver(job: outbox.Job) -> outbox.Outcome:
    """One try: the app's current URL and token, the event signed and POSTed (a 200 is done)."""
    async with job.database.session() as session:
        try:
            settings = await service.push_settings_of(session, int(job.payload["app_id"]))
        except SealingError as error:
            return outbox.Outcome.dead(f"the push token cannot be unsealed: {error}")
    if settings is None:
        return outbox.Outcome.dead("message push is off for this app")
    event = job.payload["event"]
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    target = signed_url(settings.url, settings.token, int(event["CreateTime"]))
    networks = job.settings.egress_allow_networks
    return await outbox.http.post(target, body, allow_networks=networks, seconds=PUSH_SECONDS, success=(200,))
