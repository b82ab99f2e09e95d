"""The wallet over HTTP on SQLite and PostgreSQL, with the sandbox bank as a process of its own: top-ups
credited once however often the bank calls back, declines and timeouts, Idempotency-Key, the PIN
(wrong tries, the lock, reset with the password), withdrawals debited at once and returned when the
payout fails, forged callbacks, and who may call what."""

from __future__ import annotations

import asyncio
import json
import secrets
import time

import httpx

from hutong.server.funding import sandbox_bank, signature
from tests.funding.bank import SLOW_SECONDS
from tests.wallet.conftest import PASSWORD, Wallet, signed_in


def key() -> str:
    return "key-" + secrets.token_hex(8)


async def deliveries(w: Wallet, count: int) -> list[dict[str, object]]:
    headers = {"authorization": f"Bearer {w.bank.api_key}"}
    async with httpx.AsyncClient() as bank:
        for _ in range(100):
            log: list[dict[str, object]] = (
                await bank.get(f"{w.bank.url}/v1/deliveries", headers=headers)
            ).json()
            mine = [d for d in log if str(d["url"]).startswith(w.url)]
            if len(mine) >= count:
                return mine
            await asyncio.sleep(0.1)
    raise AssertionError("the bank did not call back")


async def test_top_ups_are_credited_once_on_the_banks_word(wallet: Wallet) -> None:
    w = wallet
    assert await w.get() == {
        "balance_fen": 0,
        "pin_set": False,
        "pin_locked": False,
        "funding_available": True,
    }
    started = await w.top_up(10_000, "4242 4242 4242 4242", key())
    assert started["state"] == "pending" and started["party_hint"] == "4242"
    assert (await w.settled(started["reference"]))["state"] == "succeeded"
    assert (await w.get())["balance_fen"] == 10_000

    # The bank calls back three times for this card: the wallet is credited once.
    dup = await w.top_up(2_500, sandbox_bank.DUPLICATE_CALLBACKS, key())
    await w.settled(dup["reference"])
    await deliveries(w, 4)
    await asyncio.sleep(0.2)
    assert (await w.get())["balance_fen"] == 12_500

    # Declines credit nothing.
    for card, code in (
        (sandbox_bank.DECLINED, "card_declined"),
        (sandbox_bank.INSUFFICIENT_FUNDS, "insufficient_funds"),
    ):
        declined = await w.settled((await w.top_up(1_000, card, key()))["reference"])
        assert (declined["state"], declined["failure_code"]) == ("failed", code)
    # A card the bank refuses outright fails at once.
    invalid = await w.top_up(1_000, "4242424242424241", key())
    assert (invalid["state"], invalid["failure_code"]) == ("failed", "invalid_card")
    # The bank answers too late: the top-up stays pending, then the callback credits it.
    # The bank answers the request too late: the platform gives up waiting (the top-up stays open,
    # not failed) and the bank's callback credits it.
    started_at = time.monotonic()
    slow = await w.top_up(700, sandbox_bank.SLOW, key())
    assert time.monotonic() - started_at < SLOW_SECONDS and slow["state"] != "failed"
    assert (await w.settled(slow["reference"]))["state"] == "succeeded"
    # The first request never reaches the bank: the platform sends it again under the same reference,
    # so the top-up is decided in seconds rather than left open until it counts as lost.
    lost = await w.top_up(300, sandbox_bank.LOST_ONCE, key())
    assert (await w.settled(lost["reference"], seconds=5))["state"] == "succeeded"
    assert (await w.get())["balance_fen"] == 13_500

    history = (await w.client.get("/api/me/wallet/history")).json()
    assert [(e["kind"], e["amount_fen"], e["state"]) for e in history][-2:] == [
        ("top_up", 2_500, "succeeded"),
        ("top_up", 10_000, "succeeded"),
    ]
    assert {e["title"] for e in history} >= {"Top-up from card …4242", "Top-up from card …0002"}


async def test_an_idempotency_key_is_one_top_up(wallet: Wallet) -> None:
    w = wallet
    k = key()
    first = await w.top_up(3_000, sandbox_bank.APPROVED, k)
    again = await w.top_up(3_000, sandbox_bank.APPROVED, k)
    assert again["reference"] == first["reference"]
    other = await w.client.post(
        "/api/me/wallet/topups",
        json={"amount_fen": 3_001, "card_number": sandbox_bank.APPROVED},
        headers=w.headers(k),
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    # The same key at the same moment from ten requests: one transfer.
    k2 = key()
    answers = await asyncio.gather(*(w.top_up(100, sandbox_bank.APPROVED, k2) for _ in range(10)))
    assert len({a["reference"] for a in answers}) == 1
    await w.settled(first["reference"])
    await w.settled(answers[0]["reference"])
    assert (await w.get())["balance_fen"] == 3_100
    for bad in (
        {"amount_fen": 0, "card_number": sandbox_bank.APPROVED},
        {"amount_fen": 1.5, "card_number": "4242"},
    ):
        refused = await w.client.post("/api/me/wallet/topups", json=bad, headers=w.headers(key()))
        assert refused.status_code == 422
    missing_key = await w.client.post(
        "/api/me/wallet/topups",
        json={"amount_fen": 1, "card_number": "4242424242424242"},
        headers=w.headers(),
    )
    assert missing_key.status_code == 422


async def test_the_pin_and_withdrawals(wallet: Wallet) -> None:
    w = wallet
    await w.settled((await w.top_up(20_000, sandbox_bank.APPROVED, key()))["reference"])

    async def withdraw(amount: int, account: str, pin: str) -> httpx.Response:
        body = {"amount_fen": amount, "account_number": account, "pin": pin}
        return await w.client.post("/api/me/wallet/withdrawals", json=body, headers=w.headers(key()))

    no_pin = await withdraw(1_000, "6222000011112222333", "135790")
    assert no_pin.status_code == 409 and no_pin.json()["code"] == "pin_not_set"
    # Setting the first PIN needs the account password; weak PINs are refused.
    wrong = await w.client.put(
        "/api/me/wallet/pin", json={"pin": "135790", "password": "nope"}, headers=w.headers()
    )
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_password"
    weak = await w.client.put(
        "/api/me/wallet/pin", json={"pin": "123456", "password": PASSWORD}, headers=w.headers()
    )
    assert weak.status_code == 422 and weak.json()["code"] == "weak_pin"
    await w.set_pin("135790")
    assert (await w.get())["pin_set"] is True

    paid = await withdraw(5_000, "6222000011112222333", "135790")
    assert paid.status_code == 202, paid.text
    assert (await w.get())["balance_fen"] == 15_000  # debited at once
    assert (await w.settled(paid.json()["reference"]))["state"] == "succeeded"
    too_much = await withdraw(15_001, "6222000011112222333", "135790")
    assert too_much.status_code == 409 and too_much.json()["code"] == "insufficient_balance"
    # A payout the bank fails comes back to the wallet.
    closed = await withdraw(4_000, "6222000011110002", "135790")
    assert closed.status_code == 202, closed.text
    # Debited at once like the payout above, but the bank's failure callback is asynchronous and may
    # already have returned the money by the time we look, so only the settled state is checked.
    returned = await w.settled(closed.json()["reference"])
    assert (returned["state"], returned["failure_code"]) == ("failed", "account_closed")
    assert (await w.get())["balance_fen"] == 15_000

    # Five wrong tries lock the PIN, even all at once; the right PIN then fails too.
    first = await withdraw(100, "6222000011112222333", "000001")
    assert first.status_code == 403 and first.json()["tries_left"] == 4
    rest = await asyncio.gather(*(withdraw(100, "6222000011112222333", "000001") for _ in range(6)))
    assert sorted(r.json()["code"] for r in rest).count("pin_locked") >= 3
    locked = await withdraw(100, "6222000011112222333", "135790")
    assert locked.status_code == 423 and (await w.get())["pin_locked"] is True
    # Changing it with the old PIN is locked out as well; the account password resets it.
    change = await w.client.put(
        "/api/me/wallet/pin", json={"pin": "246813", "current_pin": "135790"}, headers=w.headers()
    )
    assert change.status_code == 423
    await w.set_pin("246813")
    assert (await w.get())["pin_locked"] is False
    assert (await withdraw(100, "6222000011112222333", "246813")).status_code == 202
    assert (await w.get())["balance_fen"] == 14_900


async def test_callbacks_and_callers_are_checked(wallet: Wallet) -> None:
    w = wallet
    started = await w.top_up(1_000, sandbox_bank.APPROVED, key())
    await w.settled(started["reference"])
    event = {
        "id": "evt_forged",
        "type": "charge.succeeded",
        "data": {"reference": started["reference"], "amount_fen": 1_000, "status": "succeeded"},
    }
    body = json.dumps(event).encode()
    async with httpx.AsyncClient(base_url=w.url) as anyone:
        forged = await anyone.post(
            "/api/funding/sandbox/callback",
            content=body,
            headers={"sandbox-signature": signature.sign("guess", body)},
        )
        assert forged.status_code == 400 and forged.json()["code"] == "bad_callback"
        # Even correctly signed, a second decision for a settled transfer changes nothing.
        again = await anyone.post(
            "/api/funding/sandbox/callback",
            content=body,
            headers={"sandbox-signature": signature.sign(w.bank.webhook_secret, body)},
        )
        assert again.status_code == 200 and again.json()["applied"] is False
        # Another amount for the same reference is refused.
        event["data"]["amount_fen"] = 100_000  # type: ignore[index]
        bigger = json.dumps(event).encode()
        refused = await anyone.post(
            "/api/funding/sandbox/callback",
            content=bigger,
            headers={"sandbox-signature": signature.sign(w.bank.webhook_secret, bigger)},
        )
        assert refused.status_code == 400
        assert (await anyone.get("/api/me/wallet")).status_code == 401
    assert (await w.get())["balance_fen"] == 1_000

    # Writes need the CSRF token; a mini program's frame (cross-site) is refused; others see their own.
    no_csrf = await w.client.post(
        "/api/me/wallet/topups",
        json={"amount_fen": 1, "card_number": sandbox_bank.APPROVED},
        headers={"Idempotency-Key": key()},
    )
    assert no_csrf.status_code == 403 and no_csrf.json()["code"] == "csrf_failed"
    cross = await w.client.get("/api/me/wallet", headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 403 and cross.json()["code"] == "host_only"
    other, _ = await signed_in(w.url, "other@example.com")
    try:
        assert (await other.get("/api/me/wallet")).json()["balance_fen"] == 0
        theirs = await other.get(f"/api/me/wallet/transfers/{started['reference']}")
        assert theirs.status_code == 404
    finally:
        await other.aclose()
