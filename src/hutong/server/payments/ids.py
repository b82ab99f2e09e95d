"""Identifiers and times in WeChat Pay's shapes."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))
_DIGITS = "0123456789"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def now() -> datetime:
    """The service's clock (tests move it)."""
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; every one we store is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def rfc3339(moment: datetime | None) -> str | None:
    """WeChat's times: RFC 3339 in Beijing time, to the second (2018-06-08T10:34:56+08:00)."""
    if moment is None:
        return None
    return aware(moment).astimezone(BEIJING).replace(microsecond=0).isoformat()


def parse_rfc3339(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time zone is required")
    return moment.astimezone(UTC)


def new_mchid() -> str:
    return "19" + _random(_DIGITS, 8)


def new_transaction_id(at: datetime) -> str:
    return (
        "4200" + _random(_DIGITS, 6) + aware(at).astimezone(BEIJING).strftime("%Y%m%d") + _random(_DIGITS, 10)
    )


def new_prepay_id(at: datetime) -> str:
    return "wx" + aware(at).astimezone(BEIJING).strftime("%d%H%M%S") + _random(_ALNUM, 26).lower()


def new_code_url() -> str:
    return "weixin://wxpay/bizpayurl?pr=" + _random(_ALNUM, 12)


def new_refund_id(at: datetime) -> str:
    return (
        "50" + _random(_DIGITS, 9) + aware(at).astimezone(BEIJING).strftime("%Y%m%d") + _random(_DIGITS, 10)
    )


def new_apiv3_key() -> str:
    return _random(_ALNUM, 32)


def new_serial() -> str:
    return f"{secrets.randbits(159) | (1 << 158):040X}"
