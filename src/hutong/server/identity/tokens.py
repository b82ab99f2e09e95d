"""Access tokens for an app's own server (WeChat's getAccessToken and getStableAccessToken).

- ``/cgi-bin/token`` makes a new token (7,200 s) each call; the app's earlier tokens stay valid for at
  most 5 more minutes, so servers mid-refresh keep working.
- ``/cgi-bin/stable_token`` gives the same token while it has more than 5 minutes left, a new one after
  that; ``force_refresh`` makes a new one at once (the old one keeps 5 minutes). The two kinds do not
  disturb each other.
- Tokens are stored as their SHA-256. A stable token is the platform's Ed25519 signature of a stored
  random nonce (deterministic), so it can be answered again without being stored.
- A new AppSecret ends every token of the app at once (``revoke_all``).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.passwords import digest
from hutong.server.apps.models import App
from hutong.server.delivery.signing import Signer
from hutong.server.identity import service
from hutong.server.identity.ids import aware
from hutong.server.identity.models import AccessToken

TOKEN_LIFETIME = timedelta(seconds=7200)
GRACE = timedelta(minutes=5)
KEEP_EXPIRED = timedelta(days=1)

# WeChat's errcodes for a server call's access_token.
MISSING = 41001
INVALID = 40001
EXPIRED = 42001


@dataclass
class Issued:
    token: str
    expires_in: int


async def _shorten_others(session: AsyncSession, app: App, kind: str) -> None:
    """The app's other tokens of ``kind`` keep at most GRACE; long-dead rows are dropped."""
    moment = service.now()
    await session.execute(
        delete(AccessToken)
        .where(AccessToken.app_id == app.id, AccessToken.expires_at < moment - KEEP_EXPIRED)
        .execution_options(synchronize_session=False)
    )
    rows = await session.scalars(
        select(AccessToken).where(AccessToken.app_id == app.id, AccessToken.kind == kind)
    )
    for row in rows:
        if aware(row.expires_at) > moment + GRACE:
            row.expires_at = moment + GRACE


async def issue_token(session: AsyncSession, app: App) -> Issued:
    await _shorten_others(session, app, "token")
    token = secrets.token_urlsafe(96)  # 128 characters; WeChat asks callers to keep room for 512
    session.add(
        AccessToken(
            app_id=app.id,
            kind="token",
            token_hash=digest(token),
            expires_at=service.now() + TOKEN_LIFETIME,
            created_at=service.now(),
        )
    )
    await session.flush()
    return Issued(token, int(TOKEN_LIFETIME.total_seconds()))


def _stable_value(key: Signer, nonce: str) -> str:
    return key.sign(b"hutong-stable-token\n" + nonce.encode())


async def stable_token(session: AsyncSession, app: App, key: Signer, force_refresh: bool) -> Issued:
    moment = service.now()
    if not force_refresh:
        newest = await session.scalar(
            select(AccessToken)
            .where(AccessToken.app_id == app.id, AccessToken.kind == "stable")
            .order_by(AccessToken.expires_at.desc(), AccessToken.id.desc())
            .limit(1)
        )
        if newest is not None and newest.nonce and aware(newest.expires_at) > moment + GRACE:
            value = _stable_value(key, newest.nonce)
            # Made again only with the key that made it: after a platform key rotation, a new token
            # (the one issued before keeps working for its grace period, as on a forced refresh).
            if digest(value) == newest.token_hash:
                left = aware(newest.expires_at) - moment
                return Issued(value, int(left.total_seconds()))
    await _shorten_others(session, app, "stable")
    nonce = secrets.token_hex(32)
    token = _stable_value(key, nonce)
    session.add(
        AccessToken(
            app_id=app.id,
            kind="stable",
            token_hash=digest(token),
            nonce=nonce,
            expires_at=moment + TOKEN_LIFETIME,
            created_at=moment,
        )
    )
    await session.flush()
    return Issued(token, int(TOKEN_LIFETIME.total_seconds()))


async def app_for_token(session: AsyncSession, token: str | None) -> App | int:
    """The app a token belongs to, or WeChat's errcode: 41001 missing, 40001 unknown, 42001 expired."""
    if not token:
        return MISSING
    row = await session.scalar(select(AccessToken).where(AccessToken.token_hash == digest(token)))
    if row is None:
        return INVALID
    if aware(row.expires_at) <= service.now():
        return EXPIRED
    app = await session.get(App, row.app_id)
    return app if app is not None else INVALID


async def revoke_all(session: AsyncSession, app_id: int) -> None:
    """A new AppSecret: no token made with the old one may go on working."""
    await session.execute(delete(AccessToken).where(AccessToken.app_id == app_id))


async def expire_now(session: AsyncSession, app_id: int) -> None:
    """For operators and tests: every token of the app expires (and answers 42001) from now."""
    await session.execute(
        update(AccessToken).where(AccessToken.app_id == app_id).values(expires_at=service.now())
    )
