"""The login path on one server process: wx.login codes (the host's call) and code2session (the
developer server's), requests per second and latency percentiles.

    .venv/bin/python bench/login.py [--logins 500] [--concurrency 8] [--database-url URL]

The platform runs in this process on loopback (SQLite in a temporary folder unless a database URL is
given), with rate limits raised out of the way. Each login is two requests: POST /api/identity/login
with the user's session cookie and CSRF token, then GET /sns/jscode2session with the AppSecret.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from hutong.server.accounts import service as accounts
from hutong.server.apps import service as apps
from hutong.server.db import Database
from hutong.server.db.migrate import upgrade_async
from hutong.server.embedded import embedded_server
from hutong.settings import Settings


async def prepare(settings: Settings) -> tuple[str, str]:
    database = Database.of_settings(settings)
    async with database.session() as session:
        owner = await accounts.sign_up(session, "bench-dev@example.com", "long enough")
        org = await accounts.create_organization(session, owner, "Bench")
        app, secret = await apps.register_app(session, owner, org.id, name="Bench")
    await database.dispose()
    return app.appid, secret


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(logins: int, concurrency: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(
            data_dir=Path(scratch),
            database_url=database_url,
            rate_limit_per_minute=10**9,
            identity_codes_per_minute=10**9,
            server_api_per_minute=10**9,
        )
        await upgrade_async(settings.effective_database_url)
        appid, secret = await prepare(settings)
        async with embedded_server(settings) as base, httpx.AsyncClient(base_url=base) as client:
            signup = await client.post(
                "/api/accounts/signup", json={"email": "bench-user@example.com", "password": "long enough"}
            )
            csrf = {"X-CSRF-Token": signup.json()["csrf_token"]}
            issue: list[float] = []
            exchange: list[float] = []
            queue = iter(range(logins))

            async def worker() -> None:
                for _ in queue:
                    started = time.perf_counter()
                    code = (
                        await client.post("/api/identity/login", json={"appid": appid}, headers=csrf)
                    ).json()
                    middle = time.perf_counter()
                    params = {
                        "appid": appid,
                        "secret": secret,
                        "js_code": code["code"],
                        "grant_type": "authorization_code",
                    }
                    answer = (await client.get("/sns/jscode2session", params=params)).json()
                    assert "openid" in answer, answer
                    issue.append((middle - started) * 1000)
                    exchange.append((time.perf_counter() - middle) * 1000)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(concurrency)))
            elapsed = time.perf_counter() - started
    rate = logins / elapsed
    print(f"{logins} logins, concurrency {concurrency}: {rate:.0f} logins/s ({2 * rate:.0f} requests/s)")
    for name, values in (("code (host)", issue), ("code2session", exchange)):
        print(
            f"  {name:14} median {statistics.median(values):6.1f} ms   p90 {percentile(values, 90):6.1f} ms"
            f"   p99 {percentile(values, 99):6.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.logins, args.concurrency, args.database_url))


if __name__ == "__main__":
    main()
