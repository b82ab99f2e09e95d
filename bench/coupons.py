"""Coupon claims per second on one server process, beside a bare endpoint measured the same way.

    .venv/bin/python bench/coupons.py [--claims 400] [--concurrency 8] [--postgres]

The platform runs in this process on loopback (SQLite in a temporary folder, or with --postgres a
fresh database on the local server named by HUTONG_TEST_POSTGRES, dropped afterwards), rate limits
raised out of the way. A claim is the merchant server's signed
``POST /v3/marketing/favor/users/{openid}/coupons`` (one stock, a distinct user per claim, so every
claim issues a coupon: the budget's conditional UPDATE, the per-user count, the coupon row, the event
and the callback job). The bare endpoint is ``GET /api/health`` through the same client at the same
concurrency; the ratio of the two is the figure to compare across changes (claims also sign every
request with RSA on the client side, as a real merchant server does).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.apps import service as apps
from hutong.server.coupons import issuing
from hutong.server.db import Database
from hutong.server.db.migrate import upgrade_async
from hutong.server.embedded import embedded_server
from hutong.server.identity import service as identity
from hutong.server.payments import merchants
from hutong.server.payments.ids import now, rfc3339
from hutong.server.sealing import Keyring
from hutong.server.wechatpay import crypto
from hutong.settings import Settings

POSTGRES_ADMIN = os.environ.get("HUTONG_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def stock_body(mchid: str, claims: int) -> dict[str, Any]:
    begin = now() - timedelta(minutes=1)
    return {
        "stock_name": "bench",
        "belong_merchant": mchid,
        "goods_name": "bench",
        "stock_type": "NORMAL",
        "coupon_use_rule": {
            "coupon_available_time": {
                "available_begin_time": rfc3339(begin),
                "available_end_time": rfc3339(begin + timedelta(days=30)),
            },
            "fixed_normal_coupon": {"discount_amount": 100, "transaction_minimum": 0},
        },
        "stock_send_rule": {"max_coupons": claims, "max_coupons_per_user": 1},
        "out_request_no": "bench-stock",
        "coupon_code_mode": "WECHATPAY_MODE",
    }


async def prepare(settings: Settings, claims: int) -> dict[str, Any]:
    # The keyring seals the app's launch key and the merchant's secrets, as the platform does.
    database = Database(settings.effective_database_url, Keyring.from_settings(settings))
    async with database.session() as session:
        owner = await accounts.sign_up(session, "bench-dev@example.com", "long enough")
        org = await accounts.create_organization(session, owner, "Bench")
        app, _secret = await apps.register_app(session, owner, org.id, name="Bench")
        merchant = await merchants.create(session, org.id, "Bench Shop")
        key = merchants.generate_key(merchant)
        await merchants.bind_app(session, merchant, app.appid)
        stock = await issuing.create_stock(
            session, merchant, "busifavor", stock_body(merchant.mchid, claims), state="running"
        )
        users = [User(email=f"bench{n}@example.com", password_hash="x") for n in range(claims)]
        session.add_all(users)
        await session.flush()
        openids = [await identity.openid_for(session, app, user.id) for user in users]
        found = {
            "appid": app.appid,
            "mchid": merchant.mchid,
            "serial": key.serial_no,
            "key": key.private_key_pem,
            "stock_id": stock.stock_id,
            "openids": openids,
        }
    await database.dispose()
    return found


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def measure(count: int, concurrency: int, call: Any) -> tuple[float, list[float]]:
    times: list[float] = []
    queue = iter(range(count))

    async def worker() -> None:
        for n in queue:
            started = time.perf_counter()
            await call(n)
            times.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return count / (time.perf_counter() - started), times


async def run(claims: int, concurrency: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            data_dir=Path(scratch),
            database_url=database_url,
            rate_limit_per_minute=10**9,
            payments_api_per_minute=10**9,
            outbox_worker=False,
        )
        await upgrade_async(settings.effective_database_url)
        shop = await prepare(settings, claims)
        private = crypto.load_rsa_private_key(shop["key"])
        async with embedded_server(settings) as base, httpx.AsyncClient(base_url=base, timeout=60) as client:

            async def health(_: int) -> None:
                assert (await client.get("/api/health")).status_code == 200

            async def claim(n: int) -> None:
                target = f"/v3/marketing/favor/users/{shop['openids'][n]}/coupons"
                body = json.dumps(
                    {"stock_id": shop["stock_id"], "out_request_no": f"B{n:06d}", "appid": shop["appid"],
                     "stock_creator_mchid": shop["mchid"]}
                )  # fmt: skip
                timestamp, nonce = str(int(time.time())), crypto.new_nonce()
                signature = crypto.rsa_sign(
                    private, crypto.request_message("POST", target, timestamp, nonce, body)
                )
                authorization = (
                    f'WECHATPAY2-SHA256-RSA2048 mchid="{shop["mchid"]}",nonce_str="{nonce}",'
                    f'signature="{signature}",timestamp="{timestamp}",serial_no="{shop["serial"]}"'
                )
                answer = await client.post(
                    target,
                    content=body,
                    headers={"Authorization": authorization, "Content-Type": "application/json"},
                )
                assert answer.status_code == 200, answer.text

            bare_rate, bare = await measure(claims, concurrency, health)
            claim_rate, claimed = await measure(claims, concurrency, claim)
    kind = "PostgreSQL" if database_url else "SQLite"
    print(f"{kind}, concurrency {concurrency}, {claims} of each:")
    for name, rate, values in (
        ("GET /api/health", bare_rate, bare),
        ("claim (favor send)", claim_rate, claimed),
    ):
        print(
            f"  {name:20} {rate:7.0f}/s   median {statistics.median(values):6.1f} ms"
            f"   p99 {percentile(values, 99):6.1f} ms"
        )
    print(f"  claims run at {claim_rate / bare_rate:.2f}× the bare endpoint's rate")


async def scratch_postgres() -> tuple[str, str]:
    name = f"hutong_bench_{secrets.token_hex(4)}"
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return name, f"{base}/{name}"


async def drop_postgres(name: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def main_async(claims: int, concurrency: int, postgres: bool) -> None:
    if not postgres:
        await run(claims, concurrency, None)
        return
    name, url = await scratch_postgres()
    try:
        await run(claims, concurrency, url)
    finally:
        await drop_postgres(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    asyncio.run(main_async(args.claims, args.concurrency, args.postgres))


if __name__ == "__main__":
    main()
