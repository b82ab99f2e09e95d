"""Nonces already used by merchants' requests, shared by every server process: in Redis when
HUTONG_REDIS_URL is set (SET NX with an expiry), in the platform database otherwise (a unique row)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Protocol

from redis.asyncio import Redis
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from hutong.server.db import Database
from hutong.server.wechatpay.models import UsedNonce


class NonceStore(Protocol):
    async def first_use(self, mchid: str, nonce: str, keep_seconds: int) -> bool:
        """True the first time (mchid, nonce) is seen within keep_seconds, False for a replay."""

    async def close(self) -> None: ...


class DatabaseNonces:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def first_use(self, mchid: str, nonce: str, keep_seconds: int) -> bool:
        now = datetime.now(UTC)
        try:
            async with self._database.session() as session:
                session.add(
                    UsedNonce(mchid=mchid, nonce=nonce, expires_at=now + timedelta(seconds=keep_seconds))
                )
                await session.flush()
        except IntegrityError:
            return False
        if random.random() < 0.01:  # noqa: S311 (housekeeping, not security): forget expired nonces now and then
            async with self._database.session() as session:
                await session.execute(delete(UsedNonce).where(UsedNonce.expires_at < now))
        return True

    async def close(self) -> None:
        return None


class RedisNonces:
    def __init__(self, url: str) -> None:
        self._redis: Redis = Redis.from_url(url)

    async def first_use(self, mchid: str, nonce: str, keep_seconds: int) -> bool:
        stored = await self._redis.set(f"hutong:wxpay:nonce:{mchid}:{nonce}", b"1", nx=True, ex=keep_seconds)
        return bool(stored)

    async def close(self) -> None:
        await self._redis.aclose()


def make_nonce_store(redis_url: str | None, database: Database) -> NonceStore:
    return RedisNonces(redis_url) if redis_url else DatabaseNonces(database)
