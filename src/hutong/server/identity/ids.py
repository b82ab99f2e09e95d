"""Random identifiers and one-time secrets in WeChat's shapes."""

from __future__ import annotations

import base64
import secrets
import string
from datetime import UTC, datetime

_ALPHABET = string.ascii_letters + string.digits + "-_"


def random_id(prefix: str, length: int = 28) -> str:
    """``prefix`` then random characters, ``length`` in all: 27 random characters are 162 bits."""
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(length - len(prefix)))


def new_openid() -> str:
    return random_id("o")


def new_unionid() -> str:
    return random_id("u")


def new_code() -> str:
    """A one-time code (wx.login, getPhoneNumber): 32 characters, as WeChat's."""
    return secrets.token_hex(16)


def new_session_key() -> str:
    """16 random bytes, base64 (WeChat's session_key is an AES-128 key in base64)."""
    return base64.b64encode(secrets.token_bytes(16)).decode()


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
