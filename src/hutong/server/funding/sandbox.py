"""The platform's client for the sandbox bank (sandbox_bank.py): a FundingProvider over HTTP."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from hutong.server.funding import signature
from hutong.server.funding.provider import (
    BadCallback,
    FundingEvent,
    FundingRejected,
    Kind,
    Outcome,
    Submission,
)
from hutong.server.tls import client_context

_OUTCOMES: dict[str, Outcome] = {"succeeded": "succeeded", "paid": "succeeded", "failed": "failed"}


def _event(event_id: str, kind: Kind, data: Mapping[str, Any]) -> FundingEvent:
    amount = data.get("amount_fen")
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise BadCallback("amount_fen is not an integer")
    return FundingEvent(
        event_id=event_id,
        kind=kind,
        reference=str(data["reference"]),
        outcome=_OUTCOMES.get(str(data.get("status")), "pending"),
        amount_fen=amount,
        failure_code=str(data.get("failure_code") or ""),
    )


class SandboxBank:
    """A FundingProvider for the sandbox bank at ``url``. ``timeout`` is how long a request may take
    before the transfer is left ``unknown`` (the bank may still act on it; a callback or a lookup
    settles it)."""

    name = "sandbox"

    def __init__(self, url: str, api_key: str, webhook_secret: str, timeout: float = 5.0) -> None:
        self.url = url.rstrip("/")
        self._headers = {"authorization": f"Bearer {api_key}"}
        self._secret = webhook_secret
        self._timeout = timeout

    async def _submit(self, path: str, body: dict[str, Any]) -> Submission:
        try:
            async with httpx.AsyncClient(timeout=self._timeout, verify=client_context()) as client:
                answer = await client.post(self.url + path, json=body, headers=self._headers)
        except httpx.TimeoutException:
            return Submission("unknown", "")
        except httpx.HTTPError as error:
            # Not connected at all: nothing reached the bank, so nothing will follow.
            raise FundingRejected("provider_unreachable", "the bank cannot be reached") from error
        if answer.status_code >= 500:
            return Submission("unknown", "")
        data = answer.json()
        if answer.status_code >= 400:
            problem = data.get("error", {})
            raise FundingRejected(str(problem.get("code", "rejected")), str(problem.get("message", "")))
        return Submission("pending", str(data["id"]))

    async def charge(self, reference: str, amount_fen: int, source: str, callback_url: str) -> Submission:
        body = {"reference": reference, "amount_fen": amount_fen, "card_number": source}
        return await self._submit("/v1/charges", {**body, "callback_url": callback_url})

    async def payout(
        self, reference: str, amount_fen: int, destination: str, callback_url: str
    ) -> Submission:
        body = {"reference": reference, "amount_fen": amount_fen, "account_number": destination}
        return await self._submit("/v1/payouts", {**body, "callback_url": callback_url})

    async def lookup(self, kind: Kind, reference: str) -> FundingEvent | None:
        path = f"/v1/{'charges' if kind == 'charge' else 'payouts'}/{reference}"
        async with httpx.AsyncClient(timeout=self._timeout, verify=client_context()) as client:
            answer = await client.get(self.url + path, headers=self._headers)
        if answer.status_code == 404:
            return None
        answer.raise_for_status()
        data = answer.json()
        return _event(f"lookup:{data['id']}:{data['status']}", kind, data)

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> FundingEvent:
        if not signature.verify(self._secret, headers.get(signature.HEADER, ""), body):
            raise BadCallback("the signature does not match or is stale")
        try:
            event = json.loads(body)
            kind, _ = str(event["type"]).split(".", 1)
            if kind not in ("charge", "payout"):
                raise BadCallback(f"unknown event type {event['type']}")
            return _event(str(event["id"]), "charge" if kind == "charge" else "payout", event["data"])
        except (ValueError, KeyError, TypeError) as error:
            raise BadCallback("the callback body is not an event") from error
