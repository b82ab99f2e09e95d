"""The sandbox bank: a card processor and bank on loopback, a process of its own, for `make demo` and
the tests. It behaves like the real thing a platform talks to: requests authenticated with an API key,
idempotent on the caller's reference, decided asynchronously and confirmed by a signed callback that is
retried until answered 2xx (so duplicates happen). Its state lives in memory: it stands for a system
outside this machine, not for part of the platform.

Test cards (any expiry and CVC; the number decides):

| card number          | what happens                                                    |
|----------------------|-----------------------------------------------------------------|
| 4242 4242 4242 4242  | approved                                                        |
| 4000 0000 0000 0002  | declined (`card_declined`)                                      |
| 4000 0000 0000 9995  | declined (`insufficient_funds`)                                 |
| 4000 0000 0000 0259  | approved; the callback is delivered three times                 |
| 4000 0000 0000 7726  | approved, but the answer to the request comes too late (timeout) |
| 4000 0000 0000 3337  | approved, but the first request is lost on the way (it times out |
|                      | and the bank never hears of it); the same reference again works |
| any other Luhn-valid | approved                                                        |
| not Luhn-valid       | refused at once (`invalid_card`, HTTP 400)                      |

Payouts go to a bank account number (10 to 30 digits); one ending in 0002 fails (`account_closed`),
any other is paid.

Run it: ``python -m hutong.server.funding.sandbox_bank --port 8700`` with ``SANDBOX_BANK_API_KEY`` and
``SANDBOX_BANK_WEBHOOK_SECRET`` in the environment.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from hutong import sidecar
from hutong.server.funding import signature
from hutong.server.tls import client_context

APPROVED = "4242424242424242"
DECLINED = "4000000000000002"
INSUFFICIENT_FUNDS = "4000000000009995"
DUPLICATE_CALLBACKS = "4000000000000259"
SLOW = "4000000000007726"
LOST_ONCE = "4000000000003337"
CLOSED_ACCOUNT_SUFFIX = "0002"
MAX_AMOUNT_FEN = 5_000_000  # 50,000 yuan per transfer
# After a failed delivery the bank tries again after these many seconds (then gives up).
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0, 16.0)


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


@dataclass
class Transfer:
    kind: str  # charge | payout
    id: str
    reference: str
    amount_fen: int
    party: str  # card or account number
    callback_url: str
    status: str = "pending"
    failure_code: str = ""
    event_id: str = field(default_factory=lambda: "evt_" + secrets.token_hex(12))

    def same_request(self, amount_fen: int, party: str, callback_url: str) -> bool:
        return (self.amount_fen, self.party, self.callback_url) == (amount_fen, party, callback_url)

    def public(self) -> dict[str, Any]:
        return {
            "object": self.kind,
            "id": self.id,
            "reference": self.reference,
            "amount_fen": self.amount_fen,
            "status": self.status,
            "failure_code": self.failure_code,
        }


class Bank:
    def __init__(self, api_key: str, webhook_secret: str, decide_after: float, slow_seconds: float) -> None:
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.decide_after = decide_after
        self.slow_seconds = slow_seconds
        self.transfers: dict[tuple[str, str], Transfer] = {}
        self.deliveries: list[dict[str, Any]] = []  # every callback attempt, for the operator's eyes
        self.tasks: set[asyncio.Task[None]] = set()
        self.lost: set[str] = set()  # references whose first request was "lost" (LOST_ONCE)

    def authorized(self, request: Request) -> bool:
        supplied = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return secrets.compare_digest(supplied.encode(), self.api_key.encode())

    async def create(self, request: Request) -> Response:
        kind = "charge" if request.url.path.endswith("/charges") else "payout"
        if not self.authorized(request):
            return _error(401, "unauthorized", "missing or wrong API key")
        try:
            body = json.loads(await request.body())
            reference = str(body["reference"])
            amount = body["amount_fen"]
            callback_url = str(body["callback_url"])
            party = str(body["card_number" if kind == "charge" else "account_number"]).replace(" ", "")
        except (ValueError, KeyError, TypeError):
            return _error(
                400, "invalid_request", "reference, amount_fen, callback_url and the card or account"
            )
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_AMOUNT_FEN:
            return _error(400, "invalid_amount", f"amount_fen must be an integer from 1 to {MAX_AMOUNT_FEN}")
        if not 1 <= len(reference) <= 64 or not callback_url.startswith(("http://", "https://")):
            return _error(400, "invalid_request", "reference (1-64 characters) and an http(s) callback_url")
        if kind == "charge" and not luhn_valid(party):
            return _error(400, "invalid_card", "the card number is not valid")
        if kind == "payout" and not (party.isdigit() and 10 <= len(party) <= 30):
            return _error(400, "invalid_account", "the account number is 10 to 30 digits")
        if kind == "charge" and party == LOST_ONCE and reference not in self.lost:
            # As a request dropped on the network: the caller waits in vain and nothing is recorded.
            self.lost.add(reference)
            await asyncio.sleep(self.slow_seconds)
            return _error(504, "lost", "this request never reached the bank")
        existing = self.transfers.get((kind, reference))
        if existing is not None:
            if not existing.same_request(amount, party, callback_url):
                return _error(409, "idempotency_mismatch", "this reference was used for another request")
            return JSONResponse(existing.public())
        prefix = "ch_" if kind == "charge" else "po_"
        transfer = Transfer(kind, prefix + secrets.token_hex(12), reference, amount, party, callback_url)
        self.transfers[(kind, reference)] = transfer
        task = asyncio.create_task(self._decide(transfer))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        if kind == "charge" and party == SLOW:
            await asyncio.sleep(self.slow_seconds)
        return JSONResponse(transfer.public(), status_code=202)

    async def lookup(self, request: Request) -> Response:
        if not self.authorized(request):
            return _error(401, "unauthorized", "missing or wrong API key")
        kind = "charge" if request.url.path.startswith("/v1/charges/") else "payout"
        transfer = self.transfers.get((kind, request.path_params["reference"]))
        if transfer is None:
            return _error(404, "not_found", "no such transfer")
        return JSONResponse(transfer.public())

    async def log(self, request: Request) -> Response:
        if not self.authorized(request):
            return _error(401, "unauthorized", "missing or wrong API key")
        return JSONResponse(self.deliveries)

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def _decide(self, transfer: Transfer) -> None:
        await asyncio.sleep(self.decide_after)
        if transfer.kind == "charge":
            code = {DECLINED: "card_declined", INSUFFICIENT_FUNDS: "insufficient_funds"}.get(
                transfer.party, ""
            )
        else:
            code = "account_closed" if transfer.party.endswith(CLOSED_ACCOUNT_SUFFIX) else ""
        transfer.failure_code = code
        transfer.status = "failed" if code else ("succeeded" if transfer.kind == "charge" else "paid")
        event = {
            "id": transfer.event_id,
            "type": f"{transfer.kind}.{transfer.status}",
            "created": int(time.time()),
            "data": transfer.public(),
        }
        body = json.dumps(event).encode()
        copies = 3 if transfer.party == DUPLICATE_CALLBACKS else 1
        async with httpx.AsyncClient(timeout=5.0, verify=client_context()) as client:
            for _ in range(copies):
                await self._deliver(client, transfer.callback_url, body)

    async def _deliver(self, client: httpx.AsyncClient, url: str, body: bytes) -> None:
        for delay in (0.0, *RETRY_DELAYS):
            await asyncio.sleep(delay)
            headers = {
                "content-type": "application/json",
                "sandbox-signature": signature.sign(self.webhook_secret, body),
            }
            try:
                answer = await client.post(url, content=body, headers=headers)
                status: int | str = answer.status_code
            except httpx.HTTPError as error:
                status = type(error).__name__
            self.deliveries.append({"url": url, "event": json.loads(body)["id"], "status": status})
            if isinstance(status, int) and 200 <= status < 300:
                return


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def create_bank_app(
    api_key: str, webhook_secret: str, decide_after: float = 0.2, slow_seconds: float = 10.0
) -> Starlette:
    bank = Bank(api_key, webhook_secret, decide_after, slow_seconds)
    routes = [
        Route("/health", bank.health),
        Route("/v1/charges", bank.create, methods=["POST"]),
        Route("/v1/payouts", bank.create, methods=["POST"]),
        Route("/v1/charges/{reference}", bank.lookup),
        Route("/v1/payouts/{reference}", bank.lookup),
        Route("/v1/deliveries", bank.log),
    ]
    app = Starlette(routes=routes)
    app.state.bank = bank
    return app


@dataclass
class RunningBank:
    url: str
    api_key: str
    webhook_secret: str
    process: subprocess.Popen[bytes]


@contextmanager
def run_bank(port: int, decide_after: float = 0.2, slow_seconds: float = 10.0) -> Iterator[RunningBank]:
    """Start the sandbox bank as its own process on 127.0.0.1:``port`` with fresh keys; stop it after."""
    api_key, secret = "sk_sandbox_" + secrets.token_hex(16), "whsec_" + secrets.token_hex(16)
    env = {**os.environ, "SANDBOX_BANK_API_KEY": api_key, "SANDBOX_BANK_WEBHOOK_SECRET": secret}
    command = [sys.executable, "-m", "hutong.server.funding.sandbox_bank", "--port", str(port)]
    command += ["--decide-after", str(decide_after), "--slow-seconds", str(slow_seconds)]
    url = f"http://127.0.0.1:{port}"
    with sidecar.serving(command, url, "the sandbox bank", env) as process:
        yield RunningBank(url, api_key, secret, process)


def main() -> None:
    parser = argparse.ArgumentParser(description="The sandbox bank (a card processor on loopback).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--decide-after", type=float, default=0.2, help="seconds before a decision")
    parser.add_argument("--slow-seconds", type=float, default=10.0, help="how late the slow card answers")
    args = parser.parse_args()
    api_key = os.environ.get("SANDBOX_BANK_API_KEY")
    secret = os.environ.get("SANDBOX_BANK_WEBHOOK_SECRET")
    if not api_key or not secret:
        parser.error("set SANDBOX_BANK_API_KEY and SANDBOX_BANK_WEBHOOK_SECRET")
    app = create_bank_app(api_key, secret, args.decide_after, args.slow_seconds)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
