"""Retry schedules: the delay before each retry, in order. A job is tried once and then once after each
delay; when the schedule runs out it is dead."""

from __future__ import annotations

from datetime import datetime, timedelta

Schedule = tuple[timedelta, ...]


def _delays(*text: str) -> Schedule:
    units = {"s": 1, "m": 60, "h": 3600}
    return tuple(timedelta(seconds=int(part[:-1]) * units[part[-1]]) for part in text)


# WeChat Pay's notification retries (15 s … 6 h, 24 h 4 min in all; payments.md §2).
WECHATPAY_RETRY = _delays(
    "15s", "15s", "30s", "3m", "10m", "20m", "30m", "30m", "30m", "60m", "3h", "3h", "3h", "6h", "6h"
)
# For deliveries with no published schedule: quick at first, then backing off, about a day in all.
DEFAULT_RETRY = _delays("10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "4h", "8h", "8h")
# WeChat's message push tries a request three more times when the developer's server does not answer;
# ours spreads them over a few minutes so that a server restarting is not missed.
MESSAGE_PUSH_RETRY = _delays("5s", "30s", "3m")


def next_run(schedule: Schedule, attempt: int, now: datetime) -> datetime | None:
    """When to try again after failed try number ``attempt`` (1-based), or None when it was the last."""
    if attempt < 1 or attempt > len(schedule):
        return None
    return now + schedule[attempt - 1]
