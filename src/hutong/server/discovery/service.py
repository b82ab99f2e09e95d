"""Discovery's rules: recording launches (with their scene), recent and pinned mini programs,
categories, and what the host shows about an app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import Organization, User
from hutong.server.apps.models import App, Release
from hutong.server.delivery.launch import Audience
from hutong.server.discovery.catalogue import Listing, live
from hutong.server.discovery.models import PinnedApp, RecentApp
from hutong.server.problems import Problem

RECENT_LIMIT = 30
PINNED_LIMIT = 50
DEFAULT_SCENE = 1001


def clean_scene(value: int | None) -> int:
    """WeChat's scene numbers are four digits (1000–1299 today); anything else counts as 1001."""
    return value if value is not None and 1000 <= value <= 9999 else DEFAULT_SCENE


async def _upsert(session: AsyncSession) -> Any:
    dialect = (await session.connection()).dialect.name
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


async def record_launch(session: AsyncSession, app: App, audience: Audience) -> None:
    """One launch of a release puts the app on the launcher's recent list. (The launch event itself
    goes through the analytics buffer: server/events/sink.py, from the launch route.)"""
    now = datetime.now(UTC)
    insert = await _upsert(session)
    statement = insert(RecentApp).values(audience=audience.key, app_id=app.id, opened_at=now)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[RecentApp.audience, RecentApp.app_id], set_={"opened_at": now}
        )
    )


async def _live_app(session: AsyncSession, appid: str) -> App:
    app = await session.scalar(select(App).where(App.appid == appid, *live()))
    if app is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r} is released")
    return app


async def recent(session: AsyncSession, audience: Audience) -> list[Listing]:
    rows = await session.scalars(
        select(App)
        .join(RecentApp, RecentApp.app_id == App.id)
        .where(RecentApp.audience == audience.key, *live())
        .order_by(RecentApp.opened_at.desc(), App.id)
        .limit(RECENT_LIMIT)
    )
    return [Listing.of(app) for app in rows]


async def forget_recent(session: AsyncSession, audience: Audience, appid: str) -> None:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is not None:
        await session.execute(
            delete(RecentApp).where(RecentApp.audience == audience.key, RecentApp.app_id == app.id)
        )


async def adopt_device_recents(session: AsyncSession, user: User, device_id: str) -> int:
    """Someone who used apps before signing in keeps them on their recent list; returns how many."""
    if not device_id:
        return 0
    device = Audience(None, device_id).key
    rows = list(await session.scalars(select(RecentApp).where(RecentApp.audience == device)))
    insert = await _upsert(session)
    for row in rows:
        statement = insert(RecentApp).values(
            audience=Audience(user, "").key, app_id=row.app_id, opened_at=row.opened_at
        )
        await session.execute(
            statement.on_conflict_do_update(
                index_elements=[RecentApp.audience, RecentApp.app_id],
                set_={
                    "opened_at": case(
                        (statement.excluded.opened_at > RecentApp.opened_at, statement.excluded.opened_at),
                        else_=RecentApp.opened_at,
                    )
                },
            )
        )
    return len(rows)


async def pinned(session: AsyncSession, user: User) -> list[Listing]:
    rows = await session.scalars(
        select(App)
        .join(PinnedApp, PinnedApp.app_id == App.id)
        .where(PinnedApp.user_id == user.id, *live())
        .order_by(PinnedApp.created_at, PinnedApp.id)
    )
    return [Listing.of(app) for app in rows]


async def pin(session: AsyncSession, user: User, appid: str) -> None:
    app = await _live_app(session, appid)
    exists = await session.scalar(
        select(PinnedApp.id).where(PinnedApp.user_id == user.id, PinnedApp.app_id == app.id)
    )
    if exists is not None:
        return
    count = await session.scalar(select(func.count(PinnedApp.id)).where(PinnedApp.user_id == user.id))
    if (count or 0) >= PINNED_LIMIT:
        raise Problem(409, "too_many_pinned", f"at most {PINNED_LIMIT} pinned mini programs")
    session.add(PinnedApp(user_id=user.id, app_id=app.id))


async def unpin(session: AsyncSession, user: User, appid: str) -> None:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is not None:
        await session.execute(
            delete(PinnedApp).where(PinnedApp.user_id == user.id, PinnedApp.app_id == app.id)
        )


@dataclass
class Category:
    name: str
    count: int


async def categories(session: AsyncSession) -> list[Category]:
    rows = await session.execute(
        select(App.category, func.count(App.id))
        .where(App.category != "", *live())
        .group_by(App.category)
        .order_by(func.count(App.id).desc(), App.category)
    )
    return [Category(name, int(count)) for name, count in rows.all()]


@dataclass
class About:
    """The "about" page of the capsule menu."""

    appid: str
    name: str
    icon: str
    description: str
    category: str
    developer: str
    version: str


async def about(session: AsyncSession, appid: str) -> About:
    app = await _live_app(session, appid)
    organization = await session.get(Organization, app.organization_id) if app.organization_id else None
    release = await session.get(Release, app.current_release_id)
    return About(
        appid=app.appid,
        name=app.name,
        icon=app.icon,
        description=app.description,
        category=app.category,
        developer=organization.name if organization else "",
        version=release.version if release else "",
    )
