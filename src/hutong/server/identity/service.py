"""The rules of identity, as plain functions the routes and the tests call: openids and unionids,
wx.login codes and code2session, session keys, phone number codes; and the data-rights hooks."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import sealing
from hutong.server.accounts.models import User
from hutong.server.accounts.passwords import digest
from hutong.server.apps.models import App
from hutong.server.identity.ids import aware, new_code, new_openid, new_session_key, new_unionid
from hutong.server.identity.models import OneTimeCode, OpenId, SessionKey, UnionId, session_key_purpose
from hutong.server.problems import Problem

CODE_LIFETIME = timedelta(minutes=5)
# A session_key is valid for 30 days, or until the next code2session for the same user and app
# replaces it (wx.checkSession and /wxa/checksession answer from this).
SESSION_KEY_LIFETIME = timedelta(days=30)
CODE_KINDS = ("login", "phone")

# The time, for everything here; a test may replace it to move the clock.
now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


async def _insert_ignoring_conflict(session: AsyncSession, model: Any, values: dict[str, Any]) -> None:
    """INSERT … ON CONFLICT DO NOTHING: two first logins at once must not fail, one row wins."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(insert(model).values(**values).on_conflict_do_nothing())


async def app_by_appid(session: AsyncSession, appid: str) -> App | None:
    return await session.scalar(select(App).where(App.appid == appid))


async def openid_for(session: AsyncSession, app: App, user_id: int) -> str:
    """The user's openid in ``app``, made on first need; the same for ever after."""
    query = select(OpenId.openid).where(OpenId.app_id == app.id, OpenId.user_id == user_id)
    found = await session.scalar(query)
    if found is None:
        values = {"app_id": app.id, "user_id": user_id, "openid": new_openid(), "created_at": now()}
        await _insert_ignoring_conflict(session, OpenId, values)
        found = await session.scalar(query)
    assert found is not None
    return found


async def unionid_for(session: AsyncSession, app: App, user_id: int) -> str | None:
    """The user's unionid for the app's organization (None for an app without one)."""
    if app.organization_id is None:
        return None
    query = select(UnionId.unionid).where(
        UnionId.organization_id == app.organization_id, UnionId.user_id == user_id
    )
    found = await session.scalar(query)
    if found is None:
        values = {
            "organization_id": app.organization_id,
            "user_id": user_id,
            "unionid": new_unionid(),
            "created_at": now(),
        }
        await _insert_ignoring_conflict(session, UnionId, values)
        found = await session.scalar(query)
    return found


async def user_for_openid(session: AsyncSession, app: App, openid: str) -> int | None:
    return await session.scalar(
        select(OpenId.user_id).where(OpenId.app_id == app.id, OpenId.openid == openid)
    )


# One-time codes --------------------------------------------------------------------------------------


async def live_app(session: AsyncSession, appid: str) -> App:
    app = await app_by_appid(session, appid)
    if app is None or app.status != "active":
        raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    return app


async def issue_code(session: AsyncSession, appid: str, user: User, kind: str) -> str:
    """A code for ``kind`` ("login" or "phone"): valid 5 minutes, once; stored as its SHA-256."""
    if kind not in CODE_KINDS:
        raise ValueError(kind)
    app = await live_app(session, appid)
    moment = now()
    # Spent and expired codes of this user and app are of no use to anyone: forget them.
    await session.execute(
        delete(OneTimeCode)
        .where(
            OneTimeCode.app_id == app.id,
            OneTimeCode.user_id == user.id,
            OneTimeCode.expires_at < moment - timedelta(days=1),
        )
        .execution_options(synchronize_session=False)
    )
    code = new_code()
    session.add(
        OneTimeCode(
            code_hash=digest(code),
            kind=kind,
            app_id=app.id,
            user_id=user.id,
            expires_at=moment + CODE_LIFETIME,
            created_at=moment,
        )
    )
    await session.flush()
    return code


async def redeem_code(session: AsyncSession, app: App, code: str, kind: str) -> int | None:
    """The user id behind ``code`` if it is this app's, of ``kind``, unexpired and unused; it is then
    spent (an atomic UPDATE, so two exchanges of one code cannot both win)."""
    row = await session.scalar(select(OneTimeCode).where(OneTimeCode.code_hash == digest(code)))
    moment = now()
    if row is None or row.app_id != app.id or row.kind != kind or row.used_at is not None:
        return None
    if aware(row.expires_at) <= moment:
        return None
    spent = await session.execute(
        update(OneTimeCode)
        .where(OneTimeCode.id == row.id, OneTimeCode.used_at.is_(None))
        .values(used_at=moment)
    )
    return row.user_id if getattr(spent, "rowcount", 0) == 1 else None


# code2session and session keys ---------------------------------------------------------------------


@dataclass
class Login:
    openid: str
    session_key: str
    unionid: str | None


async def code2session(session: AsyncSession, app: App, code: str) -> Login | None:
    """What the app's server gets for a wx.login code; None if the code is not good (40029)."""
    user_id = await redeem_code(session, app, code, "login")
    if user_id is None:
        return None
    key = new_session_key()
    sealed = sealing.keyring_of(session).seal(key, purpose=session_key_purpose(app.id, user_id))
    moment = now()
    existing = await session.scalar(
        select(SessionKey).where(SessionKey.app_id == app.id, SessionKey.user_id == user_id)
    )
    if existing is None:
        values = {
            "app_id": app.id,
            "user_id": user_id,
            "session_key": sealed,
            "expires_at": moment + SESSION_KEY_LIFETIME,
            "created_at": moment,
        }
        await _insert_ignoring_conflict(session, SessionKey, values)
    await session.execute(
        update(SessionKey)
        .where(SessionKey.app_id == app.id, SessionKey.user_id == user_id)
        .values(session_key=sealed, expires_at=moment + SESSION_KEY_LIFETIME, created_at=moment)
    )
    return Login(
        openid=await openid_for(session, app, user_id),
        session_key=key,
        unionid=await unionid_for(session, app, user_id),
    )


async def current_session_key(session: AsyncSession, app: App, user_id: int) -> str | None:
    row = await session.scalar(
        select(SessionKey).where(SessionKey.app_id == app.id, SessionKey.user_id == user_id)
    )
    if row is None or aware(row.expires_at) <= now():
        return None
    return sealing.keyring_of(session).unseal_text(
        row.session_key, purpose=session_key_purpose(app.id, user_id)
    )


async def check_session(session: AsyncSession, appid: str, user: User) -> bool:
    """wx.checkSession: does the user's latest login to this app still hold a valid session_key?"""
    app = await live_app(session, appid)
    return await current_session_key(session, app, user.id) is not None


def session_signature(session_key: str, data: str = "") -> str:
    """WeChat's user-state signature: hex HMAC-SHA256 keyed with the session_key (of "" for checksession)."""
    return hmac.new(session_key.encode(), data.encode(), hashlib.sha256).hexdigest()


async def signed_by_session(session: AsyncSession, app: App, openid: str, signature: str) -> int | None:
    """The user id if ``signature`` is the user's current session_key signature of ""; else None."""
    user_id = await user_for_openid(session, app, openid)
    if user_id is None:
        return None
    key = await current_session_key(session, app, user_id)
    if key is None or not secrets.compare_digest(session_signature(key), signature):
        return None
    return user_id


async def reset_session_key(session: AsyncSession, app: App, user_id: int) -> str:
    key = new_session_key()
    sealed = sealing.keyring_of(session).seal(key, purpose=session_key_purpose(app.id, user_id))
    moment = now()
    await session.execute(
        update(SessionKey)
        .where(SessionKey.app_id == app.id, SessionKey.user_id == user_id)
        .values(session_key=sealed, expires_at=moment + SESSION_KEY_LIFETIME, created_at=moment)
    )
    return key


# Phone numbers --------------------------------------------------------------------------------------


def phone_info(user: User, appid: str) -> dict[str, Any]:
    """WeChat's phone_info shape; phoneNumber carries the country code unless it is China's."""
    country = user.phone_country_code or ""
    number = user.phone_number or ""
    return {
        "phoneNumber": number if country == "86" else f"+{country}{number}",
        "purePhoneNumber": number,
        "countryCode": country,
        "watermark": {"timestamp": int(now().timestamp()), "appid": appid},
    }


async def phone_for_code(session: AsyncSession, app: App, code: str) -> dict[str, Any] | None:
    user_id = await redeem_code(session, app, code, "phone")
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None or not user.phone_number:
        return None
    return phone_info(user, app.appid)


# Data rights -----------------------------------------------------------------------------------------


def _iso(moment: datetime | None) -> str | None:
    return aware(moment).isoformat() if moment else None


async def export_user_data(session: AsyncSession, user_id: int, app_id: int) -> dict[str, Any]:
    """What the identity tables hold about ``user_id`` for ``app_id`` (never a code or a key itself)."""
    app = await session.get(App, app_id)
    openid = await session.scalar(select(OpenId).where(OpenId.app_id == app_id, OpenId.user_id == user_id))
    union = None
    if app is not None and app.organization_id is not None:
        union = await session.scalar(
            select(UnionId).where(UnionId.organization_id == app.organization_id, UnionId.user_id == user_id)
        )
    key = await session.scalar(
        select(SessionKey).where(SessionKey.app_id == app_id, SessionKey.user_id == user_id)
    )
    codes = await session.scalars(
        select(OneTimeCode)
        .where(OneTimeCode.app_id == app_id, OneTimeCode.user_id == user_id)
        .order_by(OneTimeCode.id)
    )
    return {
        "openid": openid.openid if openid else None,
        "openid_created_at": _iso(openid.created_at) if openid else None,
        "unionid": union.unionid if union else None,
        "session": {"issued_at": _iso(key.created_at), "expires_at": _iso(key.expires_at)} if key else None,
        "codes": [
            {
                "kind": code.kind,
                "issued_at": _iso(code.created_at),
                "expires_at": _iso(code.expires_at),
                "used_at": _iso(code.used_at),
            }
            for code in codes
        ],
    }


async def delete_user_data(session: AsyncSession, user_id: int, app_id: int) -> None:
    """Forget the user in ``app_id``: openid, codes, session key; the unionid too when no other app of
    the organization still knows the user. A later login starts afresh with new ids."""
    app = await session.get(App, app_id)
    await session.execute(delete(OpenId).where(OpenId.app_id == app_id, OpenId.user_id == user_id))
    await session.execute(
        delete(OneTimeCode).where(OneTimeCode.app_id == app_id, OneTimeCode.user_id == user_id)
    )
    await session.execute(
        delete(SessionKey).where(SessionKey.app_id == app_id, SessionKey.user_id == user_id)
    )
    if app is None or app.organization_id is None:
        return
    others = await session.scalar(
        select(func.count())
        .select_from(OpenId)
        .join(App, App.id == OpenId.app_id)
        .where(App.organization_id == app.organization_id, OpenId.user_id == user_id)
    )
    if not others:
        await session.execute(
            delete(UnionId).where(UnionId.organization_id == app.organization_id, UnionId.user_id == user_id)
        )
