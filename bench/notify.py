"""Subscription messages on one server process: messages accepted per second by the send API and
delivered per second (through the outbox, encrypted and VAPID-signed) to a push endpoint on loopback,
at a given concurrency, beside a bare endpoint (GET /api/health) measured the same way in this run.

    .venv/bin/python bench/notify.py [--messages 400] [--concurrency 8] [--database-url URL]

The platform runs in this process on loopback (SQLite in a temporary folder unless a database URL is
given), with rate limits raised out of the way. One user has accepted a long-term template and has
one browser subscribed; every send is one message for the inbox and one Web Push job. The push
endpoint answers 201 and counts (it does not decrypt: the tests check the payloads).

On SQLite every send is a write transaction and the outbox worker writes too: with many concurrent
senders on a busy machine a send can wait past SQLite's 5 s busy timeout and fail (500). PostgreSQL
(--database-url postgresql+asyncpg://…) is the database for concurrent senders."""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hutong.server.accounts import service as accounts
from hutong.server.apps import service as apps
from hutong.server.db import Database
from hutong.server.db.migrate import upgrade_async
from hutong.server.embedded import embedded_server
from hutong.server.subscribe import library
from hutong.settings import Settings


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Counter:
    def __init__(self) -> None:
        self.count = 0
        self.target = 0
        self.lock = threading.Lock()
        self.done = threading.Event()


def push_endpoint(counter: Counter) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", "0")))
            with counter.lock:
                counter.count += 1
                if counter.count >= counter.target:
                    counter.done.set()
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def prepare(settings: Settings) -> tuple[str, str, str]:
    database = Database.of_settings(settings)
    async with database.session() as session:
        owner = await accounts.sign_up(session, "bench-dev@example.com", "long enough")
        org = await accounts.create_organization(session, owner, "Bench")
        app, secret = await apps.register_app(session, owner, org.id, name="Bench clinic")
        app.category = "医疗 Health"
        template = await library.new_template(session, app, 3002, [1, 3], "提醒")
        ids = app.appid, secret, template.pri_tmpl_id
    await database.dispose()
    return ids


async def timed(total: int, concurrency: int, one: Callable[[], Awaitable[None]]) -> float:
    """Requests per second for ``total`` calls of ``one`` by ``concurrency`` workers."""
    queue = iter(range(total))

    async def worker() -> None:
        for _ in queue:
            await one()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return total / (time.perf_counter() - started)


async def run(messages: int, concurrency: int, database_url: str | None) -> None:
    counter = Counter()
    pusher = push_endpoint(counter)
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            data_dir=Path(scratch),
            database_url=database_url,
            rate_limit_per_minute=10**9,
            identity_codes_per_minute=10**9,
            server_api_per_minute=10**9,
            subscribe_send_per_minute=10**9,
            egress_allow_networks="127.0.0.0/8",
            outbox_poll_seconds=0.2,
        )
        await upgrade_async(settings.effective_database_url)
        appid, secret, template = await prepare(settings)
        async with embedded_server(settings) as base, httpx.AsyncClient(base_url=base, timeout=60) as client:
            signup = await client.post(
                "/api/accounts/signup", json={"email": "bench-user@example.com", "password": "long enough"}
            )
            csrf = {"X-CSRF-Token": signup.json()["csrf_token"]}
            code = (await client.post("/api/identity/login", json={"appid": appid}, headers=csrf)).json()[
                "code"
            ]
            params = {"appid": appid, "secret": secret, "js_code": code, "grant_type": "authorization_code"}
            openid = (await client.get("/sns/jscode2session", params=params)).json()["openid"]
            decide = {"tmplIds": [template], "choices": {template: "accept"}}
            await client.post(f"/api/me/subscribe/{appid}/decide", json=decide, headers=csrf)
            key = ec.generate_private_key(ec.SECP256R1()).public_key()
            point = key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
            endpoint = f"http://127.0.0.1:{pusher.server_address[1]}/push/bench"
            subscription = {"endpoint": endpoint, "keys": {"p256dh": b64(point), "auth": b64(os.urandom(16))}}
            await client.put("/api/me/push", json=subscription, headers=csrf)
            token = (
                await client.get(
                    "/cgi-bin/token",
                    params={"grant_type": "client_credential", "appid": appid, "secret": secret},
                )
            ).json()["access_token"]
            message = {
                "touser": openid,
                "template_id": template,
                "page": "",
                "data": {"name1": {"value": "李明"}, "time3": {"value": "2026年12月6日 19:00"}},
            }

            async def bare() -> None:
                assert (await client.get("/api/health")).status_code == 200

            async def send() -> None:
                answer = await client.post(
                    "/cgi-bin/message/subscribe/send", params={"access_token": token}, json=message
                )
                assert answer.json().get("errcode") == 0, answer.text

            baseline = await timed(messages, concurrency, bare)
            counter.target = messages
            started = time.perf_counter()
            accepted = await timed(messages, concurrency, send)
            await asyncio.to_thread(counter.done.wait, 300)
            delivered = counter.count / (time.perf_counter() - started)
    pusher.shutdown()
    print(
        f"{messages} messages, concurrency {concurrency} ({settings.effective_database_url.split(':')[0]}):"
    )
    print(f"  bare endpoint   {baseline:7.0f} requests/s")
    print(f"  send API        {accepted:7.0f} messages/s   ({accepted / baseline:.2f} of the bare endpoint)")
    print(
        f"  pushed          {delivered:7.0f} messages/s   ({counter.count} of {messages} delivered,"
        f" from the first send to the last push)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.messages, args.concurrency, args.database_url))


if __name__ == "__main__":
    main()
