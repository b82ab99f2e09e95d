"""The events token in a launch manifest: proof, signed by the platform key, that this host launched
this app for this audience. Reported events are accepted for that app only, until the token expires."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass

from hutong.server.delivery.signing import Signer, b64url

EVENTS_TOKEN_LIFETIME = 24 * 3600


@dataclass(frozen=True)
class EventsGrant:
    appid: str
    audience: str


def issue(key: Signer, appid: str, audience: str, now: float | None = None) -> str:
    claims = {"appid": appid, "aud": audience, "exp": int((now or time.time()) + EVENTS_TOKEN_LIFETIME)}
    payload = b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{key.sign(f'events.{payload}'.encode())}"


def verify(key: Signer, token: str, now: float | None = None) -> EventsGrant | None:
    """The grant the token carries, or None when it is forged, malformed or expired."""
    payload, _, signature = token.partition(".")
    if not payload or not signature or not key.verify(f"events.{payload}".encode(), signature):
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        appid, audience, expires = str(claims["appid"]), str(claims["aud"]), int(claims["exp"])
    except (ValueError, KeyError, TypeError):
        return None
    if expires < (now or time.time()):
        return None
    return EventsGrant(appid, audience)
