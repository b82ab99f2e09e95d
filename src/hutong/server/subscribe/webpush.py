"""Web Push (RFC 8030, 8291, 8292): a subscription message also goes to every browser the user turned
notifications on in (the shell's service worker), even when the host is closed.

Each (message, browser) pair is one outbox job, enqueued in the transaction that stores the message,
so a push exists exactly when the message does, survives a restart and is retried. The payload is
encrypted to the browser's keys with pywebpush (aes128gcm) and signed for the push service with the
platform's VAPID key (py_vapid, ES256; made in the data dir on first need). The request goes through
the egress address checks, as every outbound delivery does. What the push service answers decides:
201 done; 404 or 410 the subscription is gone (dropped, done); 413 never fits (dead); 429 retry after
its Retry-After; anything else a retry on the default schedule."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import outbox
from hutong.server.apps.models import App
from hutong.server.egress import proxy
from hutong.server.egress.addresses import parse_networks
from hutong.server.problems import Problem
from hutong.server.subscribe.models import Notification, PushSubscription

if TYPE_CHECKING:
    from py_vapid import Vapid02

TOPIC = "subscribe.webpush"
TTL_SECONDS = 24 * 3600  # a phone that is off for a day still gets it
PUSH_SECONDS = 10.0
ENDPOINT_MAX = 1000
SUBSCRIPTIONS_PER_USER = 10
SCENE = 1014  # WeChat's scene for an opening from a subscription message
CHANNELS = {"formal": "release", "trial": "trial", "developer": "develop"}


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@cache
def vapid_key(path: Path) -> Vapid02:
    """The platform's VAPID key pair, made and saved on first need."""
    # py_vapid and pywebpush (with aiohttp, ~0.1 s) are imported by what sends a push, not at start.
    from py_vapid import Vapid02

    if path.is_file():
        return Vapid02.from_file(str(path))
    key = Vapid02()
    key.generate_keys()
    path.parent.mkdir(parents=True, exist_ok=True)
    key.save_key(str(path))
    path.chmod(0o600)
    return key


def application_server_key(path: Path) -> str:
    """The public key browsers subscribe with (uncompressed P-256 point, base64url)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    raw = vapid_key(path).public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class InvalidSubscription(ValueError):
    pass


def check_subscription(endpoint: str, p256dh: str, auth: str) -> None:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("https", "http") or not parts.hostname or len(endpoint) > ENDPOINT_MAX:
        raise InvalidSubscription("endpoint must be an https URL")
    try:
        key, secret = _b64decode(p256dh), _b64decode(auth)
    except ValueError:
        raise InvalidSubscription("keys must be base64url") from None
    if len(key) != 65 or key[0] != 4 or len(secret) != 16:
        raise InvalidSubscription("p256dh must be a P-256 point, auth 16 bytes")


async def register(session: AsyncSession, user_id: int, endpoint: str, p256dh: str, auth: str) -> None:
    """Keep (or move to this user) the browser's subscription; a user keeps at most 10 browsers."""
    check_subscription(endpoint, p256dh, auth)
    row = await session.scalar(select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if row is None:
        mine = await session.scalars(
            select(PushSubscription).where(PushSubscription.user_id == user_id).order_by(PushSubscription.id)
        )
        for old in list(mine.all())[: -SUBSCRIPTIONS_PER_USER + 1] or []:
            await session.delete(old)
        session.add(PushSubscription(user_id=user_id, endpoint=endpoint, p256dh=p256dh, auth=auth))
    else:
        row.user_id, row.p256dh, row.auth = user_id, p256dh, auth
    await session.commit()


async def unregister(session: AsyncSession, user_id: int, endpoint: str) -> None:
    await session.execute(
        delete(PushSubscription).where(
            PushSubscription.user_id == user_id, PushSubscription.endpoint == endpoint
        )
    )
    await session.commit()


async def enqueue(session: AsyncSession, message: Notification) -> int:
    """One push job per browser of the message's user, in the caller's transaction."""
    ids = await session.scalars(
        select(PushSubscription.id).where(PushSubscription.user_id == message.user_id)
    )
    count = 0
    for subscription_id in ids.all():
        payload = {"message_id": message.id, "subscription_id": subscription_id}
        await outbox.enqueue(session, TOPIC, payload, key=f"{message.id}:{subscription_id}")
        count += 1
    return count


def payload_of(app: App, message: Notification) -> dict[str, Any]:
    """What the service worker shows, and the host address the notification opens (scene 1014)."""
    path, _, query = message.page.partition("?")
    link = ""
    if path:
        params = {"open": app.appid, "path": path, "scene": str(SCENE)}
        if query:
            params["query"] = query
        channel = CHANNELS.get(message.state, "release")
        if channel != "release":
            params["channel"] = channel
        link = "/?" + urlencode(params)
    lines = [f"{item['name']}: {item['value']}" for item in message.data]
    return {
        "title": f"{app.name} · {message.title}",
        "body": "\n".join(lines),
        "url": link or "/",
        "tag": f"hutong-message-{message.id}",
        "appid": app.appid,
    }


def _retry_after(headers: list[tuple[str, str]]) -> float | None:
    for name, value in headers:
        if name.lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


@outbox.handler(TOPIC, schedule=outbox.DEFAULT_RETRY, timeout=PUSH_SECONDS + 5)
async def deliver(job: outbox.Job) -> outbox.Outcome:
    async with job.database.session() as session:
        subscription = await session.get(PushSubscription, int(job.payload["subscription_id"]))
        message = await session.get(Notification, int(job.payload["message_id"]))
        app = await session.get(App, message.app_id) if message else None
    if subscription is None or message is None or app is None:
        return outbox.Outcome.done(body="the subscription or message is gone")
    data = json.dumps(payload_of(app, message), ensure_ascii=False).encode()
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    from pywebpush import WebPusher

    # pywebpush's encryption (RFC 8291, aes128gcm) and py_vapid's signature (RFC 8292) are CPU work.
    body = await asyncio.to_thread(lambda: bytes(WebPusher(info).encode(data, "aes128gcm")["body"]))
    parts = urlsplit(subscription.endpoint)
    key = vapid_key(job.settings.data_dir / "vapid.pem")
    claims = {
        "aud": f"{parts.scheme}://{parts.netloc}",
        "exp": int(time.time()) + 12 * 3600,
        "sub": job.settings.vapid_subject,
    }
    headers = {
        **{name.lower(): value for name, value in key.sign(claims).items()},
        "content-encoding": "aes128gcm",
        "content-type": "application/octet-stream",
        "ttl": str(TTL_SECONDS),
        "urgency": "normal",
    }
    policy = proxy.Policy(
        origins=proxy.origins([subscription.endpoint]),
        networks=parse_networks(job.settings.egress_allow_networks),
        max_bytes=64 * 1024,
        max_redirects=0,
    )
    try:
        answer = await proxy.forward(
            proxy.Outgoing(subscription.endpoint, "POST", headers, body, PUSH_SECONDS), policy
        )
    except Problem as problem:
        if problem.code in outbox.http.PERMANENT:
            return outbox.Outcome.dead(f"{problem.code}: {problem.detail}")
        return outbox.Outcome.retry(reason=f"{problem.code}: {problem.detail}")
    if answer.status in (200, 201, 202):
        return outbox.Outcome.done(answer.status, answer.body)
    if answer.status in (404, 410):
        async with job.database.session() as session:
            await session.execute(delete(PushSubscription).where(PushSubscription.id == subscription.id))
        return outbox.Outcome.done(answer.status, answer.body)
    if answer.status == 413:
        return outbox.Outcome.dead("payload too large for the push service", answer.status, answer.body)
    return outbox.Outcome.retry(answer.status, answer.body, after=_retry_after(answer.headers))
