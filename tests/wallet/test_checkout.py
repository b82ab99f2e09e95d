"""wx.requestPayment's platform side over HTTP, on SQLite and PostgreSQL: a merchant's order made
through the v3 API, the host's preview and payment with the PIN, and every way to pay what is not
yours: another user's prepay, another app's, a forged or replayed paySign, API v2 signTypes, a paid
order, a short balance, and 20 concurrent payments of one order."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hutong.server import outbox
from hutong.server.accounts.models import User
from hutong.server.db import Database
from hutong.server.funding import checks, sandbox_bank, signature
from hutong.server.funding.sandbox_bank import RunningBank
from hutong.server.payments.models import Order
from hutong.server.wallet.models import WalletPayment
from hutong.server.wechatpay import crypto
from tests.payments.world import PayWorld, jsapi_body, pay_world

PIN = "135790"
PASSWORD = "long enough"


@dataclass
class Shop:
    pw: PayWorld
    bank: RunningBank

    @property
    def client(self) -> httpx.AsyncClient:
        return self.pw.w.client

    @property
    def csrf(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.pw.w.csrf}

    async def top_up(self, amount_fen: int) -> None:
        """A top-up the bank approves; its callback is signed here as the bank signs it (the bank
        cannot reach an in-process platform)."""
        started = await self.client.post(
            "/api/me/wallet/topups",
            json={"amount_fen": amount_fen, "card_number": sandbox_bank.APPROVED},
            headers={**self.csrf, "Idempotency-Key": secrets.token_hex(8)},
        )
        assert started.status_code == 202, started.text
        reference = started.json()["reference"]
        event = {
            "id": "evt_" + reference,
            "type": "charge.succeeded",
            "data": {"reference": reference, "amount_fen": amount_fen, "status": "succeeded"},
        }
        body = json.dumps(event).encode()
        answer = await self.client.post(
            "/api/funding/sandbox/callback",
            content=body,
            headers={"sandbox-signature": signature.sign(self.bank.webhook_secret, body)},
        )
        assert answer.status_code == 200 and answer.json()["applied"], answer.text

    async def order(self, total: int = 1880, appid: str | None = None) -> dict[str, str]:
        """An order made by the merchant's server, and the parameters it gives wx.requestPayment."""
        body = jsapi_body(self.pw, out_trade_no="T" + secrets.token_hex(8), total=total)
        made = await self.pw.merchant.call("POST", "/v3/pay/transactions/jsapi", body)
        assert made.status_code == 200, made.text
        return self.params(made.json()["prepay_id"], appid or self.pw.w.a1.appid)

    def params(self, prepay_id: str, appid: str, key_pem: str | None = None) -> dict[str, str]:
        key = crypto.load_rsa_private_key(key_pem or self.pw.merchant.private_key_pem)
        stamp, nonce, package = str(int(time.time())), crypto.new_nonce(), f"prepay_id={prepay_id}"
        pay_sign = crypto.rsa_sign(key, crypto.pay_sign_message(appid, stamp, nonce, package))
        return {
            "timeStamp": stamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": pay_sign,
        }

    async def preview(
        self,
        params: dict[str, str],
        appid: str | None = None,
        client: httpx.AsyncClient | None = None,
        csrf: str | None = None,
    ) -> httpx.Response:
        body = {"appid": appid or self.pw.w.a1.appid, **params}
        return await (client or self.client).post(
            "/api/me/wallet/payments/preview", json=body, headers={"X-CSRF-Token": csrf or self.pw.w.csrf}
        )

    async def pay(self, params: dict[str, str], pin: str = PIN, appid: str | None = None) -> httpx.Response:
        body = {"appid": appid or self.pw.w.a1.appid, **params, "pin": pin}
        return await self.client.post("/api/me/wallet/payments", json=body, headers=self.csrf)

    async def balance(self) -> int:
        return int((await self.client.get("/api/me/wallet")).json()["balance_fen"])


@pytest.fixture
async def shop(tmp_path: Path, database_url: str, bank: RunningBank) -> AsyncIterator[Shop]:
    async with open_shop(tmp_path, database_url, bank) as opened:
        yield opened


@asynccontextmanager
async def open_shop(
    tmp_path: Path, database_url: str, bank: RunningBank, **extra: Any
) -> AsyncIterator[Shop]:
    overrides: dict[str, Any] = {
        "funding_sandbox_url": bank.url,
        "funding_sandbox_api_key": bank.api_key,
        "funding_sandbox_webhook_secret": bank.webhook_secret,
        "public_url": "http://127.0.0.1:9",  # the bank's own callbacks go nowhere; the test signs them
        "wallet_transfers_per_minute": 100,
        **extra,
    }
    async with pay_world(tmp_path, database_url, **overrides) as pw:
        shop = Shop(pw, bank)
        pinned = await shop.client.put(
            "/api/me/wallet/pin", json={"pin": PIN, "password": PASSWORD}, headers=shop.csrf
        )
        assert pinned.status_code == 204, pinned.text
        yield shop


async def test_a_user_pays_an_order_with_the_pin(shop: Shop) -> None:
    await shop.top_up(5_000)
    params = await shop.order(1_880)
    preview = await shop.preview(params)
    assert preview.status_code == 200, preview.text
    assert preview.json() == {
        "merchant_name": "Tea Shop",
        "app_name": "A one",
        "description": "珍珠奶茶 x1",
        "amount_fen": 1_880,
        "balance_fen": 5_000,
        "pin_set": True,
        "pin_locked": False,
        "coupons": [],  # no coupons domain registered: the sheet draws no coupon line
        "coupon_id": None,
    }
    wrong = await shop.pay(params, pin="000001")
    assert wrong.status_code == 403 and wrong.json()["code"] == "wrong_pin"
    assert await shop.balance() == 5_000
    paid = await shop.pay(params)
    assert paid.status_code == 200, paid.text
    assert paid.json() == {"paid": True, "balance_fen": 3_120}
    # The merchant's query says SUCCESS; paying again is refused and charges nothing.
    again = await shop.pay(params)
    assert again.status_code == 409 and again.json()["code"] == "order_paid"
    assert await shop.balance() == 3_120
    history = (await shop.client.get("/api/me/wallet/history")).json()
    assert history[0]["kind"] == "payment" and history[0]["amount_fen"] == -1_880
    assert history[0]["detail"] == "A one · Tea Shop" and history[0]["appid"] == shop.pw.w.a1.appid


async def test_nobody_pays_what_is_not_theirs(shop: Shop) -> None:
    w = shop.pw.w
    await shop.top_up(5_000)
    params = await shop.order(1_000)

    async def refused(answer: httpx.Response, code: str) -> None:
        assert answer.status_code in (400, 403, 404, 409), answer.text
        assert answer.json()["code"] == code, answer.text

    # Another mini program (even of the same organization) cannot pay this app's prepay, whether it
    # replays the paySign as it is or has one made over its own appid.
    await refused(await shop.preview(params, appid=w.a2.appid), "prepay_not_this_app")
    prepay_id = params["package"].removeprefix("prepay_id=")
    await refused(
        await shop.preview(shop.params(prepay_id, w.a2.appid), appid=w.a2.appid), "prepay_not_this_app"
    )
    # A paySign made over another appid, or by another key, or altered, does not verify.
    await refused(await shop.preview(shop.params(prepay_id, w.a2.appid)), "invalid_pay_sign")
    other_key = crypto.private_pem(crypto.new_rsa_key())
    await refused(await shop.preview(shop.params(prepay_id, w.a1.appid, other_key)), "invalid_pay_sign")
    # (One character changed: a random nonce may already end in "x", one run in ~36 had passed it as is.)
    altered = params["nonceStr"][:-1] + ("y" if params["nonceStr"].endswith("x") else "x")
    await refused(await shop.preview({**params, "nonceStr": altered}), "invalid_pay_sign")
    # API v2 sign types, malformed fields, unknown prepays.
    await refused(await shop.preview({**params, "signType": "MD5"}), "unsupported_sign_type")
    await refused(
        await shop.preview({**params, "timeStamp": params["timeStamp"] + "000"}), "invalid_timestamp"
    )
    await refused(await shop.preview({**params, "package": prepay_id}), "invalid_package")
    await refused(await shop.preview(shop.params("wx" + "0" * 30, w.a1.appid)), "prepay_not_found")

    # Another user replaying the same parameters is refused: the order is the first user's.
    other = httpx.AsyncClient(transport=w.client._transport, base_url="http://testserver")
    signup = await other.post("/api/accounts/signup", json={"email": "eve@example.com", "password": PASSWORD})
    csrf = signup.json()["csrf_token"]
    await refused(await shop.preview(params, client=other, csrf=csrf), "prepay_not_this_user")
    stolen = await other.post(
        "/api/me/wallet/payments",
        json={"appid": w.a1.appid, **params, "pin": PIN},
        headers={"X-CSRF-Token": csrf},
    )
    assert stolen.status_code == 403 and stolen.json()["code"] == "prepay_not_this_user"
    # Without the host's session and CSRF token nothing is even looked at; a frame is cross-site.
    no_csrf = await other.post("/api/me/wallet/payments/preview", json={"appid": w.a1.appid, **params})
    assert no_csrf.status_code == 403 and no_csrf.json()["code"] == "csrf_failed"
    framed = await shop.client.post(
        "/api/me/wallet/payments/preview",
        json={"appid": w.a1.appid, **params},
        headers={**shop.csrf, "Sec-Fetch-Site": "cross-site"},
    )
    assert framed.status_code == 403 and framed.json()["code"] == "host_only"
    await other.aclose()
    assert await shop.balance() == 5_000

    # A short balance is refused and nothing moves.
    big = await shop.order(6_000)
    short = await shop.pay(big)
    assert short.status_code == 409 and short.json()["code"] == "insufficient_balance"
    assert await shop.balance() == 5_000


async def test_concurrent_payments_of_one_order_charge_once(shop: Shop) -> None:
    await shop.top_up(10_000)
    params = await shop.order(700)
    answers = await asyncio.gather(*(shop.pay(params) for _ in range(20)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) == 1, [a.text for a in answers if a.status_code != 409]
    # Every loser is told why: the order is paid (whichever guard stopped it, the order's state or the
    # wallet's unique prepay_id), or the PIN's tries are all in flight; never another error.
    assert {a.json()["code"] for a in answers if a.status_code != 200} <= {"order_paid", "pin_locked"}
    assert await shop.balance() == 9_300


async def test_a_conflict_no_payment_caused_is_not_called_paid(shop: Shop) -> None:
    """Checkout answers order_paid only for an order that is paid. A wallet record already there for
    this unpaid order (a conflict no payment caused: what a failed analytics write inside the
    payment's transaction looked like, tests/analytics/test_partitions.py) fails as the fault it is,
    and no money moves."""
    await shop.top_up(10_000)
    params = await shop.order(700)
    prepay_id = params["package"].removeprefix("prepay_id=")
    database: Database = shop.pw.w.app.state.database
    async with database.session() as session:
        user_id = await session.scalar(select(User.id).where(User.email == "user@example.com"))
        session.add(
            WalletPayment(
                user_id=user_id,
                prepay_id=prepay_id,
                appid=shop.pw.w.a1.appid,
                app_name="",
                mchid=shop.pw.merchant.mchid,
                merchant_name="",
                description="",
                amount_fen=700,
                journal_key="payment:stray",
            )
        )
    with pytest.raises(IntegrityError):  # the server's 500, raised through the in-process transport
        await shop.pay(params)
    async with database.session() as session:
        state = await session.scalar(select(Order.trade_state).where(Order.prepay_id == prepay_id))
    assert state == "NOTPAY"
    assert await shop.balance() == 10_000


async def test_a_lost_callback_is_found_by_asking(shop: Shop) -> None:
    """The bank's callbacks cannot reach this platform: the transfer's outbox job asks the bank."""
    started = await shop.client.post(
        "/api/me/wallet/topups",
        json={"amount_fen": 4_200, "card_number": sandbox_bank.APPROVED},
        headers={**shop.csrf, "Idempotency-Key": secrets.token_hex(8)},
    )
    reference = started.json()["reference"]
    app = shop.pw.w.app
    database: Database = app.state.database
    async with database.session() as session:
        job = await outbox.job_by_key(session, checks.TOPIC, reference)
        assert job is not None and job.state == "pending"
    await asyncio.sleep(0.3)  # the bank has decided by now
    assert await shop.balance() == 0
    try_ = outbox.Job(
        job.id, job.topic, job.key, job.payload, 1, job.created_at, database, app.state.settings
    )
    outcome = await checks.check(try_)
    assert (outcome.kind, outcome.body) == ("done", "succeeded")
    assert await shop.balance() == 4_200
    # Asked again (a second worker, a retry): nothing more.
    assert (await checks.check(try_)).kind == "done"
    assert await shop.balance() == 4_200
