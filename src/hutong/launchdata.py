"""Check Hutong launch data on a mini program's own back end (no call to the platform needed).

Launch data is a URL-encoded string of fields (``appid``, ``openid``, ``auth_date``, ``scene``,
``start_param``, ``key_id``) plus two signatures, as Telegram signs its Mini Apps' initData:

- ``hash``: hex HMAC-SHA256 of the data-check string, keyed with
  ``HMAC-SHA256(key=b"HutongLaunchData", msg=app_secret)``; checking it needs the AppSecret.
- ``signature``: base64url Ed25519 signature by the platform over
  ``"<appid>:HutongLaunchData\\n" + data-check string``; checking it needs only the platform's public
  key (``/.well-known/hutong/platform-keys.json``, the key whose ``kid`` is ``key_id``).

The data-check string is every field except ``hash`` and ``signature``, sorted by name, as
``name=value`` lines joined by ``\\n``. Both checks also refuse data older than ``max_age`` seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KEY_CONSTANT = b"HutongLaunchData"
UNSIGNED = ("hash", "signature")
DEFAULT_MAX_AGE = 24 * 3600

__all__ = [
    "InvalidLaunchData",
    "data_check_string",
    "launch_key",
    "parse",
    "verify_ed25519",
    "verify_hmac",
]


class InvalidLaunchData(ValueError):
    """The launch data is malformed, wrongly signed or too old."""


def parse(data: str | Mapping[str, str]) -> dict[str, str]:
    """The fields of a launch data string (or a mapping already parsed)."""
    if isinstance(data, str):
        fields = dict(parse_qsl(data, keep_blank_values=True, strict_parsing=bool(data)))
    else:
        fields = {str(k): str(v) for k, v in data.items()}
    return fields


def data_check_string(fields: Mapping[str, str]) -> str:
    return "\n".join(f"{name}={fields[name]}" for name in sorted(fields) if name not in UNSIGNED)


def launch_key(app_secret: str) -> bytes:
    """The HMAC key derived from the AppSecret (what the platform keeps instead of the secret)."""
    return hmac.new(KEY_CONSTANT, app_secret.encode(), hashlib.sha256).digest()


def ed25519_message(fields: Mapping[str, str]) -> bytes:
    return f"{fields.get('appid', '')}:HutongLaunchData\n{data_check_string(fields)}".encode()


def _fresh(fields: Mapping[str, str], max_age: int | None, now: float | None) -> None:
    try:
        auth_date = int(fields["auth_date"])
    except (KeyError, ValueError):
        raise InvalidLaunchData("auth_date is missing or not a number") from None
    if max_age is not None and (now if now is not None else time.time()) - auth_date > max_age:
        raise InvalidLaunchData("the launch data is too old")


def verify_hmac(
    data: str | Mapping[str, str],
    app_secret: str,
    max_age: int | None = DEFAULT_MAX_AGE,
    now: float | None = None,
) -> dict[str, str]:
    """The fields, if ``hash`` is right for ``app_secret`` and the data is fresh; else InvalidLaunchData."""
    fields = parse(data)
    given = fields.get("hash", "")
    expected = hmac.new(
        launch_key(app_secret), data_check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    if not given or not hmac.compare_digest(given, expected):
        raise InvalidLaunchData("the hash does not match")
    _fresh(fields, max_age, now)
    return fields


def _public_key(public_key: bytes | str | Mapping[str, Any]) -> Ed25519PublicKey:
    if isinstance(public_key, Mapping):  # a JWK from platform-keys.json
        public_key = str(public_key["x"])
    if isinstance(public_key, str):
        public_key = base64.urlsafe_b64decode(public_key + "=" * (-len(public_key) % 4))
    return Ed25519PublicKey.from_public_bytes(public_key)


def verify_ed25519(
    data: str | Mapping[str, str],
    public_key: bytes | str | Mapping[str, Any],
    max_age: int | None = DEFAULT_MAX_AGE,
    now: float | None = None,
) -> dict[str, str]:
    """The fields, if the platform's ``signature`` checks with ``public_key`` (raw bytes, base64url,
    a JWK, or the whole published JWK set, whose key named ``key_id`` is used) and the data is fresh;
    else InvalidLaunchData. With a set, an unknown ``key_id`` means a key retired since (refused) or
    a rotation the set fetched predates: fetch the set again and retry once."""
    fields = parse(data)
    if isinstance(public_key, Mapping) and "keys" in public_key:
        listed = [k for k in public_key["keys"] if k.get("kid") == fields.get("key_id")]
        if not listed:
            raise InvalidLaunchData("signed by a platform key the set does not list")
        public_key = listed[0]
    signature = fields.get("signature", "")
    try:
        raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
        _public_key(public_key).verify(raw, ed25519_message(fields))
    except (InvalidSignature, ValueError) as error:
        raise InvalidLaunchData("the platform signature does not match") from error
    _fresh(fields, max_age, now)
    return fields
