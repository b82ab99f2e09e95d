"""Scope decisions and the host profile: the rules, in plain functions the routes and tests call.

Every function takes the acting user's id: a user only ever reads or changes their own rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.consent.models import ScopeDecision, UserProfile
from hutong.server.consent.scopes import SCOPES
from hutong.server.db.base import utcnow
from hutong.server.problems import Problem

AVATAR_MAX_BYTES = 256 * 1024
NICKNAME_MAX = 64
# The image types an avatar may be, by their first bytes (the declared type is not trusted).
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


@dataclass
class AuthorizedApp:
    appid: str
    name: str
    icon: str
    scopes: dict[str, bool] = field(default_factory=dict)


async def _app(session: AsyncSession, appid: str) -> App:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    return app


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise Problem(422, "unknown_scope", f"{scope!r} is not a scope a mini program can ask for")


async def scopes_for(session: AsyncSession, user_id: int, appid: str) -> dict[str, bool]:
    """What ``user_id`` decided for ``appid``: decided scopes only (WeChat's authSetting)."""
    rows = await session.execute(
        select(ScopeDecision.scope, ScopeDecision.allowed)
        .join(App, App.id == ScopeDecision.app_id)
        .where(ScopeDecision.user_id == user_id, App.appid == appid)
        .order_by(ScopeDecision.scope)
    )
    return {scope: bool(allowed) for scope, allowed in rows.all()}


async def decide(
    session: AsyncSession, user_id: int, appid: str, changes: dict[str, bool | None]
) -> dict[str, bool]:
    """Record decisions (True allow, False deny, None: forget, so the app may ask again)."""
    for scope in changes:
        _check_scope(scope)
    app = await _app(session, appid)
    existing = {
        row.scope: row
        for row in await session.scalars(
            select(ScopeDecision).where(ScopeDecision.user_id == user_id, ScopeDecision.app_id == app.id)
        )
    }
    for scope, allowed in changes.items():
        row = existing.get(scope)
        if allowed is None:
            if row is not None:
                await session.delete(row)
        elif row is None:
            session.add(ScopeDecision(user_id=user_id, app_id=app.id, scope=scope, allowed=allowed))
        elif row.allowed != allowed:
            row.allowed = allowed
            row.updated_at = utcnow()
    await session.flush()
    return await scopes_for(session, user_id, appid)


async def authorizations(session: AsyncSession, user_id: int) -> list[AuthorizedApp]:
    """Every mini program ``user_id`` has decided something for, by name (Me → Authorizations)."""
    rows = await session.execute(
        select(App.appid, App.name, App.icon, ScopeDecision.scope, ScopeDecision.allowed)
        .join(App, App.id == ScopeDecision.app_id)
        .where(ScopeDecision.user_id == user_id)
        .order_by(App.name, App.appid, ScopeDecision.scope)
    )
    apps: dict[str, AuthorizedApp] = {}
    for appid, name, icon, scope, allowed in rows.all():
        entry = apps.setdefault(appid, AuthorizedApp(appid, name, icon))
        entry.scopes[scope] = bool(allowed)
    return list(apps.values())


async def forget_app(session: AsyncSession, user_id: int, appid: str) -> None:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is not None:
        await delete_user_data(session, user_id, app.id)


# -- the host profile -------------------------------------------------------------------------------


async def profile(session: AsyncSession, user_id: int) -> UserProfile | None:
    return await session.get(UserProfile, user_id)


async def _profile_row(session: AsyncSession, user_id: int) -> UserProfile:
    row = await session.get(UserProfile, user_id)
    if row is None:
        row = UserProfile(user_id=user_id, nickname="", avatar=None, avatar_type="")
        session.add(row)
    return row


async def set_nickname(session: AsyncSession, user_id: int, nickname: str) -> UserProfile:
    clean = " ".join(nickname.split())
    if len(clean) > NICKNAME_MAX:
        raise Problem(422, "nickname_too_long", f"a nickname has at most {NICKNAME_MAX} characters")
    if any(ord(ch) < 32 for ch in clean):
        raise Problem(422, "invalid_nickname", "a nickname cannot hold control characters")
    row = await _profile_row(session, user_id)
    row.nickname = clean
    row.updated_at = utcnow()
    await session.flush()
    return row


def image_type(data: bytes) -> str | None:
    """The image type ``data`` really is (PNG, JPEG, GIF or WebP), or None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


async def set_avatar(session: AsyncSession, user_id: int, data: bytes | None) -> UserProfile:
    """Replace the avatar (None removes it); only small PNG, JPEG, GIF or WebP images."""
    kind = ""
    if data is not None:
        if len(data) > AVATAR_MAX_BYTES:
            raise Problem(413, "avatar_too_large", f"an avatar is at most {AVATAR_MAX_BYTES // 1024} KB")
        found = image_type(data)
        if found is None:
            raise Problem(415, "not_an_image", "an avatar must be a PNG, JPEG, GIF or WebP image")
        kind = found
    row = await _profile_row(session, user_id)
    row.avatar = data
    row.avatar_type = kind
    row.updated_at = utcnow()
    await session.flush()
    return row


# -- data rights (the lead wires these into "see / export / delete what each app holds") -----------


async def export_user_data(session: AsyncSession, user_id: int, app_id: int) -> dict[str, Any]:
    """What this user decided for the app (``app_id`` is apps.id), with when each was last changed."""
    rows = await session.scalars(
        select(ScopeDecision)
        .where(ScopeDecision.user_id == user_id, ScopeDecision.app_id == app_id)
        .order_by(ScopeDecision.scope)
    )
    return {
        "scopes": [
            {"scope": row.scope, "allowed": row.allowed, "updated_at": row.updated_at.isoformat()}
            for row in rows
        ]
    }


async def delete_user_data(session: AsyncSession, user_id: int, app_id: int) -> None:
    """Forget every decision: the app asks again next time."""
    await session.execute(
        delete(ScopeDecision).where(ScopeDecision.user_id == user_id, ScopeDecision.app_id == app_id)
    )
