"""What the platform needs from a funding provider (a card processor, a bank): charges that bring
money in, payouts that send it out, both confirmed later by a signed callback, both idempotent on the
platform's own reference. docs/payments.md ("Funding providers") explains how a real one plugs in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

Kind = Literal["charge", "payout"]
# pending: accepted, not yet decided; unknown: the provider did not answer in time (it may still act,
# so the transfer stays open until a callback or a lookup settles it).
Submitted = Literal["pending", "unknown"]
Outcome = Literal["succeeded", "failed", "pending"]


class FundingRejected(Exception):
    """The provider refused the request outright (bad card number, bad amount): nothing will follow."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class BadCallback(Exception):
    """A callback whose signature, timestamp or body does not check out: it is ignored."""


@dataclass(frozen=True)
class Submission:
    status: Submitted
    provider_id: str  # the provider's own id for the transfer; empty when it did not answer


@dataclass(frozen=True)
class FundingEvent:
    """One decision about one transfer, from a verified callback or a lookup."""

    event_id: str  # the same for every delivery of one event: duplicates are expected
    kind: Kind
    reference: str  # the platform's reference, given when the transfer was submitted
    outcome: Outcome
    amount_fen: int
    failure_code: str = ""


class FundingProvider(Protocol):
    """A source and destination of real money. Every call is idempotent on ``reference``: submitting
    the same reference again (after a timeout) returns the same transfer, never a second one."""

    name: str

    async def charge(self, reference: str, amount_fen: int, source: str, callback_url: str) -> Submission:
        """Take ``amount_fen`` from ``source`` (a card number for card processors)."""
        ...

    async def payout(
        self, reference: str, amount_fen: int, destination: str, callback_url: str
    ) -> Submission:
        """Send ``amount_fen`` to ``destination`` (a bank account number)."""
        ...

    async def lookup(self, kind: Kind, reference: str) -> FundingEvent | None:
        """Where the transfer stands now (for transfers whose callback has not come); None if the
        provider never received it."""
        ...

    def verify_callback(self, headers: Mapping[str, str], body: bytes) -> FundingEvent:
        """Check a callback's signature and freshness and read it; raises BadCallback."""
        ...
