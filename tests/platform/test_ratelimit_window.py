"""The limiter's window slides: a burst across a window boundary cannot spend two budgets."""

from __future__ import annotations

import uuid

import pytest

from hutong.server.ratelimit import MemoryLimiter, RedisLimiter, verdict


def test_a_burst_across_the_boundary_is_refused() -> None:
    # Two hits at the end of one minute, one at the start of the next: the third is over a limit of 2.
    assert verdict(121.0, 60, current=1, previous=2, limit=2) is not None
    # Once most of the previous minute has slid away the budget is back.
    assert verdict(175.0, 60, current=1, previous=2, limit=2) is None


def test_retry_after_says_when_the_budget_returns() -> None:
    wait = verdict(121.0, 60, current=1, previous=2, limit=2)
    assert wait is not None and 1 <= wait <= 60
    assert verdict(150.0, 60, current=3, previous=0, limit=2) == pytest.approx(30.0)


async def test_memory_limiter_counts_per_key() -> None:
    limiter = MemoryLimiter()
    assert [await limiter.hit("a", 2, 3600) for _ in range(2)] == [None, None]
    assert await limiter.hit("a", 2, 3600) is not None
    assert await limiter.hit("b", 2, 3600) is None


async def test_redis_limiter_counts_per_key() -> None:
    limiter = RedisLimiter("redis://127.0.0.1:6379/0")
    key = f"test-{uuid.uuid4().hex}"
    try:
        assert [await limiter.hit(key, 2, 3600) for _ in range(2)] == [None, None]
        assert await limiter.hit(key, 2, 3600) is not None
    finally:
        await limiter.close()
