"""A small sliding-window rate limiter: Redis when HUTONG_REDIS_URL is set (shared by every process),
in-process otherwise; and the pure-ASGI middleware that answers 429 problem JSON with Retry-After.

The window slides by weighting the previous fixed window's count by how much of it still overlaps
the last `window` seconds, so a client cannot spend two budgets across a window boundary."""

from __future__ import annotations

import math
import time
from typing import Protocol

from redis.asyncio import Redis
from starlette.types import ASGIApp, Receive, Scope, Send

from hutong.server.problems import problem_response


class Limiter(Protocol):
    async def hit(self, key: str, limit: int, window: int) -> float | None:
        """Count one request; None if allowed, else the seconds until the window ends."""

    async def peek(self, key: str, limit: int, window: int) -> float | None:
        """Would one more request be allowed? The same answer as ``hit``, counting nothing (for limits
        that count only failures, such as wrong coupon codes, yet must refuse every try once spent)."""

    async def close(self) -> None: ...


def verdict(now: float, window: int, current: int, previous: int, limit: int) -> float | None:
    """None if `current` hits this window plus the overlapping share of `previous` fit the limit,
    else the seconds until they would."""
    slot_start = (now // window) * window
    overlap = 1 - (now - slot_start) / window
    if current + previous * overlap <= limit:
        return None
    if current > limit:
        return slot_start + window - now
    # Wait until enough of the previous window has slid out of view.
    needed = (current + previous * overlap - limit) / previous
    return max(1.0, needed * window)


class MemoryLimiter:
    def __init__(self) -> None:
        self._counts: dict[tuple[str, int], int] = {}

    async def hit(self, key: str, limit: int, window: int) -> float | None:
        now = time.time()
        slot = int(now // window)
        current = self._counts.get((key, slot), 0) + 1
        self._counts[(key, slot)] = current
        if len(self._counts) > 100_000:  # forget old windows rather than grow without bound
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= slot - 1}
        return verdict(now, window, current, self._counts.get((key, slot - 1), 0), limit)

    async def peek(self, key: str, limit: int, window: int) -> float | None:
        now = time.time()
        slot = int(now // window)
        current = self._counts.get((key, slot), 0) + 1
        return verdict(now, window, current, self._counts.get((key, slot - 1), 0), limit)

    async def close(self) -> None:
        return None


class RedisLimiter:
    def __init__(self, url: str) -> None:
        self._redis: Redis = Redis.from_url(url)

    async def hit(self, key: str, limit: int, window: int) -> float | None:
        now = time.time()
        slot = int(now // window)
        name = f"hutong:rl:{key}:{slot}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, 2 * window + 1)
            pipe.get(f"hutong:rl:{key}:{slot - 1}")
            current, _, previous = await pipe.execute()
        return verdict(now, window, int(current), int(previous or 0), limit)

    async def peek(self, key: str, limit: int, window: int) -> float | None:
        now = time.time()
        slot = int(now // window)
        current, previous = await self._redis.mget(f"hutong:rl:{key}:{slot}", f"hutong:rl:{key}:{slot - 1}")
        return verdict(now, window, int(current or 0) + 1, int(previous or 0), limit)

    async def close(self) -> None:
        await self._redis.aclose()


def make_limiter(redis_url: str | None) -> Limiter:
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def too_many(retry_after: float) -> tuple[int, dict[str, str]]:
    return 429, {"Retry-After": str(max(1, math.ceil(retry_after)))}


class RateLimitMiddleware:
    """Every /api/ request counts against its client's per-minute budget."""

    def __init__(self, app: ASGIApp, limiter: Limiter, per_minute: int) -> None:
        self.app = app
        self.limiter = limiter
        self.per_minute = per_minute

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        wait = await self.limiter.hit(f"api:{client_address(scope)}", self.per_minute, 60)
        if wait is None:
            await self.app(scope, receive, send)
            return
        _, headers = too_many(wait)
        response = problem_response(429, "rate_limited", "too many requests; slow down")
        response.headers.update(headers)
        await response(scope, receive, send)
