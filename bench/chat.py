"""Chat delivery: messages said in one group of 201 people, delivered live to its 200 connected members
(WebSocket /api/me/chats/live), on one server process (the in-process hub) and on two (the fan-out
through Redis, the clients split between the processes); beside a bare round trip on the same
connections (a ping answered by the server), measured in the same run.

    .venv/bin/python bench/chat.py [--messages 100] [--clients 200] [--concurrency 4] [--database-url URL]

The servers are real `hutong serve` processes on loopback (SQLite in a temporary folder unless a
database URL is given; Redis on localhost for the two-process run); the clients and the sender run in
this process. Each message carries the moment it was sent; its latency is from just before the send
API was called to its arrival at a client. Throughput is deliveries (messages × clients) per second
from the first send to the last arrival."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets

from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.chats.models import Chat, ChatMember
from hutong.server.db import Database
from hutong.server.db.base import utcnow
from hutong.server.db.migrate import upgrade_async
from hutong.server.embedded import free_port
from hutong.server.sealing import Keyring
from hutong.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
REDIS = "redis://127.0.0.1:6379/0"


async def prepare(settings: Settings, clients: int) -> tuple[list[tuple[str, str]], tuple[str, str], int]:
    """Users with sessions, one group of all of them; (receivers' sessions, the sender's, the chat id)."""
    database = Database(settings.effective_database_url, Keyring.from_settings(settings))
    sessions: list[tuple[str, str]] = []
    async with database.session() as session:
        users = [
            User(email=f"bench{i}@example.com", name=f"Bench {i}", password_hash="-")
            for i in range(clients + 1)
        ]
        session.add_all(users)
        await session.flush()
        chat = Chat(kind="group", name="Bench", invite_code="bench", last_seq=0, updated_at=utcnow())
        session.add(chat)
        await session.flush()
        for user in users:
            session.add(ChatMember(chat_id=chat.id, user_id=user.id, role="member", read_seq=0, from_seq=1))
            made = await accounts.start_session(session, user)
            sessions.append((made.token, made.csrf_token))
        await session.commit()
        chat_id = chat.id
    await database.dispose()
    return sessions[1:], sessions[0], chat_id


def start_server(settings: Settings, redis: bool) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {
        **os.environ,
        "HUTONG_DATA_DIR": str(settings.data_dir),
        "HUTONG_DATABASE_URL": settings.effective_database_url,
        "HUTONG_RATE_LIMIT_PER_MINUTE": str(10**9),
        "HUTONG_CHAT_MESSAGES_PER_MINUTE": str(10**9),
        "HUTONG_OUTBOX_WORKER": "0",
    }
    if redis:
        env["HUTONG_REDIS_URL"] = REDIS
    else:
        env.pop("HUTONG_REDIS_URL", None)
    command = [str(Path(sys.executable).parent / "hutong"), "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, f"http://127.0.0.1:{port}"


async def wait_up(url: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            try:
                if (await client.get(f"{url}/api/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not start")


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]


async def measure(
    urls: list[str],
    receivers: list[tuple[str, str]],
    sender: tuple[str, str],
    chat_id: int,
    messages: int,
    concurrency: int,
) -> tuple[float, float, float, int]:
    """(deliveries/s, p99 delivery ms, p99 ping ms, deliveries seen)."""
    latencies: list[float] = []
    arrived = 0
    done = asyncio.Event()
    expected = messages * len(receivers)
    sockets = []
    for index, (token, csrf) in enumerate(receivers):
        url = urls[index % len(urls)]
        ws = await websockets.connect(
            url.replace("http://", "ws://") + "/api/me/chats/live",
            origin=url,  # type: ignore[arg-type]
            additional_headers={"Cookie": f"hutong_session={token}"},
            max_queue=None,
        )
        await ws.send(json.dumps({"t": "hello", "csrf": csrf, "since": {}}))
        while json.loads(await ws.recv())["t"] != "ready":
            pass
        sockets.append(ws)

    # The bare round trip: one ping per connection, answered by the server over the same socket.
    pings: list[float] = []
    for ws in sockets:
        started = time.perf_counter()
        await ws.send('{"t":"ping"}')
        while json.loads(await ws.recv())["t"] != "pong":
            pass
        pings.append((time.perf_counter() - started) * 1000)

    async def listen(ws: websockets.ClientConnection) -> None:
        nonlocal arrived
        async for raw in ws:
            event = json.loads(raw)
            if event.get("t") != "message":
                continue
            latencies.append((time.perf_counter() - float(event["message"]["body"]["content"])) * 1000)
            arrived += 1
            if arrived >= expected:
                done.set()

    listeners = [asyncio.create_task(listen(ws)) for ws in sockets]
    token, csrf = sender
    queue = list(range(messages))
    async with httpx.AsyncClient(base_url=urls[0], cookies={"hutong_session": token}, timeout=60) as client:

        async def send() -> None:
            while queue:
                queue.pop()
                body = {"content": repr(time.perf_counter())}
                answer = await client.post(
                    f"/api/me/chats/{chat_id}/messages", json=body, headers={"X-CSRF-Token": csrf}
                )
                assert answer.status_code == 201, answer.text

        started = time.perf_counter()
        await asyncio.gather(*(send() for _ in range(concurrency)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), 120)
        elapsed = time.perf_counter() - started
    for task in listeners:
        task.cancel()
    for ws in sockets:
        await ws.close()
    return arrived / elapsed, p99(latencies), p99(pings), arrived


async def run(messages: int, clients: int, concurrency: int, database_url: str | None) -> None:
    for processes in (1, 2):
        with tempfile.TemporaryDirectory() as scratch:
            settings = Settings(data_dir=Path(scratch), database_url=database_url)
            await upgrade_async(settings.effective_database_url)
            receivers, sender, chat_id = await prepare(settings, clients)
            servers = [start_server(settings, redis=processes == 2) for _ in range(processes)]
            try:
                for _, url in servers:
                    await wait_up(url)
                rate, late, ping, seen = await measure(
                    [url for _, url in servers], receivers, sender, chat_id, messages, concurrency
                )
            finally:
                for process, _ in servers:
                    process.terminate()
                    process.wait(10)
        hub = "in-process hub" if processes == 1 else "Redis pub/sub"
        total = messages * clients
        print(f"{processes} process(es), {hub}, {clients} clients, {messages} messages:")
        print(f"  arrived              {seen:8d} of {total} deliveries")
        print(f"  bare round trip p99  {ping:8.1f} ms")
        print(f"  delivered            {rate:8.0f} messages/s")
        print(f"  delivery p99         {late:8.1f} ms   ({late / ping:.1f}× the bare round trip)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.messages, args.clients, args.concurrency, args.database_url))


if __name__ == "__main__":
    main()
