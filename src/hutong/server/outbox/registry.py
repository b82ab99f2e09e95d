"""Handlers by topic: ``@handler(topic, schedule=…)`` registers ``async def deliver(job) -> Outcome``;
``@periodic(topic, every=…)`` registers one that the workers also enqueue once per period.

A worker claims only jobs whose topic has a handler in its process, so a process that does not import
a domain never takes that domain's jobs."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from hutong.server.outbox.schedules import DEFAULT_RETRY, Schedule

if TYPE_CHECKING:
    from hutong.server.db import Database
    from hutong.settings import Settings

# The modules that register handlers; `hutong outbox run` and the app's worker import them all. A
# domain that adds a topic adds its module here.
HANDLER_MODULES = (
    "hutong.server.support.push",
    "hutong.server.subscribe.webpush",
    "hutong.server.subscribe.events",
    "hutong.server.funding.checks",
    "hutong.server.payments.notify",
    "hutong.server.payments.refunds",
    "hutong.server.payments.reconcile",
    "hutong.server.payments.settlement",
    "hutong.server.housekeeping",
    "hutong.server.coupons.notify",
    "hutong.server.coupons.reminders",
    "hutong.server.coupons.expiry",
    "hutong.server.providers.events",
    "hutong.server.providers.deploy",
    "hutong.server.events.guard_push",
    "hutong.server.events.precompute",
)
# How long past its timeout a claimed job stays leased before another worker may take it again.
LEASE_GRACE_SECONDS = 30.0


@dataclass(frozen=True)
class Job:
    """One try of a job, as its handler sees it."""

    id: int
    topic: str
    key: str | None
    payload: dict[str, Any]
    attempt: int  # 1 on the first try
    created_at: datetime
    database: Database = field(repr=False)
    settings: Settings = field(repr=False)


@dataclass(frozen=True)
class Outcome:
    """What became of a try. ``status`` and ``body`` (the answer's first bytes) go into the attempt log."""

    kind: Literal["done", "retry", "dead"]
    status: int | None = None
    body: str = ""
    reason: str = ""
    # A retry no sooner than this many seconds (the receiver's Retry-After), even if the schedule says so.
    after: float | None = None

    @classmethod
    def done(cls, status: int | None = None, body: bytes | str = b"") -> Outcome:
        return cls("done", status, _text(body))

    @classmethod
    def retry(
        cls, status: int | None = None, body: bytes | str = b"", reason: str = "", after: float | None = None
    ) -> Outcome:
        """Try again at the schedule's next delay, or ``after`` seconds if later (dead when the schedule
        has no delay left)."""
        return cls("retry", status, _text(body), reason, after)

    @classmethod
    def dead(cls, reason: str, status: int | None = None, body: bytes | str = b"") -> Outcome:
        """Never try again."""
        return cls("dead", status, _text(body), reason)


RESPONSE_KEPT = 1024


def _text(body: bytes | str) -> str:
    raw = body.encode() if isinstance(body, str) else body
    return raw[:RESPONSE_KEPT].decode("utf-8", "replace")


Deliver = Callable[[Job], Awaitable[Outcome]]


@dataclass(frozen=True)
class Handler:
    topic: str
    deliver: Deliver
    schedule: Schedule
    timeout: float  # seconds a try may take; longer is a retry

    @property
    def lease_seconds(self) -> float:
        return self.timeout + LEASE_GRACE_SECONDS


_handlers: dict[str, Handler] = {}


def handler(
    topic: str, *, schedule: Schedule = DEFAULT_RETRY, timeout: float = 30.0
) -> Callable[[Deliver], Deliver]:
    """Register the decorated coroutine as the one handler of ``topic``."""

    def register(deliver: Deliver) -> Deliver:
        known = _handlers.get(topic)
        name = f"{deliver.__module__}.{deliver.__qualname__}"
        if known is not None and f"{known.deliver.__module__}.{known.deliver.__qualname__}" != name:
            raise ValueError(f"outbox topic {topic!r} already has a handler")
        _handlers[topic] = Handler(topic, deliver, schedule, timeout)
        return deliver

    return register


def handler_for(topic: str) -> Handler | None:
    return _handlers.get(topic)


def topics() -> list[str]:
    return sorted(_handlers)


def load_handlers(extra: tuple[str, ...] = ()) -> None:
    """Import every module that registers handlers (and ``extra`` ones, for tests and plugins)."""
    for module in (*HANDLER_MODULES, *extra):
        importlib.import_module(module)


@dataclass(frozen=True)
class Periodic:
    """A job enqueued once per period, keyed by the period's start, so however many processes run
    workers the period has one job (the outbox's ``(topic, key)`` is unique), retried like any other.
    Its payload is ``{"slot": <the period's start, ISO 8601>}``. A process that starts mid-period enqueues
    the current period only: a handler should catch up on whatever earlier periods left undone."""

    topic: str
    every: timedelta
    offset: timedelta  # from midnight UTC: every=1 day, offset=2 h runs daily at 02:00 UTC

    def slot(self, now: datetime) -> datetime:
        """The start of the period ``now`` falls in."""
        since = now - (_EPOCH + self.offset)
        return _EPOCH + self.offset + self.every * (since // self.every)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_periodics: dict[str, Periodic] = {}


def periodic(
    topic: str,
    *,
    every: timedelta,
    offset: timedelta = timedelta(0),
    schedule: Schedule = DEFAULT_RETRY,
    timeout: float = 300.0,
) -> Callable[[Deliver], Deliver]:
    """Register the decorated coroutine as ``topic``'s handler and have the workers enqueue it once
    every ``every`` (at ``offset`` past each period's start). It must be idempotent: a retry after a
    lost lease runs it again."""
    if every <= timedelta(0):
        raise ValueError("a periodic job needs a positive period")
    register = handler(topic, schedule=schedule, timeout=timeout)

    def both(deliver: Deliver) -> Deliver:
        _periodics[topic] = Periodic(topic, every, offset % every)
        return register(deliver)

    return both


def periodics() -> list[Periodic]:
    return [_periodics[topic] for topic in sorted(_periodics)]
