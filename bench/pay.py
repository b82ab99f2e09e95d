"""Payments on one server process: JSAPI orders created per second through the WeChat Pay v3 API and
wallet payments completed per second through the payment sheet's calls, at a given concurrency, each
with p50 and p99 latency, beside a bare endpoint (GET /api/health) measured the same way in this run.

    .venv/bin/python bench/pay.py [--orders 200] [--concurrency 8] [--database-url URL]

The platform runs in this process on loopback (SQLite in a temporary folder unless a database URL is
given), with rate limits raised out of the way and no outbox worker (the notifications the payments
enqueue are not sent: they go to a shop that does not exist, and bench/notify.py measures delivery).

- Orders: ``POST /v3/pay/transactions/jsapi`` as a merchant's server sends it. Every request is signed
  (SHA256withRSA) before the clock starts, so the figure is the platform's work: the signature check,
  the nonce replay check, the order written, the answer signed.
- Payments: what the host's sheet does for each wx.requestPayment, ``POST /api/me/wallet/payments/
  preview`` (the paySign checked, what the sheet shows) then ``POST /api/me/wallet/payments`` with the
  PIN (the PIN checked with Argon2id, by design slow, then the money moved in the ledger and the
  notification enqueued in one transaction). One user per concurrent payer, each with its own wallet.

Failed calls are counted, printed with their status and code, and left out of the rates. On SQLite
every payment is three write transactions (the PIN's try counter, its reset, the payment); with
concurrent payers on a busy machine one can wait past SQLite's 5 s busy timeout and fail (500, the
log says "database is locked"). PostgreSQL (--database-url postgresql+asyncpg://…) is the database
for concurrent payers.

Ratios against the bare endpoint, not absolute figures, compare across machines; quote them with the
load average printed."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from hutong.server import ledger
from hutong.server.accounts import service as accounts
from hutong.server.apps import service as apps
from hutong.server.db import Database
from hutong.server.db.migrate import upgrade_async
from hutong.server.embedded import embedded_server
from hutong.server.payments import merchants
from hutong.server.sealing import Keyring
from hutong.server.wechatpay import crypto
from hutong.settings import Settings

PASSWORD = "long enough"
PIN = "135790"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Failed(Exception):
    """A call the platform refused or failed (counted, not timed)."""


async def timed(jobs: list[list[Callable[[], Awaitable[None]]]]) -> tuple[float, list[float], list[str]]:
    """Run each list of calls in its own worker; answer successful calls per second, each successful
    call's latency (ms) and the failures."""
    latencies: list[float] = []
    failures: list[str] = []

    async def worker(calls: list[Callable[[], Awaitable[None]]]) -> None:
        for call in calls:
            started = time.perf_counter()
            try:
                await call()
            except Failed as failure:
                failures.append(str(failure))
                continue
            except httpx.TransportError as error:
                failures.append(type(error).__name__)
                continue
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker(calls) for calls in jobs))
    return len(latencies) / (time.perf_counter() - started), latencies, failures


# Shorter than the server's keep-alive (5 s), so a connection the server may have closed is never reused.
LIMITS = httpx.Limits(keepalive_expiry=2.0)


def check(answer: httpx.Response) -> None:
    if answer.status_code != 200:
        raise Failed(f"{answer.status_code} {answer.json().get('code', answer.text[:60])}")


def spread(
    calls: list[Callable[[], Awaitable[None]]], workers: int
) -> list[list[Callable[[], Awaitable[None]]]]:
    return [calls[index::workers] for index in range(workers)]


async def prepare(settings: Settings) -> dict[str, str]:
    database = Database(settings.effective_database_url, keyring=Keyring.from_settings(settings))
    async with database.session() as session:
        owner = await accounts.sign_up(session, "bench-shop@example.com", PASSWORD)
        org = await accounts.create_organization(session, owner, "Bench tea")
        app, secret = await apps.register_app(session, owner, org.id, name="Bench tea")
        merchant = await merchants.create(session, org.id, "Bench Tea House")
        issued = merchants.generate_key(merchant)
        merchants.set_apiv3_key(session, merchant, None)
        await merchants.bind_app(session, merchant, app.appid)
        found = {
            "appid": app.appid,
            "secret": secret,
            "mchid": merchant.mchid,
            "serial_no": issued.serial_no,
            "private_key": issued.private_key_pem,
        }
    await database.dispose()
    return found


async def fund(settings: Settings, email: str, fen: int) -> None:
    from sqlalchemy import select

    from hutong.server.accounts.models import User

    database = Database(settings.effective_database_url)
    async with database.session() as session:
        user_id = await session.scalar(select(User.id).where(User.email == email))
        await ledger.post(
            session,
            f"bench-topup:{email}",
            "bench top-up",
            [("funding_clearing:sandbox", -fen), (f"user_wallet:{user_id}", fen)],
        )
    await database.dispose()


class Payer:
    """A signed-in user with a wallet, a PIN and an openid in the shop's app."""

    def __init__(self, client: httpx.AsyncClient, csrf: str, openid: str) -> None:
        self.client, self.csrf, self.openid = client, csrf, openid


async def new_payer(base: str, shop: dict[str, str], index: int, settings: Settings) -> Payer:
    client = httpx.AsyncClient(base_url=base, timeout=60, limits=LIMITS)
    email = f"bench-payer-{index}@example.com"
    signup = await client.post("/api/accounts/signup", json={"email": email, "password": PASSWORD})
    csrf = signup.json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    code = (await client.post("/api/identity/login", json={"appid": shop["appid"]}, headers=headers)).json()[
        "code"
    ]
    params = {
        "appid": shop["appid"],
        "secret": shop["secret"],
        "js_code": code,
        "grant_type": "authorization_code",
    }
    openid = (await client.get("/sns/jscode2session", params=params)).json()["openid"]
    pin = await client.put("/api/me/wallet/pin", json={"pin": PIN, "password": PASSWORD}, headers=headers)
    assert pin.status_code == 204, pin.text
    await fund(settings, email, 10**8)
    return Payer(client, csrf, openid)


def signed_order(shop: dict[str, str], number: int, openid: str) -> tuple[str, dict[str, str]]:
    body = json.dumps(
        {
            "appid": shop["appid"],
            "mchid": shop["mchid"],
            "description": "珍珠奶茶 Pearl milk tea",
            "out_trade_no": f"BENCH{number:010d}",
            "notify_url": "https://shop.example.com/pay/notify",
            "amount": {"total": 1500, "currency": "CNY"},
            "payer": {"openid": openid},
        }
    )
    key = crypto.load_rsa_private_key(shop["private_key"])
    stamp, nonce = str(int(time.time())), crypto.new_nonce()
    path = "/v3/pay/transactions/jsapi"
    signature = crypto.rsa_sign(key, crypto.request_message("POST", path, stamp, nonce, body))
    authorization = (
        f'WECHATPAY2-SHA256-RSA2048 mchid="{shop["mchid"]}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{stamp}",serial_no="{shop["serial_no"]}"'
    )
    return body, {
        "Authorization": authorization,
        "Content-Type": "application/json",
        "Accept": "application/json",
    }


def pay_params(shop: dict[str, str], prepay_id: str) -> dict[str, str]:
    key = crypto.load_rsa_private_key(shop["private_key"])
    package, stamp, nonce = f"prepay_id={prepay_id}", str(int(time.time())), crypto.new_nonce()
    return {
        "appid": shop["appid"],
        "timeStamp": stamp,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": crypto.rsa_sign(key, crypto.pay_sign_message(shop["appid"], stamp, nonce, package)),
    }


def line(name: str, rate: float, unit: str, latencies: list[float], baseline: float | None) -> str:
    ratio = f"   ({rate / baseline:.2f} of the bare endpoint)" if baseline else ""
    return (
        f"  {name:16} {rate:7.1f} {unit:11} p50 {statistics.median(latencies):7.1f} ms"
        f"   p99 {percentile(latencies, 99):7.1f} ms{ratio}"
    )


async def run(orders: int, concurrency: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            data_dir=Path(scratch),
            database_url=database_url,
            rate_limit_per_minute=10**9,
            auth_rate_limit_per_minute=10**9,
            identity_codes_per_minute=10**9,
            server_api_per_minute=10**9,
            payments_api_per_minute=10**9,
            outbox_worker=False,
        )
        await upgrade_async(settings.effective_database_url)
        shop = await prepare(settings)
        async with (
            embedded_server(settings) as base,
            httpx.AsyncClient(base_url=base, timeout=60, limits=LIMITS) as client,
        ):
            payers = [await new_payer(base, shop, index, settings) for index in range(concurrency)]

            async def bare() -> None:
                assert (await client.get("/api/health")).status_code == 200

            baseline, bare_ms, _ = await timed(spread([bare] * orders, concurrency))

            # Orders, signed beforehand; worker n makes the orders of payer n.
            prepay: dict[int, str] = {}

            def order_call(number: int) -> Callable[[], Awaitable[None]]:
                body, headers = signed_order(shop, number, payers[number % concurrency].openid)

                async def call() -> None:
                    answer = await client.post("/v3/pay/transactions/jsapi", content=body, headers=headers)
                    check(answer)
                    prepay[number] = answer.json()["prepay_id"]

                return call

            made, order_ms, order_failures = await timed(
                spread([order_call(n) for n in range(orders)], concurrency)
            )

            # Payments, each payer paying its own orders one after another (as one person does).
            def pay_call(number: int) -> Callable[[], Awaitable[None]]:
                payer = payers[number % concurrency]
                params = pay_params(shop, prepay[number])
                headers = {"X-CSRF-Token": payer.csrf}

                async def call() -> None:
                    shown = await payer.client.post(
                        "/api/me/wallet/payments/preview", json=params, headers=headers
                    )
                    check(shown)
                    paid = await payer.client.post(
                        "/api/me/wallet/payments", json={**params, "pin": PIN}, headers=headers
                    )
                    check(paid)

                return call

            by_payer = [
                [pay_call(n) for n in sorted(prepay) if n % concurrency == w] for w in range(concurrency)
            ]
            paid, pay_ms, pay_failures = await timed(by_payer)
            for payer in payers:
                await payer.client.aclose()
    kind = settings.effective_database_url.split(":")[0]
    print(f"{orders} orders and payments, concurrency {concurrency} ({kind}), load {os.getloadavg()[0]:.2f}:")
    print(line("bare endpoint", baseline, "requests/s", bare_ms, None))
    print(line("orders created", made, "orders/s", order_ms, baseline))
    print(line("payments done", paid, "payments/s", pay_ms, baseline))
    for name, failures in (("orders", order_failures), ("payments", pay_failures)):
        if failures:
            counts = {reason: failures.count(reason) for reason in sorted(set(failures))}
            print(f"  {name} failed: {len(failures)} ({counts})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    if args.orders > 25 * args.concurrency:
        # A user may call the sheet's endpoints 60 times a minute (preview and pay are two).
        parser.error("at most 25 orders per concurrent payer")
    asyncio.run(run(args.orders, args.concurrency, args.database_url))


if __name__ == "__main__":
    main()
