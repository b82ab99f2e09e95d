"""Message push (WeChat's 消息推送, JSON mode): what users send an app's customer service is POSTed to
the developer's server, signed as WeChat signs it: the query carries ``signature`` = hex SHA-1 of the
sorted, concatenated token, timestamp and nonce, with ``timestamp`` and ``nonce``.

The platform reaches the developer's URL through the egress proxy's checks (no private, loopback or
metadata addresses unless the operator's HUTONG_EGRESS_ALLOW_NETWORKS says so; no redirects), so a
push URL cannot point the platform at its own network. Pushes run after the user's request has been
answered; a failed push is logged and dropped, as WeChat retries only a few times and then gives up.
Saving a URL first checks it as WeChat does: a signed GET whose ``echostr`` the server must echo."""

from __future__ import annotations

import asyncio
import hashlib
import json
import secrets
import time
from typing import Any

from hutong.logs import get_logger
from hutong.server.egress import proxy
from hutong.server.egress.addresses import parse_networks
from hutong.server.problems import Problem

log = get_logger("hutong.support.push")
PUSH_SECONDS = 5.0
PUSH_MAX_BYTES = 64 * 1024
_running: set[asyncio.Task[None]] = set()


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


async def deliver(url: str, token: str, event: dict[str, Any], allow_networks: str) -> int:
    """POST one event to the developer's server; answers the HTTP status (raises Problem if refused)."""
    body = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
    target = signed_url(url, token, int(event["CreateTime"]))
    policy = proxy.Policy(
        origins=proxy.origins([url]),
        networks=parse_networks(allow_networks),
        max_bytes=PUSH_MAX_BYTES,
        max_redirects=0,
    )
    outgoing = proxy.Outgoing(target, "POST", {"content-type": "application/json"}, body, PUSH_SECONDS)
    async with asyncio.timeout(PUSH_SECONDS + 1):
        answer = await proxy.forward(outgoing, policy)
    return answer.status


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


def push_later(url: str, token: str, event: dict[str, Any], allow_networks: str) -> None:
    """Deliver in the background: the user's message is stored whatever the developer's server does."""

    async def run() -> None:
        try:
            status = await deliver(url, token, event, allow_networks)
            log.info("support.push", status=status, appid=event.get("ToUserName"))
        except (Problem, TimeoutError) as error:
            log.warning("support.push_failed", appid=event.get("ToUserName"), reason=str(error))

    task = asyncio.get_running_loop().create_task(run())
    _running.add(task)
    task.add_done_callback(_running.discard)
