"""What the platform keeps per user and mini program: recents, pins, launches, reported events, the
user's ids in the app (identity), their consent decisions, customer service messages and feedback.
A domain with more adds its provider with one register() call, here or in its own module imported
here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import Release
from hutong.server.consent import service as consent
from hutong.server.consent.models import ScopeDecision
from hutong.server.delivery.launch import user_audience
from hutong.server.discovery.models import PinnedApp, RecentApp
from hutong.server.events.models import AnalyticsActive, AnalyticsUser, events
from hutong.server.identity import service as identity
from hutong.server.identity.models import OneTimeCode, OpenId, SessionKey
from hutong.server.payments import privacy as _payments  # noqa: F401  (registers "payments")
from hutong.server.privacy.registry import DataProvider, register, rows_removed
from hutong.server.support import service as support


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


async def _export_recent(session: AsyncSession, user_id: int, app_id: int) -> Any:
    row = await session.scalar(
        select(RecentApp).where(RecentApp.audience == user_audience(user_id), RecentApp.app_id == app_id)
    )
    return {"last_opened_at": _when(row.opened_at)} if row else {}


async def _delete_recent(session: AsyncSession, user_id: int, app_id: int) -> int:
    result = await session.execute(
        delete(RecentApp).where(RecentApp.audience == user_audience(user_id), RecentApp.app_id == app_id)
    )
    return rows_removed(result)


async def _apps_recent(session: AsyncSession, user_id: int) -> set[int]:
    rows = await session.scalars(select(RecentApp.app_id).where(RecentApp.audience == user_audience(user_id)))
    return set(rows)


async def _export_pinned(session: AsyncSession, user_id: int, app_id: int) -> Any:
    row = await session.scalar(
        select(PinnedApp).where(PinnedApp.user_id == user_id, PinnedApp.app_id == app_id)
    )
    return {"pinned_at": _when(row.created_at)} if row else {}


async def _delete_pinned(session: AsyncSession, user_id: int, app_id: int) -> int:
    result = await session.execute(
        delete(PinnedApp).where(PinnedApp.user_id == user_id, PinnedApp.app_id == app_id)
    )
    return rows_removed(result)


async def _apps_pinned(session: AsyncSession, user_id: int) -> set[int]:
    return set(await session.scalars(select(PinnedApp.app_id).where(PinnedApp.user_id == user_id)))


async def _export_launches(session: AsyncSession, user_id: int, app_id: int) -> Any:
    e = events.c
    rows = await session.execute(
        select(e.at, e.scene, e.name, Release.version)
        .outerjoin(Release, Release.id == e.release_id)
        .where(e.audience == user_audience(user_id), e.app_id == app_id, e.kind == "launch")
        .order_by(e.at)
    )
    return [
        {"at": _when(at), "scene": scene, "path": path, "version": version}
        for at, scene, path, version in rows.all()
    ]


async def _delete_launches(session: AsyncSession, user_id: int, app_id: int) -> int:
    e = events.c
    result = await session.execute(
        delete(events).where(e.audience == user_audience(user_id), e.app_id == app_id, e.kind == "launch")
    )
    return rows_removed(result)


async def _apps_launches(session: AsyncSession, user_id: int) -> set[int]:
    rows = await session.scalars(
        select(AnalyticsUser.app_id).where(AnalyticsUser.audience == user_audience(user_id))
    )
    return set(rows)


async def _export_events(session: AsyncSession, user_id: int, app_id: int) -> Any:
    """Everything else kept about the user's visits: pages, stays, errors, timings, reported events."""
    e = events.c
    rows = await session.execute(
        select(e.at, e.kind, e.name, e.value, e.data)
        .where(e.audience == user_audience(user_id), e.app_id == app_id, e.kind != "launch")
        .order_by(e.at)
    )
    return [
        {"at": _when(at), "kind": kind, "name": name, "value": value, "data": data or {}}
        for at, kind, name, value, data in rows.all()
    ]


async def _delete_events(session: AsyncSession, user_id: int, app_id: int) -> int:
    audience = user_audience(user_id)
    e = events.c
    result = await session.execute(
        delete(events).where(e.audience == audience, e.app_id == app_id, e.kind != "launch")
    )
    # The days they visited and their first day go too (the app's rollups are aggregates and stay).
    for model in (AnalyticsActive, AnalyticsUser):
        await session.execute(delete(model).where(model.audience == audience, model.app_id == app_id))
    return rows_removed(result)


async def _apps_events(session: AsyncSession, user_id: int) -> set[int]:
    audience = user_audience(user_id)
    rows = await session.scalars(select(events.c.app_id).where(events.c.audience == audience).distinct())
    users = await session.scalars(select(AnalyticsUser.app_id).where(AnalyticsUser.audience == audience))
    return set(rows) | set(users)


async def _apps_identity(session: AsyncSession, user_id: int) -> set[int]:
    found: set[int] = set()
    for model in (OpenId, OneTimeCode, SessionKey):
        found |= set(await session.scalars(select(model.app_id).where(model.user_id == user_id).distinct()))
    return found


async def _apps_consent(session: AsyncSession, user_id: int) -> set[int]:
    rows = await session.scalars(
        select(ScopeDecision.app_id).where(ScopeDecision.user_id == user_id).distinct()
    )
    return set(rows)


register(DataProvider("recent", _export_recent, _delete_recent, _apps_recent, "on your recent list"))
register(DataProvider("pinned", _export_pinned, _delete_pinned, _apps_pinned, "in My mini programs"))
register(DataProvider("launches", _export_launches, _delete_launches, _apps_launches, "when you opened it"))
register(DataProvider("events", _export_events, _delete_events, _apps_events, "what it reported"))
register(
    DataProvider(
        "identity", identity.export_user_data, identity.delete_user_data, _apps_identity, "your ids in it"
    )
)
register(
    DataProvider(
        "consent", consent.export_user_data, consent.delete_user_data, _apps_consent, "what you allowed"
    )
)
register(
    DataProvider(
        "support",
        support.export_conversation,
        support.delete_conversation,
        support.apps_with_conversations,
        "your customer service messages",
    )
)
register(
    DataProvider(
        "feedback",
        support.export_feedback,
        support.delete_feedback,
        support.apps_with_feedback,
        "your feedback",
    )
)
