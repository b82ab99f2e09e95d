"""The fan-out of chat events to connected clients, per user: in-process by default (one server, `make
demo`), through Redis pub/sub when HUTONG_REDIS_URL is set, so that a user connected to one process
hears what was sent through another.

An event is published after the transaction that caused it commits. Publishing is best effort: a
client that missed one (a reconnect, a process that died mid-publish) catches up from the database,
where each chat's messages are numbered (chats/live.py)."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
from collections.abc import Iterable
from typing import Any, Protocol

from redis.asyncio import Redis
from redis.asyncio.client import PubSub

Event = dict[str, Any]
QUEUE_SIZE = 1000  # a client this far behind is cut off; it reconnects and resumes from the database


class Subscription:
    """One connection's events; ``overflowed`` when it fell too far behind to keep."""

    def __init__(self, hub: Hub, user_id: int) -> None:
        self.hub = hub
        self.user_id = user_id
        self.queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_SIZE)
        self.overflowed = False

    def offer(self, event: Event) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True

    async def get(self) -> Event:
        return await self.queue.get()

    async def close(self) -> None:
        await self.hub.unsubscribe(self)


class Hub(Protocol):
    async def publish(self, user_ids: Iterable[int], event: Event) -> None: ...

    async def subscribe(self, user_id: int) -> Subscription: ...

    async def unsubscribe(self, subscription: Subscription) -> None: ...

    async def close(self) -> None: ...


class _Local:
    """The subscriptions of this process, by user."""

    def __init__(self) -> None:
        self.by_user: dict[int, set[Subscription]] = {}

    def add(self, subscription: Subscription) -> bool:
        """Add; True if it is the user's first here."""
        subs = self.by_user.setdefault(subscription.user_id, set())
        subs.add(subscription)
        return len(subs) == 1

    def remove(self, subscription: Subscription) -> bool:
        """Remove; True if the user has none left here."""
        subs = self.by_user.get(subscription.user_id)
        if subs is None:
            return False
        subs.discard(subscription)
        if subs:
            return False
        del self.by_user[subscription.user_id]
        return True

    def deliver(self, user_id: int, event: Event) -> None:
        for subscription in list(self.by_user.get(user_id, ())):
            subscription.offer(event)


class MemoryHub:
    def __init__(self) -> None:
        self.local = _Local()

    async def publish(self, user_ids: Iterable[int], event: Event) -> None:
        for user_id in set(user_ids):
            self.local.deliver(user_id, event)

    async def subscribe(self, user_id: int) -> Subscription:
        subscription = Subscription(self, user_id)
        self.local.add(subscription)
        return subscription

    async def unsubscribe(self, subscription: Subscription) -> None:
        self.local.remove(subscription)

    async def close(self) -> None:
        return None


def namespace(database_url: str) -> str:
    """Platforms that share one Redis but not one database must not hear each other's users."""
    return hashlib.sha256(database_url.encode()).hexdigest()[:12]


class RedisHub:
    """One Redis channel per user; this process listens on the channels of the users connected to it."""

    def __init__(self, url: str, space: str) -> None:
        self.prefix = f"hutong:chat:{space}:user:"
        self.redis: Redis = Redis.from_url(url)
        self.pubsub: PubSub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.local = _Local()
        self.reader: asyncio.Task[None] | None = None
        self.lock = asyncio.Lock()

    def channel(self, user_id: int) -> str:
        return f"{self.prefix}{user_id}"

    async def publish(self, user_ids: Iterable[int], event: Event) -> None:
        data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
        async with self.redis.pipeline(transaction=False) as pipe:
            for user_id in set(user_ids):
                pipe.publish(self.channel(user_id), data)
            await pipe.execute()

    async def subscribe(self, user_id: int) -> Subscription:
        subscription = Subscription(self, user_id)
        async with self.lock:
            if self.local.add(subscription):
                await self.pubsub.subscribe(self.channel(user_id))
            if self.reader is None:
                self.reader = asyncio.create_task(self._read())
        return subscription

    async def unsubscribe(self, subscription: Subscription) -> None:
        async with self.lock:
            if self.local.remove(subscription):
                await self.pubsub.unsubscribe(self.channel(subscription.user_id))

    async def _read(self) -> None:
        while True:
            try:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            except asyncio.CancelledError:
                raise
            except Exception:  # a dropped connection: redis-py reconnects and resubscribes on next read
                await asyncio.sleep(0.5)
                continue
            if message is None or message.get("type") != "message":
                continue
            name = message["channel"]
            name = name.decode() if isinstance(name, bytes) else str(name)
            try:
                user_id = int(name.rsplit(":", 1)[1])
                event = json.loads(message["data"])
            except (ValueError, IndexError):
                continue
            self.local.deliver(user_id, event)

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader
        await self.pubsub.aclose()
        await self.redis.aclose()


def make_hub(redis_url: str | None, database_url: str) -> Hub:
    return RedisHub(redis_url, namespace(database_url)) if redis_url else MemoryHub()
