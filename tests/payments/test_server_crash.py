"""The real server (`hutong serve`, its own OS process) SIGKILLed in the middle of payments and in the
middle of a notification round, on SQLite and PostgreSQL.

Round 1: the user pays several orders at once through the wallet payment API (session cookie, CSRF
token and PIN, as the host's sheet does) and the server is killed as soon as the first answer arrives,
with the other requests still in flight. Round 2: a restarted server's outbox worker sends the payment
notifications to a merchant endpoint on a real loopback server, which applies the first one and holds
its answer; the server is killed while it holds. Round 3: a restarted server sends that notification
again. Then every order is either SUCCESS with its ledger journal or NOTPAY with none, the wallet and
the merchant's pending account moved by exactly the paid totals, the ledger verifies, and the merchant,
dropping duplicates by transaction_id as a merchant must, applied each payment once.

The killed worker's lease on the held notification lasts the handler's timeout plus
``LEASE_GRACE_SECONDS`` (40 s); no setting shortens it, so while the server is down the test moves that
lease's end 41 s back, which is what waiting 41 s would do to the claim's ``lease_until < now`` test."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, update

from hutong.server import ledger
from hutong.server.db import Database
from hutong.server.embedded import free_port
from hutong.server.ledger.models import LedgerTransaction
from hutong.server.outbox.models import DONE, RUNNING, OutboxAttempt, OutboxJob
from hutong.server.outbox.registry import LEASE_GRACE_SECONDS
from hutong.server.payments import notify
from hutong.server.payments.models import Order
from hutong.server.wechatpay import crypto
from tests.payments.receiver import receiver
from tests.payments.test_money import LOOPBACK, _balance, _fund, _user_id
from tests.payments.world import APIV3_KEY, jsapi_body, pay_world
from tests.serve_process import ServerProcess, start_server, warm_up
from tests.wallet.test_checkout import PASSWORD, PIN

ORDERS = 4  # under the PIN's 5 tries: each payment in flight holds one of them
TOTAL = 1_000
FUNDED = 20_000
HOLD_SECONDS = 3.0  # the merchant's held answer: under the 5 s the platform waits for it


@contextlib.asynccontextmanager
async def server(
    data_dir: Path, database_url: str, *, worker: bool
) -> AsyncIterator[tuple[str, ServerProcess]]:
    """`hutong serve` on the test's data dir (its master key) and database, limits lifted; yields its
    address and process, and SIGKILLs it on the way out if the test has not already."""
    port = free_port()
    env = {
        **os.environ,
        "HUTONG_DATA_DIR": str(data_dir),
        "HUTONG_DATABASE_URL": database_url,
        "HUTONG_EGRESS_ALLOW_NETWORKS": LOOPBACK,
        "HUTONG_OUTBOX_WORKER": "1" if worker else "0",
        "HUTONG_OUTBOX_POLL_SECONDS": "0.2",
        "HUTONG_RATE_LIMIT_PER_MINUTE": "100000",
        "HUTONG_AUTH_RATE_LIMIT_PER_MINUTE": "100000",
        "HUTONG_PAYMENTS_API_PER_MINUTE": "100000",
        "HUTONG_WALLET_TRANSFERS_PER_MINUTE": "100000",
    }
    env.pop("HUTONG_REDIS_URL", None)
    # Forked from a process that has the platform imported: a start is the server's own start-up,
    # not seconds of imports each time (this test starts three servers).
    process = await start_server(env, port)
    url = f"http://127.0.0.1:{port}"
    try:
        # The fork server's first start imports the platform: seconds, far more on a loaded machine.
        deadline = time.monotonic() + 120
        async with httpx.AsyncClient() as client:
            while True:
                assert process.returncode is None, "the server died at start"
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{url}/api/health")).status_code == 200:
                        break
                assert time.monotonic() < deadline, "the server did not start"
                await asyncio.sleep(0.05)
        yield url, process
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGKILL)
        await process.wait()


async def kill(process: ServerProcess) -> None:
    process.send_signal(signal.SIGKILL)
    assert await process.wait() == -signal.SIGKILL


class Merchant:
    """The merchant's notify endpoint: decrypts each notification, applies a transaction_id once, and
    (when ``hold`` is set) holds its first answer after applying it, as a slow merchant would."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: list[str] = []  # transaction_id of every notification that arrived
        self.applied: dict[str, int] = {}  # transaction_id → total, each once
        self.hold = False
        self.holding = threading.Event()
        self.held: str | None = None

    def __call__(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        resource = json.loads(body)["resource"]
        plain = crypto.aes_gcm_decrypt(
            APIV3_KEY.encode(), resource["nonce"], resource["ciphertext"], resource["associated_data"]
        )
        paid = json.loads(plain)
        transaction_id = str(paid["transaction_id"])
        with self.lock:
            self.arrivals.append(transaction_id)
            if transaction_id not in self.applied:  # a duplicate is answered, never applied again
                self.applied[transaction_id] = int(paid["amount"]["total"])
            hold = self.hold and self.held is None
            if hold:
                self.held = transaction_id
        if hold:
            self.holding.set()
            time.sleep(HOLD_SECONDS)
        return 204, b""


async def _lease_time_passes(db: Database) -> int:
    """What the lease's whole length of waiting would do: every running job's lease ends in the past."""
    shift = timedelta(seconds=notify.ANSWER_SECONDS + 5 + LEASE_GRACE_SECONDS + 1)
    async with db.session() as session:
        running = (await session.scalars(select(OutboxJob).where(OutboxJob.state == RUNNING))).all()
        for job in running:
            assert job.lease_until is not None
            await session.execute(
                update(OutboxJob).where(OutboxJob.id == job.id).values(lease_until=job.lease_until - shift)
            )
        await session.commit()
    return len(running)


async def _until(condition: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_server_killed_mid_payment_and_mid_notification(tmp_path: Path, database_url: str) -> None:
    warm_up()  # the servers' process imports the platform while the world is set up
    merchant = Merchant()
    with receiver(merchant) as endpoint:
        async with pay_world(tmp_path, database_url, egress_allow_networks=LOOPBACK) as pw:
            db: Database = pw.w.app.state.database
            user_id = await _user_id(db)
            wallet, pending = f"user_wallet:{user_id}", f"merchant_pending:{pw.merchant.mchid}"
            await _fund(db, user_id, FUNDED)
            csrf = {"X-CSRF-Token": pw.w.csrf}
            pinned = await pw.w.client.put(
                "/api/me/wallet/pin", json={"pin": PIN, "password": PASSWORD}, headers=csrf
            )
            assert pinned.status_code == 204, pinned.text
            numbers = [f"T2026120600{n:04d}" for n in range(ORDERS)]
            prepays = []
            for number in numbers:
                body = jsapi_body(pw, number, TOTAL, notify_url=endpoint.url)
                made = await pw.merchant.call("POST", "/v3/pay/transactions/jsapi", body)
                assert made.status_code == 200, made.text
                prepays.append(made.json()["prepay_id"])
            key = crypto.load_rsa_private_key(pw.merchant.private_key_pem)

            def payment(prepay_id: str) -> dict[str, str]:
                stamp, nonce, package = str(int(time.time())), crypto.new_nonce(), f"prepay_id={prepay_id}"
                sign = crypto.rsa_sign(key, crypto.pay_sign_message(pw.w.a1.appid, stamp, nonce, package))
                return {
                    "appid": pw.w.a1.appid,
                    "timeStamp": stamp,
                    "nonceStr": nonce,
                    "package": package,
                    "signType": "RSA",
                    "paySign": sign,
                    "pin": PIN,
                }

            # Round 1: all the payments at once; the server dies at the first answer.
            async with (
                server(tmp_path, database_url, worker=False) as (url, process),
                httpx.AsyncClient(base_url=url, timeout=60) as user,
            ):
                signin = await user.post(
                    "/api/accounts/signin", json={"email": "user@example.com", "password": PASSWORD}
                )
                assert signin.status_code == 200, signin.text
                token = (await user.get("/api/accounts/session")).json()["user"]["csrf_token"]
                answered: list[httpx.Response] = []

                async def pay(prepay_id: str) -> None:
                    with contextlib.suppress(httpx.TransportError):  # the server died under it
                        paid = await user.post(
                            "/api/me/wallet/payments",
                            json=payment(prepay_id),
                            headers={"X-CSRF-Token": token},
                        )
                        answered.append(paid)
                        if process.returncode is None:
                            process.send_signal(signal.SIGKILL)  # at the first answer, at once

                await asyncio.gather(*(pay(prepay_id) for prepay_id in prepays))
                assert await process.wait() == -signal.SIGKILL
            # Some requests never got their answer: they were in flight when the server died.
            answers = [paid.status_code for paid in answered]
            assert answers and answers[0] == 200 and len(answers) < ORDERS, [paid.text for paid in answered]

            # Every order is all or nothing.
            async with db.session() as session:
                orders = (await session.scalars(select(Order).where(Order.out_trade_no.in_(numbers)))).all()
                journals = set(
                    (
                        await session.scalars(
                            select(LedgerTransaction.journal_key).where(
                                LedgerTransaction.journal_key.in_(
                                    [f"payment:{o.transaction_id}" for o in orders]
                                )
                            )
                        )
                    ).all()
                )
            assert len(orders) == ORDERS
            paid_ids = {o.transaction_id for o in orders if o.trade_state == "SUCCESS"}
            assert {o.trade_state for o in orders} <= {"SUCCESS", "NOTPAY"}
            assert journals == {f"payment:{t}" for t in paid_ids}
            assert answers.count(200) <= len(paid_ids) <= ORDERS
            assert await _balance(db, wallet) == FUNDED - TOTAL * len(paid_ids)
            assert await _balance(db, pending) == TOTAL * len(paid_ids)
            assert merchant.arrivals == []  # no worker ran yet

            # Round 2: a restarted server notifies; the merchant holds its first answer and it dies.
            merchant.hold = True
            async with server(tmp_path, database_url, worker=True) as (url, process):
                assert await asyncio.to_thread(merchant.holding.wait, 60), "no notification arrived"
                await kill(process)
            held = merchant.held
            assert held in paid_ids
            assert await _lease_time_passes(db) >= 1  # the held notification's job, never finished

            # Round 3: the restarted server sends the held one again (and any not yet sent).
            merchant.hold = False
            async with server(tmp_path, database_url, worker=True) as (url, process):
                await _until(
                    lambda: set(merchant.applied) == paid_ids and merchant.arrivals.count(held or "") >= 2,
                    30,
                    "the notifications were not all delivered after the restart",
                )
                async with db.session() as session:

                    async def settled() -> bool:
                        states = (
                            await session.scalars(
                                select(OutboxJob.state).where(OutboxJob.topic == notify.TOPIC)
                            )
                        ).all()
                        await session.rollback()
                        return len(states) == len(paid_ids) and set(states) == {DONE}

                    deadline = time.monotonic() + 15
                    while not await settled():
                        assert time.monotonic() < deadline, "the notification jobs did not finish"
                        await asyncio.sleep(0.1)
                    lost = await session.scalar(
                        select(OutboxAttempt.id).where(OutboxAttempt.outcome == "lost")
                    )
                    assert lost is not None  # the killed try is in the attempt log
                await kill(process)

            # The merchant applied each payment once; the money balances.
            assert merchant.applied == {t: TOTAL for t in paid_ids}
            assert await _balance(db, wallet) == FUNDED - TOTAL * len(paid_ids)
            assert await _balance(db, pending) == TOTAL * len(paid_ids)
            async with db.session() as session:
                assert await ledger.verify(session) == []
