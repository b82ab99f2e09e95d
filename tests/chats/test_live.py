"""The live connection on a real server (uvicorn on loopback) with a real WebSocket client: messages
arrive in order, a reconnect resumes from the last number seen, a gap is read from the database, the
host's origin and CSRF token are required. Two server processes sharing Redis: test_two_processes.py."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Origin

from hutong.server.chats.live import CONNECTS_PER_MINUTE, Connection
from hutong.server.db import Database
from hutong.settings import Settings
from tests.chats.people import Person, befriend, person
from tests.conftest import on_databases, serve

REDIS = "redis://127.0.0.1:6379/0"


@asynccontextmanager
async def live(
    person_: Person, url: str, since: dict[str, int] | None = None, origin: str | None = None
) -> AsyncIterator[ClientConnection]:
    cookie = "; ".join(f"{c.name}={c.value}" for c in person_.client.cookies.jar)
    ws_url = url.replace("http://", "ws://") + "/api/me/chats/live"
    async with websockets.connect(ws_url, origin=origin or url, additional_headers={"Cookie": cookie}) as ws:  # type: ignore[arg-type]
        await ws.send(json.dumps({"t": "hello", "csrf": person_.csrf, "since": since or {}}))
        yield ws


async def next_event(ws: ClientConnection, kind: str = "message") -> dict[str, Any]:
    while True:
        event: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if event["t"] == kind:
            return event


async def people(url: str, *emails: str) -> list[Person]:
    transport = httpx.AsyncHTTPTransport()
    return [await person(transport, email, base_url=url) for email in emails]


async def test_in_order_resumed_after_reconnect_host_origin_only(tmp_path: Path, database_url: str) -> None:
    async with serve(Settings(data_dir=tmp_path, database_url=database_url)) as server:
        a, b = await people(server.url, "a@example.com", "b@example.com")
        chat = await befriend(a, b)
        async with live(b, server.url) as ws:
            ready = await next_event(ws, "ready")
            assert ready["chats"] == {str(chat): 0}
            for n in range(5):
                await a.post(f"/api/me/chats/{chat}/messages", {"content": f"m{n}"}, status=201)
            got = [await next_event(ws) for _ in range(5)]
        assert [e["seq"] for e in got] == [1, 2, 3, 4, 5]
        assert [e["message"]["body"]["content"] for e in got] == [f"m{n}" for n in range(5)]
        # Offline, more is said; the reconnect resumes after the last number seen, then goes live.
        for n in range(5, 8):
            await a.post(f"/api/me/chats/{chat}/messages", {"content": f"m{n}"}, status=201)
        async with live(b, server.url, since={str(chat): 5}) as ws:
            replayed = [await next_event(ws) for _ in range(3)]
            assert [e["seq"] for e in replayed] == [6, 7, 8]
            await next_event(ws, "ready")
            await a.post(f"/api/me/chats/{chat}/messages", {"content": "live"}, status=201)
            assert (await next_event(ws))["seq"] == 9

        # Another site (or a sandboxed mini program frame, whose origin is "null") is turned away, and a
        # hello without the session's CSRF token is closed.
        for origin in ("https://evil.example", "null"):
            with pytest.raises(websockets.exceptions.InvalidStatus):
                async with live(a, server.url, origin=origin) as ws:
                    await ws.recv()
        async with live(Person(a.client, "not-the-token", a.id), server.url) as ws:
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4403
        for client in (a.client, b.client):
            await client.aclose()


@on_databases("sqlite")
async def test_refusals_are_closes_the_page_can_read(tmp_path: Path, database_url: str) -> None:
    """Not signed in, or past the connects a minute: the server accepts and then closes with its own
    code (4401, 4429), which the page reads and stops knocking on (shell/chats.js). Refused before the
    handshake, a browser sees only a failed handshake (an HTTP 403, close code 1006), logs an error and
    reconnects within seconds, each try counting against the limit again."""
    async with serve(Settings(data_dir=tmp_path, database_url=database_url)) as server:
        ws_url = server.url.replace("http://", "ws://") + "/api/me/chats/live"
        async with websockets.connect(ws_url, origin=Origin(server.url)) as ws:
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
        (a,) = await people(server.url, "a@example.com")
        for _ in range(CONNECTS_PER_MINUTE):
            async with live(a, server.url) as ws:
                await next_event(ws, "ready")
        cookie = "; ".join(f"{c.name}={c.value}" for c in a.client.cookies.jar)
        async with websockets.connect(
            ws_url, origin=Origin(server.url), additional_headers={"Cookie": cookie}
        ) as ws:
            with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
                await ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4429
        await a.client.aclose()


class Recorder:
    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []

    async def send_json(self, event: dict[str, Any]) -> None:
        self.sent.append(event)


async def test_a_gap_is_read_from_the_database(tmp_path: Path, database_url: str) -> None:
    """Publishes may arrive out of order (two processes): number 3 before 2 delivers 2 then 3 from the
    database, and the late 2 is dropped."""
    async with serve(Settings(data_dir=tmp_path, database_url=database_url)) as server:
        a, b = await people(server.url, "a@example.com", "b@example.com")
        chat = await befriend(a, b)
        sent = [
            await a.post(f"/api/me/chats/{chat}/messages", {"content": f"m{n}"}, status=201) for n in range(3)
        ]
        database = Database(database_url)
        recorder = Recorder()
        connection = Connection(recorder, database, b.id)  # type: ignore[arg-type]
        connection.delivered[chat] = 1
        await connection.deliver({"t": "message", "chat_id": chat, "seq": 3, "message": sent[2]})
        await connection.deliver({"t": "message", "chat_id": chat, "seq": 2, "message": sent[1]})
        assert [e["seq"] for e in recorder.sent] == [2, 3]
        # Someone who is no member hears nothing of the chat.
        outsider = Connection(Recorder(), database, 10_000)  # type: ignore[arg-type]
        await outsider.deliver({"t": "message", "chat_id": chat, "seq": 1, "message": sent[0]})
        assert outsider.websocket.sent == []  # type: ignore[attr-defined]
        await database.dispose()
