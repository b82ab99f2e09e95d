"""Every mutating wallet and payment API without a WeChat natural key honours ``Idempotency-Key``, on
SQLite and PostgreSQL: the same key and body again replays the first answer (``Idempotent-Replayed``)
and changes nothing more; the same key with another body is 422 ``idempotency_key_reused``. One test
over the routes: each case makes its request and says what the first answer did to the money. The
cases share one shop per database (its world, merchant and PIN made once, not eight times): each has
keys, orders and amounts of its own and checks its own change to the balance, so none changes what
another sees."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from hutong.server.funding import sandbox_bank
from hutong.server.funding.sandbox_bank import RunningBank
from tests.conftest import DATABASES, migrate, scratch_database
from tests.payments.world import jsapi_body
from tests.wallet.test_checkout import PIN, Shop, open_shop


@pytest.fixture
async def shop(tmp_path: Path, database_url: str, bank: RunningBank) -> AsyncIterator[Shop]:
    async with open_shop(tmp_path, database_url, bank) as opened:
        yield opened


@pytest.fixture(scope="module", params=DATABASES)
async def shared_shop(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, bank: RunningBank
) -> AsyncIterator[Shop]:
    directory = tmp_path_factory.mktemp(f"idempotent-{request.param}")
    with scratch_database(request.param, directory) as url:
        await migrate(url)
        async with open_shop(directory, url, bank) as opened:
            yield opened


@dataclass
class Call:
    path: str
    body: dict[str, Any]
    other: dict[str, Any]  # another body: the key is refused with it
    headers: dict[str, str]
    status: int  # the first answer's
    balance_change: int = 0  # what the first answer did to the user's wallet; replays do nothing


async def _payment(shop: Shop) -> Call:
    await shop.top_up(5_000)
    params = await shop.order(1_880)
    body = {"appid": shop.pw.w.a1.appid, **params, "pin": PIN}
    return Call("/api/me/wallet/payments", body, {**body, "pin": "000001"}, shop.csrf, 200, -1_880)


async def _top_up(shop: Shop) -> Call:
    body = {"amount_fen": 700, "card_number": sandbox_bank.APPROVED}
    return Call("/api/me/wallet/topups", body, {**body, "amount_fen": 701}, shop.csrf, 202)


async def _withdrawal(shop: Shop) -> Call:
    await shop.top_up(5_000)
    body = {"amount_fen": 1_200, "account_number": "6222020200112233", "pin": PIN}
    return Call("/api/me/wallet/withdrawals", body, {**body, "amount_fen": 1_201}, shop.csrf, 202, -1_200)


async def _native(shop: Shop) -> Call:
    await shop.top_up(5_000)
    body = jsapi_body(shop.pw, "N" + secrets.token_hex(8), 1_280)
    del body["payer"]
    made = await shop.pw.merchant.call("POST", "/v3/pay/transactions/native", body)
    scanned = await shop.client.post(
        "/api/me/wallet/native", json={"code_url": made.json()["code_url"]}, headers=shop.csrf
    )
    path = f"/api/me/wallet/native/{scanned.json()['transaction_id']}/pay"
    return Call(path, {"pin": PIN}, {"pin": "000001"}, shop.csrf, 200, -1_280)


async def _counter(shop: Shop) -> Call:
    # No waiting counter payment: the refusal is the answer replayed (the key is decided before the PIN).
    return Call("/api/me/wallet/counter/4200000000X/confirm", {"pin": PIN}, {"pin": "1"}, shop.csrf, 404)


def _console(path: str, status: int) -> Callable[[Shop], Awaitable[Call]]:
    async def make(shop: Shop) -> Call:
        mchid = shop.pw.merchant.mchid
        headers = shop.pw.w.dev_a
        return Call(path.format(mchid=mchid), {}, {"again": True}, headers, status)

    return make


CASES: dict[str, Callable[[Shop], Awaitable[Call]]] = {
    "wallet-payment": _payment,
    "top-up": _top_up,
    "withdrawal": _withdrawal,
    "native-pay": _native,
    "counter-confirm": _counter,
    "notification-resend": _console("/api/merchants/{mchid}/notifications/nope/resend", 404),
    "refund-close": _console("/api/merchants/{mchid}/refunds/NOPE/close", 404),
    "refund-retry": _console("/api/merchants/{mchid}/refunds/NOPE/retry", 404),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_a_key_replays_the_first_answer_and_refuses_another_body(shared_shop: Shop, case: str) -> None:
    shop = shared_shop
    call = await CASES[case](shop)
    before = await shop.balance()
    key = {**call.headers, "Idempotency-Key": f"{case}-{secrets.token_hex(8)}"}
    first = await shop.client.post(call.path, json=call.body, headers=key)
    assert first.status_code == call.status, first.text
    assert "idempotent-replayed" not in first.headers
    assert first.headers.get("content-type", "").startswith("application/")
    for _ in range(2):  # a retried tap, twice
        again = await shop.client.post(call.path, json=call.body, headers=key)
        if case in ("top-up", "withdrawal"):  # the key names the bank transfer: the same one, as it stands
            assert again.json()["reference"] == first.json()["reference"]
        else:
            assert (again.status_code, again.json()) == (first.status_code, first.json())
            assert again.headers["idempotent-replayed"] == "true"
    reused = await shop.client.post(call.path, json=call.other, headers=key)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused", reused.text
    assert await shop.balance() == before + call.balance_change
    if call.status < 300 and case != "top-up":
        # Without the key, the same request again is its own request: refused by the money's own
        # guards (paid order, or a fresh debit for a withdrawal, which needs a key at all).
        bare = await shop.client.post(call.path, json=call.body, headers=call.headers)
        assert bare.status_code in (400, 409, 422), bare.text


async def test_merchant_withdrawal_replays_and_refuses(shop: Shop) -> None:
    mchid, dev = shop.pw.merchant.mchid, shop.pw.w.dev_a
    path = f"/api/merchants/{mchid}/withdrawals"
    body = {"amount_fen": 100, "account_number": "6222020200112233"}
    key = {**dev, "Idempotency-Key": "mch-withdraw-" + secrets.token_hex(6)}
    first = await shop.client.post(path, json=body, headers=key)
    assert first.status_code in (202, 409), first.text  # nothing available yet: a refusal, replayed
    again = await shop.client.post(path, json=body, headers=key)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    reused = await shop.client.post(path, json={**body, "amount_fen": 101}, headers=key)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    missing = await shop.client.post(path, json=body, headers=dev)
    assert missing.status_code == 400 and missing.json()["code"] == "idempotency_key_missing"
