"""schemathesis (from PyPI, unchanged) fuzzes the platform's OpenAPI against a live server, once with an API
token and once with a signed-in browser session (cookie and CSRF token), with the rate limits lifted for
the run: no answer may be a server error or contradict the schema.

It runs on SQLite and on PostgreSQL, each of which has shown failures the other cannot: SQLite hands
timestamps back without a UTC offset (answers that contradicted the schema, 5f79c23) and overflows past
64-bit integers; PostgreSQL enforces column lengths and 32-bit integer columns (an id past one answered
500, found by this test's PostgreSQL run, 5b53d79). What a second database checks is how inputs land in it,
so both runs fuzz every operation. The run is bounded (the examples and fuzzing phases, a fixed seed per
run, no example database, no shrinking) so that it is reproducible and takes well under a minute per run:
on SQLite the API token with two examples per operation and the session with one, on PostgreSQL the API
token with two. Each run has a seed of its own, so the runs try different inputs (with
``--generation-deterministic`` they were the same ones): five inputs per write and four per read in all.
The token runs keep two each: the PostgreSQL 500 of 5b53d79 was an input only the seeds of 0181155 tried,
and fewer inputs would find less. The session run covers the writes only (175 of 287 operations): what the
second credential adds in front of an operation is the cookie's lookup and, on a write, the CSRF check; a
read under the cookie runs the same lookup the writes run and then the handler the token runs fuzz (the two
reads that answer a session's CSRF token, /api/accounts/me and /api/accounts/session, answer through their
response models and are read with sessions across the suite, e.g. tests/platform/test_journey.py,
tests/chats/people.py). That cut 112 of the 1,342 cases and about 4.5 of the file's 61 CPU-seconds (56.3
after, at load 7-8; of the 61, schemathesis's generation and checks took 31, the server's answers 14, the
rest starting things). The examples phase finds no examples in the schema today (287 skipped, under a
second) and stays, for the examples a schema gains. The runs share hypothesis's storage folder, where it
keeps the character tables it otherwise rebuilds at each start (seconds of CPU). The figures are printed
(pytest -s shows them)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from hutong.server.accounts.auth import SAFE_METHODS
from hutong.settings import Settings
from tests.conftest import DATABASES, migrate, scratch_database, serve
from tests.funding.bank import bank_process

UNLIMITED = 1_000_000
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
# What the fuzzer must not do to the session it runs with: sign it out, delete its account, or revoke
# the token it runs with (those are tested elsewhere); everything else is fuzzed.
EXCLUDE = r"^/api/(accounts/signout|me/account|tokens/\{token_id\})$"


def run(
    url: str,
    report: Path,
    headers: dict[str, str],
    *,
    examples: int,
    seed: int,
    storage: Path,
    reads: bool = True,
) -> dict[str, Any]:
    command = [
        str(Path(sys.executable).with_name("st")),
        "run",
        f"{url}/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(examples),
        "--phases",
        "examples,fuzzing",
        "--seed",
        str(seed),
        "--generation-database",
        "none",
        "--no-shrink",
        "--exclude-path-regex",
        EXCLUDE,
        "--request-timeout",
        "30",
        "--no-color",
        "--warnings",
        "off",
    ]
    if not reads:
        for method in sorted(SAFE_METHODS):  # the ones the CSRF check lets through
            command += ["--exclude-method", method]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    # Run in the test's own folder: schemathesis keeps a cache folder where it runs.
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=report.parent,
        env={**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": str(storage)},
    )
    output = done.stdout + done.stderr
    tested = re.search(r"Tested: (\d+)", output)
    generated = re.search(r"(\d+) generated", output)
    figures = {
        "operations": int(tested.group(1)) if tested else 0,
        "cases": int(generated.group(1)) if generated else 0,
        "failures": len(re.findall(r"^\d+\. Test Case ID", output, re.M)),
    }
    print(f"schemathesis ({report.stem}): {figures}")
    return {"code": done.returncode, "output": output, "figures": figures}


@pytest.mark.timeout(900)
@pytest.mark.parametrize("backend", DATABASES)
async def test_the_api_survives_schemathesis(tmp_path: Path, backend: str, hypothesis_storage: Path) -> None:
    # Every rate limit lifted (a new one included), and the wallet's funding provider the tests' own
    # sandbox bank, so that top-ups and withdrawals answer rather than 503 funding_unavailable.
    limits: dict[str, object] = {
        name: UNLIMITED for name in Settings.model_fields if name.endswith(("_per_minute", "_per_hour"))
    }
    with bank_process() as bank:
        limits.update(
            funding_sandbox_url=bank.url,
            funding_sandbox_api_key=bank.api_key,
            funding_sandbox_webhook_secret=bank.webhook_secret,
        )
        with scratch_database(backend, tmp_path) as url:
            await _fuzz(
                tmp_path, limits | {"database_url": url}, hypothesis_storage, sqlite=backend == "sqlite"
            )


@pytest.fixture(scope="module")
def hypothesis_storage(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """hypothesis's storage folder, shared by the module's runs (its character tables)."""
    return tmp_path_factory.mktemp("hypothesis")


async def _fuzz(tmp_path: Path, limits: dict[str, object], storage: Path, *, sqlite: bool) -> None:
    settings = Settings(data_dir=tmp_path / "data").model_copy(update=limits)
    settings.data_dir.mkdir()
    await migrate(settings.effective_database_url)
    async with serve(settings) as server:
        async with httpx.AsyncClient(base_url=server.url) as client:
            signup = await client.post(
                "/api/accounts/signup", json={"email": "fuzz@example.com", "password": "long enough"}
            )
            assert signup.status_code == 201, signup.text
            csrf = signup.json()["csrf_token"]
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            org = (
                await client.post("/api/orgs", json={"name": "Fuzz"}, headers={"X-CSRF-Token": csrf})
            ).json()
            await client.post(
                f"/api/orgs/{org['id']}/apps", json={"name": "Fuzz"}, headers={"X-CSRF-Token": csrf}
            )
            client.cookies.clear()
            token = await client.post(
                "/api/tokens", json={"email": "fuzz@example.com", "password": "long enough"}
            )
            assert token.status_code == 201, token.text
            # The server builds its OpenAPI document on the first request for it and keeps it; built
            # here, so that schemathesis's load of it (which gives up after 10 s) is not the one that
            # waits for it on a busy machine (it did: "Schema Loading Error", both databases).
            schema = await client.get("/openapi.json", timeout=120)
            assert schema.status_code == 200 and schema.json()["paths"], schema.text[:200]
        bearer_headers = {"Authorization": f"Bearer {token.json()['token']}"}
        bearer = tmp_path / "bearer.ndjson"
        results = [
            run(server.url, bearer, bearer_headers, examples=2, seed=1 if sqlite else 3, storage=storage)
        ]
        if sqlite:
            session_headers = {"Cookie": cookie, "X-CSRF-Token": csrf}
            session = tmp_path / "session.ndjson"
            results.append(
                run(server.url, session, session_headers, examples=1, seed=2, storage=storage, reads=False)
            )
    for result in results:
        assert result["code"] == 0, result["output"][-6000:]
        assert result["figures"]["operations"] > 100 and result["figures"]["cases"] > 150
