"""Two real server processes (`hutong serve`, each its own OS process with its own uvicorn) behind one
address, sharing one PostgreSQL database and the chat fan-out through Redis, as a load balancer would
run them. A small loopback TCP proxy is that one address: it sends each new connection to the process
the test names, and records where each went. B listens on one process while A speaks through the other,
and through both at once; B's live connection then moves to the other process and resumes in order
after the reconnect; a mini program card shared through one process reaches B on the other."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

from hutong.server.accounts import service as accounts
from hutong.server.db import Database
from hutong.server.embedded import free_port
from hutong.server.sealing import Keyring
from hutong.settings import Settings
from tests.chats.people import Person, befriend
from tests.chats.test_live import REDIS, live, next_event
from tests.conftest import on_databases

pytestmark = on_databases("postgres")


class Proxy:
    """One loopback address in front of several servers: each new TCP connection goes to
    ``backends[route]`` at the moment it is accepted (HTTP keep-alive and WebSockets stay on it)."""

    def __init__(self, backends: list[int]) -> None:
        self.backends = backends
        self.route = 0
        self.connections: list[int] = []  # which backend each accepted connection went to
        self.server: asyncio.Server | None = None
        self.url = ""

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        index = self.route
        self.connections.append(index)
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.backends[index])
        except OSError:
            writer.close()
            return

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(OSError):
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            with contextlib.suppress(OSError):
                sink.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()


@contextlib.asynccontextmanager
async def two_processes(data_dir: Path, database_url: str) -> AsyncIterator[Proxy]:
    """Both processes started at once (their start-up is most of this test's time), then the proxy."""
    Keyring.from_settings(Settings(data_dir=data_dir))  # the data dir's master key, made once
    ports = [free_port(), free_port()]
    proxy = Proxy(ports)
    await proxy.start()
    env = {
        **os.environ,
        "HUTONG_DATA_DIR": str(data_dir),
        "HUTONG_DATABASE_URL": database_url,
        "HUTONG_REDIS_URL": REDIS,
        "HUTONG_PUBLIC_URL": proxy.url,  # the one address the users know
        "HUTONG_OUTBOX_WORKER": "0",
    }
    command = [str(Path(sys.executable).parent / "hutong"), "serve", "--port"]
    quiet = asyncio.subprocess.DEVNULL
    processes = [
        await asyncio.create_subprocess_exec(*command, str(port), env=env, stdout=quiet, stderr=quiet)
        for port in ports
    ]
    try:
        # Importing the platform costs a few seconds of CPU per process; far more on a loaded machine.
        deadline = asyncio.get_running_loop().time() + 120
        async with httpx.AsyncClient() as client:
            for port, process in zip(ports, processes, strict=True):
                while True:
                    assert process.returncode is None, "a server process died at start"
                    with contextlib.suppress(httpx.TransportError):
                        if (await client.get(f"http://127.0.0.1:{port}/api/health")).status_code == 200:
                            break
                    assert asyncio.get_running_loop().time() < deadline, "a server process did not start"
                    await asyncio.sleep(0.05)
        assert len({process.pid for process in processes}) == 2
        yield proxy
    finally:
        await proxy.close()
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), 10)
            except TimeoutError:
                process.kill()


async def signed_in(url: str, email: str) -> Person:
    """A browser session through the proxy. The account is made by the test (the suite's cheap hash):
    the server processes hash sign-ups at Argon2id's full cost, and sign-in verifies with the hash's own."""
    client = httpx.AsyncClient(base_url=url)
    signin = await client.post("/api/accounts/signin", json={"email": email, "password": "long enough"})
    assert signin.status_code == 200, signin.text
    session = (await client.get("/api/accounts/session")).json()["user"]
    return Person(client, str(session["csrf_token"]), int(session["id"]))


def through(proxy: Proxy, route: int, someone: Person) -> Person:
    """``someone`` on a fresh connection pinned (by the proxy) to process ``route``."""
    proxy.route = route
    client = httpx.AsyncClient(base_url=proxy.url, cookies=someone.client.cookies)
    return Person(client, someone.csrf, someone.id)


async def test_two_processes_behind_one_address(tmp_path: Path, database_url: str) -> None:
    database = Database(database_url, Keyring.from_settings(Settings(data_dir=tmp_path)))
    async with database.session() as session:
        for email in ("a@example.com", "b@example.com", "dev@example.com"):
            await accounts.sign_up(session, email, "long enough")
        await session.commit()
    await database.dispose()
    async with two_processes(tmp_path, database_url) as proxy:
        a = await signed_in(proxy.url, "a@example.com")
        b = await signed_in(proxy.url, "b@example.com")
        chat = await befriend(a, b)
        a0, a1 = through(proxy, 0, a), through(proxy, 1, a)
        await a0.get("/api/me/chats")  # open each one's connection now, on its process
        await a1.get("/api/me/chats")

        # B listens on process 1; A speaks through process 0.
        proxy.route = 1
        async with live(b, proxy.url) as ws:
            assert proxy.connections[-1] == 1
            await next_event(ws, "ready")
            for n in range(3):
                await a0.post(f"/api/me/chats/{chat}/messages", {"content": f"m{n}"}, status=201)
            got = [await next_event(ws) for _ in range(3)]
            assert [e["seq"] for e in got] == [1, 2, 3]
            # A speaks through both processes at once: every number arrives once, in order.
            said = [
                (a0 if n % 2 else a1).post(f"/api/me/chats/{chat}/messages", {"content": f"x{n}"}, status=201)
                for n in range(10)
            ]
            await asyncio.gather(*said)
            assert [(await next_event(ws))["seq"] for _ in range(10)] == list(range(4, 14))

        # Offline, A says more through process 0; B comes back on process 0 and resumes after 13.
        for n in range(3):
            await a0.post(f"/api/me/chats/{chat}/messages", {"content": f"late{n}"}, status=201)
        proxy.route = 0
        async with live(b, proxy.url, since={str(chat): 13}) as ws:
            assert proxy.connections[-1] == 0
            replayed = [await next_event(ws) for _ in range(3)]
            assert [(e["seq"], e["message"]["body"]["content"]) for e in replayed] == [
                (14, "late0"),
                (15, "late1"),
                (16, "late2"),
            ]
            await next_event(ws, "ready")
            # Now A speaks through process 1, B hears it on process 0; then a card shared through 1.
            await a1.post(f"/api/me/chats/{chat}/messages", {"content": "live"}, status=201)
            assert (await next_event(ws))["seq"] == 17
            async with httpx.AsyncClient(base_url=proxy.url) as developer:
                made = await developer.post(
                    "/api/tokens", json={"email": "dev@example.com", "password": "long enough"}
                )
                dev = {"Authorization": f"Bearer {made.json()['token']}"}
                org = (await developer.post("/api/orgs", json={"name": "Tea"}, headers=dev)).json()["id"]
                app = await developer.post(f"/api/orgs/{org}/apps", json={"name": "Tea shop"}, headers=dev)
            share = {
                "appid": app.json()["appid"],
                "path": "pages/menu/menu",
                "title": "Menu",
                "chat_ids": [chat],
            }
            await a1.post("/api/me/shares", share, status=201)
            card = await next_event(ws)
        assert card["seq"] == 18 and card["message"]["type"] == "miniprogram"
        assert card["message"]["body"]["title"] == "Menu"
        for client in (a.client, b.client, a0.client, a1.client):
            await client.aclose()
