"""Signed launch data for a signed-in user (hutong.getLaunchData in the mini program): see
hutong.launchdata for the format and how a back end checks it."""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.launchdata import data_check_string, ed25519_message, launch_key
from hutong.server import sealing
from hutong.server.accounts.models import User
from hutong.server.apps.models import App, launch_key_purpose
from hutong.server.delivery.signing import PlatformKeys, Signer
from hutong.server.identity import service


def key_for_secret(session: AsyncSession, appid: str, app_secret: str) -> str:
    """What the apps table keeps to sign launch data, made whenever a secret is made: the key (hex)
    sealed for the app's row, since the platform must read it back (server/sealing.py)."""
    return sealing.keyring_of(session).seal(launch_key(app_secret).hex(), purpose=launch_key_purpose(appid))


def key_of(session: AsyncSession, app: App) -> bytes | None:
    """The app's launch-data key, opened; None for an app registered before launch data existed."""
    if not app.launch_key:
        return None
    opened = sealing.keyring_of(session).unseal_text(app.launch_key, purpose=launch_key_purpose(app.appid))
    return bytes.fromhex(opened)


async def launch_data(
    session: AsyncSession, app: App, user: User, keys: Signer, scene: int, start_param: str
) -> str:
    key = keys.current if isinstance(keys, PlatformKeys) else keys  # one key for key_id and signature
    fields = {
        "appid": app.appid,
        "auth_date": str(int(service.now().timestamp())),
        "key_id": key.kid,
        "openid": await service.openid_for(session, app, user.id),
        "scene": str(scene),
        "start_param": start_param,
    }
    check = data_check_string(fields).encode()
    hmac_key = key_of(session, app)
    if hmac_key is not None:
        # An app registered before launch data existed has no key until its secret is renewed.
        fields["hash"] = hmac.new(hmac_key, check, hashlib.sha256).hexdigest()
    fields["signature"] = key.sign(ed25519_message(fields))
    return urlencode(fields)
