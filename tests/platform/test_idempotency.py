"""Idempotency-Key on a money route (a wallet top-up posting to the real ledger), on SQLite and
PostgreSQL: a retry runs once and replays the answer, another request with the same key is refused,
keys are the caller's, refusals are answers too, errors free the key, a request still running makes
its twin wait (409), and a claim whose holder died or whose 24 hours are over is taken over."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any

import httpx
import pytest
from fastapi import FastAPI, Header
from pydantic import BaseModel
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import ledger
from hutong.server.db import Database
from hutong.server.db.base import utcnow
from hutong.server.idempotency import Idempotency, IdempotencyRecord, purge
from hutong.server.problems import Problem, install_problem_handlers

BANK = ledger.account("funding_clearing", "sandbox")


class TopUpIn(BaseModel):
    amount: int


class Shop:
    def __init__(self, database: Database) -> None:
        self.runs: list[int] = []
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()
        self.app = FastAPI()
        self.app.state.database = database
        install_problem_handlers(self.app)

        @self.app.post("/topups", status_code=201)
        async def top_up(body: TopUpIn, idem: Idempotency, x_user: Annotated[str, Header()]) -> Any:
            async def act(session: AsyncSession) -> dict[str, int]:
                self.runs.append(body.amount)
                wallet = ledger.account("user_wallet", x_user)
                key = f"topup:{x_user}:{len(self.runs)}"  # a new journal key each run: no hidden dedupe
                await ledger.post(session, key, "Top up", [(BANK, -body.amount), (wallet, body.amount)])
                if body.amount > 10_000:
                    raise Problem(422, "amount_too_large", "at most 100 yuan at a time")
                if body.amount == 13:
                    raise RuntimeError("a bug")
                if self.gate is not None:
                    self.entered.set()
                    await self.gate.wait()
                return {"balance": await ledger.balance(session, wallet)}

            return await idem.run(f"user:{x_user}", act, status_code=201)

        @self.app.post("/withdrawals")
        async def withdraw(idem: Idempotency) -> Any:
            async def act(session: AsyncSession) -> dict[str, str]:
                return {"ok": "yes"}

            return await idem.run("user:1", act, required=True)


@pytest.fixture
async def shop(database: Database) -> AsyncIterator[tuple[Shop, httpx.AsyncClient]]:
    shop = Shop(database)
    transport = httpx.ASGITransport(app=shop.app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield shop, client


def _as(user: str, key: str | None = None) -> dict[str, str]:
    return {"x-user": user, **({"Idempotency-Key": key} if key else {})}


async def _balance(database: Database, user: str) -> int:
    async with database.session() as session:
        return await ledger.balance(session, ledger.account("user_wallet", user))


async def test_a_retry_runs_once_and_gets_the_first_answer(
    shop: tuple[Shop, httpx.AsyncClient], database: Database
) -> None:
    app, client = shop
    first = await client.post("/topups", json={"amount": 500}, headers=_as("u1", "k-1"))
    # The same request again, its JSON written differently: the same request.
    again = await client.post(
        "/topups",
        content=json.dumps({"amount": 500}, indent=2),
        headers={**_as("u1", "k-1"), "content-type": "application/json"},
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() == {"balance": 500}
    assert again.headers["idempotent-replayed"] == "true" and "idempotent-replayed" not in first.headers
    assert app.runs == [500] and await _balance(database, "u1") == 500
    # Without a key every request runs.
    for _ in range(2):
        assert (await client.post("/topups", json={"amount": 500}, headers=_as("u1"))).status_code == 201
    assert await _balance(database, "u1") == 1500
    # Another request with the key is refused; another caller's same key is theirs.
    reused = await client.post("/topups", json={"amount": 900}, headers=_as("u1", "k-1"))
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    other = await client.post("/topups", json={"amount": 900}, headers=_as("u2", "k-1"))
    assert other.status_code == 201 and other.json() == {"balance": 900}
    assert await _balance(database, "u1") == 1500


async def test_refusals_are_saved_and_errors_free_the_key(
    shop: tuple[Shop, httpx.AsyncClient], database: Database
) -> None:
    app, client = shop
    for _ in range(2):
        refused = await client.post("/topups", json={"amount": 20_000}, headers=_as("u1", "big"))
        assert refused.status_code == 422 and refused.json()["code"] == "amount_too_large"
        assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["idempotent-replayed"] == "true"
    assert app.runs == [20_000] and await _balance(database, "u1") == 0  # its posting rolled back
    for _ in range(2):
        broken = await client.post("/topups", json={"amount": 13}, headers=_as("u1", "bug"))
        assert broken.status_code == 500
    assert app.runs == [20_000, 13, 13] and await _balance(database, "u1") == 0
    missing = await client.post("/withdrawals", json={})
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_missing"
    bad = await client.post("/withdrawals", json={}, headers={"Idempotency-Key": "has space"})
    assert bad.status_code == 422 and bad.json()["code"] == "idempotency_key_invalid"


async def test_a_twin_of_a_running_request_waits(
    shop: tuple[Shop, httpx.AsyncClient], database: Database
) -> None:
    app, client = shop
    app.gate = asyncio.Event()
    first = asyncio.create_task(client.post("/topups", json={"amount": 700}, headers=_as("u1", "k")))
    await asyncio.wait_for(app.entered.wait(), 30)
    twins = await asyncio.gather(
        *(client.post("/topups", json={"amount": 700}, headers=_as("u1", "k")) for _ in range(5))
    )
    assert {t.status_code for t in twins} == {409}
    assert {t.json()["code"] for t in twins} == {"idempotency_in_progress"}
    changed = await client.post("/topups", json={"amount": 1}, headers=_as("u1", "k"))
    assert changed.status_code == 422
    app.gate.set()
    assert (await first).status_code == 201
    replay = await client.post("/topups", json={"amount": 700}, headers=_as("u1", "k"))
    assert replay.json() == {"balance": 700} and replay.headers["idempotent-replayed"] == "true"
    assert app.runs == [700] and await _balance(database, "u1") == 700


async def test_dead_claims_and_old_keys_are_taken_over(
    shop: tuple[Shop, httpx.AsyncClient], database: Database
) -> None:
    app, client = shop
    assert (await client.post("/topups", json={"amount": 100}, headers=_as("u1", "old"))).status_code == 201
    async with database.session() as session:
        record = await session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "old"))
        assert record is not None and record.expires_at - record.created_at >= timedelta(hours=24)
        # A process died holding "dead": its claim is running, its lock over.
        now = utcnow()
        session.add(
            IdempotencyRecord(
                scope="user:u1",
                key="dead",
                fingerprint="x" * 64,
                state="running",
                token="gone",
                locked_until=now - timedelta(seconds=1),
                created_at=now,
                expires_at=now + timedelta(hours=24),
            )
        )
    dead = await client.post("/topups", json={"amount": 200}, headers=_as("u1", "dead"))
    assert dead.status_code == 422  # a dead claim keeps its request: another body is still refused
    async with database.session() as session:
        await session.execute(
            update(IdempotencyRecord).where(IdempotencyRecord.key == "dead").values(fingerprint="")
        )
    # Same request as the dead one (fingerprint taken from a live request below) runs afresh.
    async with database.session() as session:
        live = await session.scalar(
            select(IdempotencyRecord.fingerprint).where(IdempotencyRecord.key == "old")
        )
        await session.execute(
            update(IdempotencyRecord).where(IdempotencyRecord.key == "dead").values(fingerprint=live)
        )
    taken = await client.post("/topups", json={"amount": 100}, headers=_as("u1", "dead"))
    assert taken.status_code == 201 and "idempotent-replayed" not in taken.headers
    # After 24 hours a key is free again, for any request; purge removes what is over.
    async with database.session() as session:
        await session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "old")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    fresh = await client.post("/topups", json={"amount": 300}, headers=_as("u1", "old"))
    assert fresh.status_code == 201 and fresh.json() == {"balance": 500}
    assert app.runs == [100, 100, 300]
    async with database.session() as session:
        assert await purge(session, utcnow() + timedelta(hours=25)) == 2
