"""A platform on loopback (real HTTP: the sandbox bank calls it back) with the sandbox bank as its own
process, on SQLite and PostgreSQL, and a signed-in user's browser-like client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from hutong.server.funding.sandbox_bank import RunningBank
from hutong.settings import Settings
from tests.conftest import serve
from tests.funding.bank import CLIENT_TIMEOUT, bank_process

PASSWORD = "long enough"


@pytest.fixture(scope="session")
def bank() -> Iterator[RunningBank]:
    with bank_process() as running:
        yield running


@dataclass
class Wallet:
    url: str
    client: httpx.AsyncClient
    csrf: str
    bank: RunningBank
    settings: Settings

    def headers(self, key: str | None = None) -> dict[str, str]:
        headers = {"X-CSRF-Token": self.csrf}
        if key:
            headers["Idempotency-Key"] = key
        return headers

    async def get(self) -> dict[str, Any]:
        answer = await self.client.get("/api/me/wallet")
        assert answer.status_code == 200, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def settled(self, reference: str, seconds: float = 15) -> dict[str, Any]:
        """Poll a transfer until it is decided, as the shell does."""
        for _ in range(int(seconds * 10)):
            answer = await self.client.get(f"/api/me/wallet/transfers/{reference}")
            assert answer.status_code == 200, answer.text
            if answer.json()["state"] != "pending":
                body: dict[str, Any] = answer.json()
                return body
            await asyncio.sleep(0.1)
        raise AssertionError(f"transfer {reference} still pending")

    async def top_up(self, amount_fen: int, card: str, key: str) -> dict[str, Any]:
        answer = await self.client.post(
            "/api/me/wallet/topups",
            json={"amount_fen": amount_fen, "card_number": card},
            headers=self.headers(key),
        )
        assert answer.status_code == 202, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def set_pin(self, pin: str = "135790") -> None:
        answer = await self.client.put(
            "/api/me/wallet/pin", json={"pin": pin, "password": PASSWORD}, headers=self.headers()
        )
        assert answer.status_code == 204, answer.text


async def signed_in(url: str, email: str) -> tuple[httpx.AsyncClient, str]:
    client = httpx.AsyncClient(base_url=url, timeout=30)
    signup = await client.post("/api/accounts/signup", json={"email": email, "password": PASSWORD})
    assert signup.status_code == 201, signup.text
    return client, str(signup.json()["csrf_token"])


@pytest.fixture
async def wallet(tmp_path: Path, database_url: str, bank: RunningBank) -> AsyncIterator[Wallet]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        funding_sandbox_url=bank.url,
        funding_sandbox_api_key=bank.api_key,
        funding_sandbox_webhook_secret=bank.webhook_secret,
        funding_timeout_seconds=CLIENT_TIMEOUT,
        wallet_transfers_per_minute=100,
    )
    async with serve(settings) as server:
        client, csrf = await signed_in(server.url, "payer@example.com")
        try:
            yield Wallet(server.url, client, csrf, bank, server.settings)
        finally:
            await client.aclose()
