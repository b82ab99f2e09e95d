"""See, export and delete what each mini program holds about one user, through every provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.delivery.launch import opaque_audience, user_audience
from hutong.server.privacy.registry import providers
from hutong.server.problems import Problem


@dataclass
class Holding:
    appid: str
    name: str
    icon: str
    kinds: list[str]  # provider names with data for this app


def _empty(value: Any) -> bool:
    """Nothing there: None, "", an empty list, or a dict whose values are all empty (a provider may
    answer ``{"openid": None, "codes": []}`` for an app that knows nothing of the user)."""
    if isinstance(value, dict):
        return all(_empty(item) for item in value.values())
    return value is None or value == "" or value == []


async def holdings(session: AsyncSession, user: User) -> list[Holding]:
    """Every app that holds something about ``user``, with what kinds of data, by name."""
    kinds: dict[int, list[str]] = {}
    for provider in providers():
        for app_id in await provider.apps_with_data(session, user.id):
            kinds.setdefault(app_id, []).append(provider.name)
    if not kinds:
        return []
    apps = await session.scalars(select(App).where(App.id.in_(kinds)).order_by(App.name))
    return [Holding(app.appid, app.name, app.icon, kinds[app.id]) for app in apps]


async def _app(session: AsyncSession, appid: str) -> App:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    return app


async def user_data(session: AsyncSession, user: User, appid: str) -> dict[str, Any]:
    """Everything ``appid`` holds about ``user`` on the platform, per provider (empty ones left out).
    ``local_storage_id`` names the user's storage and files in the host (IndexedDB) for this app."""
    app = await _app(session, appid)
    data = {}
    for provider in providers():
        value = await provider.export_user_data(session, user.id, app.id)
        if not _empty(value):
            data[provider.name] = value
    return {
        "appid": app.appid,
        "name": app.name,
        "user": {"id": user.id, "email": user.email},
        "exported_at": datetime.now(UTC).isoformat(),
        "local_storage_id": opaque_audience(app.appid, user_audience(user.id)),
        "data": data,
    }


async def delete_user_data(session: AsyncSession, user: User, appid: str) -> dict[str, int | None]:
    """Remove everything ``appid`` holds about ``user``; how many records each provider removed (None
    for a provider that does not count)."""
    app = await _app(session, appid)
    removed: dict[str, int | None] = {}
    for provider in providers():
        removed[provider.name] = await provider.delete_user_data(session, user.id, app.id)
    await session.commit()
    return removed
