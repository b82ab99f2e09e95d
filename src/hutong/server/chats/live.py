"""The live connection (WebSocket ``/api/me/chats/live``): every chat event for the signed-in user, in
order per chat, once each, also across a reconnect.

The browser's session cookie authenticates; the Origin must be the host's own (a mini program's
sandboxed frame has an opaque origin, another site its own) and the first message must carry the
session's CSRF token. The client says, per chat, the last message number it has (``since``); the
connection subscribes to the hub first, then replays from the database what came after, so nothing
falls between the two. Live events are delivered only in sequence: a number already delivered is
dropped, one past a gap first reads the gap from the database (an earlier message whose publish was
slower, or was lost with a process)."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from starlette.websockets import WebSocket, WebSocketDisconnect

from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import SESSION_COOKIE
from hutong.server.chats import service
from hutong.server.chats.hub import Hub
from hutong.server.chats.models import Chat, ChatMember
from hutong.server.db import Database
from hutong.server.ratelimit import Limiter

HELLO_SECONDS = 10.0
REPLAY_LIMIT = 500  # per chat; a client further behind reloads the chat's page instead
CONNECTS_PER_MINUTE = 30

# Close codes (4000–4999 are the application's): the client reconnects after 4000, not after the others.
BEHIND, FORBIDDEN, UNAUTHORIZED, LIMITED = 4000, 4403, 4401, 4429


def _same_origin(websocket: WebSocket) -> bool:
    origin = websocket.headers.get("origin")
    host = websocket.headers.get("host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc == host


class Connection:
    def __init__(self, websocket: WebSocket, database: Database, user_id: int) -> None:
        self.websocket = websocket
        self.database = database
        self.user_id = user_id
        # The last number delivered per chat: the order and the once-only promise rest on it.
        self.delivered: dict[int, int] = {}

    async def send(self, event: dict[str, Any]) -> None:
        await self.websocket.send_json(event)

    async def start(self, since: dict[str, Any]) -> None:
        async with self.database.session() as session:
            rows = (
                await session.execute(
                    select(Chat.id, Chat.last_seq, ChatMember.from_seq)
                    .join(ChatMember, ChatMember.chat_id == Chat.id)
                    .where(ChatMember.user_id == self.user_id, ChatMember.left_at.is_(None))
                )
            ).all()
        for chat_id, last_seq, from_seq in rows:
            given = since.get(str(chat_id))
            if isinstance(given, int) and not isinstance(given, bool) and given >= 0:
                self.delivered[chat_id] = max(given, from_seq - 1)
                await self.catch_up(chat_id, last_seq)
            else:
                self.delivered[chat_id] = last_seq  # no history asked for: from now on
        await self.send({"t": "ready", "chats": {str(c): s for c, s in self.delivered.items()}})

    async def catch_up(self, chat_id: int, upto: int | None = None) -> None:
        """Deliver what the database has after the last delivered number (up to ``upto``)."""
        after = self.delivered.get(chat_id, 0)
        if upto is not None and upto <= after:
            return
        async with self.database.session() as session:
            try:
                messages = await service.history(
                    session, self.user_id, chat_id, after=after, limit=REPLAY_LIMIT
                )
            except Exception:  # no longer a member: nothing to deliver
                self.delivered.pop(chat_id, None)
                return
        for message in messages:
            if upto is not None and message["seq"] > upto:
                break
            await self.send({"t": "message", "chat_id": chat_id, "seq": message["seq"], "message": message})
            self.delivered[chat_id] = message["seq"]

    async def deliver(self, event: dict[str, Any]) -> None:
        kind = event.get("t")
        if kind == "left":
            self.delivered.pop(int(event["chat_id"]), None)
            await self.send(event)
            return
        if kind != "message":
            await self.send(event)
            return
        chat_id, seq = int(event["chat_id"]), int(event["seq"])
        if chat_id not in self.delivered:
            # A chat this connection has not heard of (new, or just joined): its readable history.
            async with self.database.session() as session:
                member = await session.scalar(
                    select(ChatMember).where(
                        ChatMember.chat_id == chat_id,
                        ChatMember.user_id == self.user_id,
                        ChatMember.left_at.is_(None),
                    )
                )
            if member is None:
                return
            self.delivered[chat_id] = member.from_seq - 1
        last = self.delivered[chat_id]
        if seq <= last:
            return
        if seq == last + 1:
            await self.send(event)
            self.delivered[chat_id] = seq
            return
        await self.catch_up(chat_id, upto=seq)


async def _refuse(websocket: WebSocket, code: int) -> None:
    """Close with one of this module's codes where the client can read it. A close before the handshake
    is accepted is an HTTP 403 to the browser: the page sees code 1006 (and logs a failed handshake),
    never 4401 or 4429, so it cannot tell "not signed in" or "too many connects" from a dropped network.
    The cross-origin refusal stays a 403: another site learns nothing from it."""
    await websocket.accept()
    await websocket.close(code=code)


async def serve(websocket: WebSocket) -> None:
    app = websocket.app
    database: Database = app.state.database
    hub: Hub = app.state.chat_hub
    limiter: Limiter = app.state.limiter
    if not _same_origin(websocket):
        await websocket.close(code=FORBIDDEN)
        return
    cookie = websocket.cookies.get(SESSION_COOKIE)
    found = None
    if cookie:
        async with database.session() as session:
            found = await accounts.session_for(session, cookie)
    if found is None:
        await _refuse(websocket, UNAUTHORIZED)
        return
    user, row = found
    user_id, csrf = user.id, row.csrf_token
    if await limiter.hit(f"chatlive:{user_id}", CONNECTS_PER_MINUTE, 60) is not None:
        await _refuse(websocket, LIMITED)
        return
    await websocket.accept()
    try:
        hello = await asyncio.wait_for(websocket.receive_json(), HELLO_SECONDS)
    except (TimeoutError, WebSocketDisconnect, ValueError, KeyError):
        with contextlib.suppress(Exception):
            await websocket.close(code=UNAUTHORIZED)
        return
    supplied = hello.get("csrf") if isinstance(hello, dict) else None
    if (
        hello.get("t") != "hello"
        or not isinstance(supplied, str)
        or not secrets.compare_digest(supplied, csrf)
    ):
        await websocket.close(code=FORBIDDEN)
        return
    subscription = await hub.subscribe(user_id)
    connection = Connection(websocket, database, user_id)

    async def listen() -> None:
        # The client only pings; anything else is ignored. Its going away ends the connection.
        while True:
            message = await websocket.receive_json()
            if isinstance(message, dict) and message.get("t") == "ping":
                await connection.send({"t": "pong"})

    async def forward() -> None:
        since = hello.get("since")
        await connection.start(since if isinstance(since, dict) else {})
        while True:
            event = await subscription.get()
            if subscription.overflowed:
                await websocket.close(code=BEHIND)
                return
            await connection.deliver(event)

    # Two tasks for the connection's life (not one per event): whichever ends first ends both.
    tasks = [asyncio.create_task(listen()), asyncio.create_task(forward())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, WebSocketDisconnect, RuntimeError, Exception):
                await task
        await subscription.close()
