"""A merchant's withdrawal of its available (settled) balance to its bank through the sandbox bank, a
real loopback process, on SQLite and PostgreSQL: debited at once, idempotent on its Idempotency-Key,
refused beyond the balance, returned when the bank fails the payout; only owners may withdraw."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from hutong.server import ledger
from hutong.server.db import Database
from tests.wallet.conftest import Wallet, signed_in


async def _available(w: Wallet, mchid: str) -> int:
    answer = await w.client.get(f"/api/merchants/{mchid}/balances")
    assert answer.status_code == 200, answer.text
    return int(answer.json()["available_fen"])


async def _settled(w: Wallet, mchid: str, reference: str) -> dict[str, Any]:
    for _ in range(150):
        answer = await w.client.get(f"/api/merchants/{mchid}/withdrawals/{reference}")
        assert answer.status_code == 200, answer.text
        if answer.json()["state"] != "pending":
            body: dict[str, Any] = answer.json()
            return body
        await asyncio.sleep(0.1)
    raise AssertionError(f"withdrawal {reference} still pending")


async def test_a_merchant_withdraws_its_available_balance(wallet: Wallet) -> None:
    w = wallet
    org = await w.client.post("/api/orgs", json={"name": "Tea"}, headers=w.headers())
    assert org.status_code == 201, org.text
    made = await w.client.post(
        f"/api/orgs/{org.json()['id']}/merchants", json={"name": "Tea Shop"}, headers=w.headers()
    )
    assert made.status_code == 201, made.text
    mchid = made.json()["mchid"]
    # What settlement would have made available (settlement itself is tests/payments/test_settlement.py).
    database = Database(w.settings.effective_database_url)
    try:
        async with database.session() as session:
            await ledger.post(
                session,
                "test:settled",
                "settled",
                [(f"merchant_pending:{mchid}", 20_000), ("payments_clearing", -20_000)],
            )
        async with database.session() as session:
            await ledger.post(
                session,
                "test:settlement",
                "settlement",
                [(f"merchant_pending:{mchid}", -20_000), (f"merchant_available:{mchid}", 20_000)],
            )
    finally:
        await database.dispose()
    assert await _available(w, mchid) == 20_000

    async def withdraw(amount: int, account: str, key: str) -> httpx.Response:
        body = {"amount_fen": amount, "account_number": account}
        return await w.client.post(f"/api/merchants/{mchid}/withdrawals", json=body, headers=w.headers(key))

    paid = await withdraw(5_000, "6222000011112222333", "mchwd-0001")
    assert paid.status_code == 202, paid.text
    assert await _available(w, mchid) == 15_000  # debited at once
    again = await withdraw(5_000, "6222000011112222333", "mchwd-0001")
    assert again.status_code == 202 and again.json()["reference"] == paid.json()["reference"]
    other = await withdraw(6_000, "6222000011112222333", "mchwd-0001")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert (await _settled(w, mchid, paid.json()["reference"]))["state"] == "succeeded"
    assert await _available(w, mchid) == 15_000

    too_much = await withdraw(15_001, "6222000011112222333", "mchwd-0002")
    assert too_much.status_code == 409 and too_much.json()["code"] == "insufficient_balance"
    no_key = await w.client.post(
        f"/api/merchants/{mchid}/withdrawals",
        json={"amount_fen": 100, "account_number": "6222000011112222333"},
        headers=w.headers(),
    )
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency_key_missing"
    # The bank fails the payout (a closed account): the money comes back to the available balance.
    closed = await withdraw(4_000, "6222000011110002", "mchwd-0003")
    assert closed.status_code == 202, closed.text
    failed = await _settled(w, mchid, closed.json()["reference"])
    assert (failed["state"], failed["failure_code"]) == ("failed", "account_closed")
    assert await _available(w, mchid) == 15_000
    listed = (await w.client.get(f"/api/merchants/{mchid}/balances")).json()
    assert [(t["amount_fen"], t["state"]) for t in listed["withdrawals"]] == [
        (4_000, "failed"),
        (5_000, "succeeded"),
    ]

    # Someone outside the organization learns nothing and moves nothing.
    stranger, csrf = await signed_in(w.url, "stranger@example.com")
    try:
        refused = await stranger.post(
            f"/api/merchants/{mchid}/withdrawals",
            json={"amount_fen": 100, "account_number": "6222000011112222333"},
            headers={"X-CSRF-Token": csrf, "Idempotency-Key": "mchwd-0004"},
        )
        assert refused.status_code == 404
    finally:
        await stranger.aclose()
    assert await _available(w, mchid) == 15_000
    database = Database(w.settings.effective_database_url)
    try:
        async with database.session() as session:
            assert await ledger.verify(session) == []
    finally:
        await database.dispose()
