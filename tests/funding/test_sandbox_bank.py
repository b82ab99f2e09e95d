"""The sandbox bank, a process of its own on loopback, through the platform's FundingProvider client:
approvals, declines, insufficient funds, a request that times out yet is confirmed later, duplicate
and retried callbacks, idempotent references, and callbacks that are forged, tampered with or stale."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import Iterator

import httpx
import pytest

from hutong.server.funding import sandbox_bank, signature
from hutong.server.funding.provider import BadCallback, FundingProvider, FundingRejected
from hutong.server.funding.sandbox import SandboxBank
from hutong.server.funding.sandbox_bank import RunningBank
from tests.funding.bank import CLIENT_TIMEOUT, Receiver, bank_process, receiver, wait_for


@pytest.fixture(scope="module")
def bank() -> Iterator[RunningBank]:
    with bank_process() as running:
        yield running


@pytest.fixture
def inbox() -> Iterator[Receiver]:
    with receiver() as state:
        yield state


def client(bank: RunningBank) -> SandboxBank:
    return SandboxBank(bank.url, bank.api_key, bank.webhook_secret, timeout=CLIENT_TIMEOUT)


def ref() -> str:
    return "top_" + secrets.token_hex(8)


async def callbacks(inbox: Receiver, count: int) -> list[tuple[dict[str, str], bytes]]:
    return await asyncio.to_thread(wait_for, inbox, count)


async def test_an_approved_charge_is_confirmed_by_a_signed_callback(
    bank: RunningBank, inbox: Receiver
) -> None:
    provider: FundingProvider = client(bank)
    reference = ref()
    submitted = await provider.charge(reference, 1234, sandbox_bank.APPROVED, inbox.url)
    assert submitted.status == "pending" and submitted.provider_id.startswith("ch_")
    [(headers, body)] = await callbacks(inbox, 1)
    event = provider.verify_callback(headers, body)
    assert (event.kind, event.reference, event.outcome, event.amount_fen) == (
        "charge",
        reference,
        "succeeded",
        1234,
    )
    looked = await provider.lookup("charge", reference)
    assert looked is not None and looked.outcome == "succeeded"
    assert await provider.lookup("charge", "never-sent") is None


@pytest.mark.parametrize(
    ("card", "code"),
    [(sandbox_bank.DECLINED, "card_declined"), (sandbox_bank.INSUFFICIENT_FUNDS, "insufficient_funds")],
)
async def test_declines_arrive_as_failed_callbacks(
    bank: RunningBank, inbox: Receiver, card: str, code: str
) -> None:
    provider = client(bank)
    await provider.charge(ref(), 500, card, inbox.url)
    [(headers, body)] = await callbacks(inbox, 1)
    event = provider.verify_callback(headers, body)
    assert (event.outcome, event.failure_code) == ("failed", code)


async def test_an_invalid_card_or_amount_is_refused_at_once(bank: RunningBank, inbox: Receiver) -> None:
    provider = client(bank)
    with pytest.raises(FundingRejected) as bad_card:
        await provider.charge(ref(), 500, "4242424242424241", inbox.url)
    assert bad_card.value.code == "invalid_card"
    with pytest.raises(FundingRejected) as bad_amount:
        await provider.charge(ref(), 0, sandbox_bank.APPROVED, inbox.url)
    assert bad_amount.value.code == "invalid_amount"
    wrong_key = SandboxBank(bank.url, "sk_wrong", bank.webhook_secret)
    with pytest.raises(FundingRejected) as unauthorized:
        await wrong_key.charge(ref(), 500, sandbox_bank.APPROVED, inbox.url)
    assert unauthorized.value.code == "unauthorized"


async def test_the_same_reference_is_the_same_charge(bank: RunningBank, inbox: Receiver) -> None:
    provider = client(bank)
    reference = ref()
    first = await provider.charge(reference, 700, sandbox_bank.APPROVED, inbox.url)
    again = await provider.charge(reference, 700, sandbox_bank.APPROVED, inbox.url)
    assert again.provider_id == first.provider_id
    with pytest.raises(FundingRejected) as mismatch:
        await provider.charge(reference, 701, sandbox_bank.APPROVED, inbox.url)
    assert mismatch.value.code == "idempotency_mismatch"
    await callbacks(inbox, 1)
    await asyncio.sleep(0.3)
    assert len(inbox.received) == 1  # one charge, one callback


async def test_a_timed_out_request_is_unknown_then_confirmed(bank: RunningBank, inbox: Receiver) -> None:
    provider = client(bank)
    reference = ref()
    started = time.monotonic()
    submitted = await provider.charge(reference, 900, sandbox_bank.SLOW, inbox.url)
    assert submitted.status == "unknown" and time.monotonic() - started < 1.5
    [(headers, body)] = await callbacks(inbox, 1)
    assert provider.verify_callback(headers, body).outcome == "succeeded"
    # Asking again with the same reference finds the charge the bank made; it makes no second one.
    await asyncio.sleep(2.0)
    looked = await provider.lookup("charge", reference)
    assert looked is not None and looked.outcome == "succeeded" and looked.amount_fen == 900


async def test_callbacks_come_in_duplicate_and_are_retried_until_answered(
    bank: RunningBank, inbox: Receiver
) -> None:
    provider = client(bank)
    await provider.charge(ref(), 300, sandbox_bank.DUPLICATE_CALLBACKS, inbox.url)
    events = [provider.verify_callback(h, b) for h, b in await callbacks(inbox, 3)]
    assert len({e.event_id for e in events}) == 1 and all(e.outcome == "succeeded" for e in events)

    inbox.received.clear()
    inbox.fail_first = 2
    await provider.charge(ref(), 300, sandbox_bank.APPROVED, inbox.url)
    got = await callbacks(inbox, 3)  # two answered 500, the third 200
    assert len({body for _, body in got}) == 1


async def test_payouts_to_an_account(bank: RunningBank, inbox: Receiver) -> None:
    provider = client(bank)
    await provider.payout(ref(), 5000, "6222000011112222333", inbox.url)
    await provider.payout(ref(), 5000, "6222000011110002", inbox.url)
    events = sorted(
        (provider.verify_callback(h, b) for h, b in await callbacks(inbox, 2)), key=lambda e: e.outcome
    )
    assert [(e.kind, e.outcome, e.failure_code) for e in events] == [
        ("payout", "failed", "account_closed"),
        ("payout", "succeeded", ""),
    ]
    with pytest.raises(FundingRejected):
        await provider.payout(ref(), 5000, "12", inbox.url)


async def test_forged_tampered_and_stale_callbacks_are_refused(bank: RunningBank, inbox: Receiver) -> None:
    provider = client(bank)
    await provider.charge(ref(), 100, sandbox_bank.APPROVED, inbox.url)
    [(headers, body)] = await callbacks(inbox, 1)
    tampered = json.loads(body)
    tampered["data"]["amount_fen"] = 100_000
    with pytest.raises(BadCallback):
        provider.verify_callback(headers, json.dumps(tampered).encode())
    with pytest.raises(BadCallback):
        provider.verify_callback({"sandbox-signature": signature.sign("whsec_guess", body)}, body)
    stale = signature.sign(bank.webhook_secret, body, int(time.time()) - 600)
    with pytest.raises(BadCallback):
        provider.verify_callback({"sandbox-signature": stale}, body)
    with pytest.raises(BadCallback):
        provider.verify_callback({}, body)


async def test_the_bank_is_its_own_process(bank: RunningBank) -> None:
    assert bank.process.poll() is None
    async with httpx.AsyncClient() as http:
        answer = await http.get(f"{bank.url}/v1/deliveries")
    assert answer.status_code == 401
