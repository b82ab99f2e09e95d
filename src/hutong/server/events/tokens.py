"""The events token in a launch manifest: proof, signed by the platform key, that this host launched
this app for this audience. Reported events are accepted for that app only, until the token expires.
It also names the launch (a session id: one visit), the release launched and the launch's scene, so
every event the host sends is tied to them without the host being trusted to say so."""

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
    session: str = ""
    release_id: int | None = None
    scene: int | None = None


def issue(
    key: Signer,
    appid: str,
    audience: str,
    now: float | None = None,
    *,
    session: str = "",
    release_id: int | None = None,
    scene: int | None = None,
) -> str:
    claims: dict[str, object] = {
        "appid": appid,
        "aud": audience,
        "exp": int((now or time.time()) + EVENTS_TOKEN_LIFETIME),
    }
    if session:
        claims |= {"sid": session, "rel": release_id, "scn": scene}
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
        session = str(claims.get("sid") or "")
        release = claims.get("rel")
        scene = claims.get("scn")
        release_id = int(release) if release is not None else None
        scene_number = int(scene) if scene is not None else None
    except (ValueError, KeyError, TypeError):
        return None
    if expires < (now or time.time()):
        return None
    return EventsGrant(appid, audience, session, release_id, scene_number)
