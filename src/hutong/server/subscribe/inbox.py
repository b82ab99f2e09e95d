"""The host inbox (Messages → Service notifications): a user's messages grouped by mini program, with
unread counts; reading one app's messages marks them read. A user reaches only their own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.identity import service as identity
from hutong.server.subscribe.models import Notification

PAGE_SIZE = 50


@dataclass
class Group:
    app: App
    unread: int
    last: Notification


async def groups(session: AsyncSession, user_id: int) -> list[Group]:
    """One entry per mini program that sent the user something, most recent first."""
    unread = func.sum(case((Notification.read.is_(False), 1), else_=0))
    rows = await session.execute(
        select(Notification.app_id, func.max(Notification.id), unread)
        .where(Notification.user_id == user_id)
        .group_by(Notification.app_id)
    )
    summary = {app_id: (int(last), int(count or 0)) for app_id, last, count in rows.all()}
    if not summary:
        return []
    lasts = await session.scalars(
        select(Notification).where(Notification.id.in_([v[0] for v in summary.values()]))
    )
    apps = await session.scalars(select(App).where(App.id.in_(list(summary))))
    by_app = {app.id: app for app in apps.all()}
    found = [Group(by_app[m.app_id], summary[m.app_id][1], m) for m in lasts.all() if m.app_id in by_app]
    return sorted(found, key=lambda group: group.last.id, reverse=True)


async def messages(
    session: AsyncSession, user_id: int, appid: str, before: int | None = None
) -> tuple[App, list[Notification]]:
    """One app's messages to the user, newest first (a page of 50 before ``before``); marks them read."""
    app = await identity.app_by_appid(session, appid)
    if app is None:
        return await identity.live_app(session, appid), []
    where = [Notification.user_id == user_id, Notification.app_id == app.id]
    if before is not None:
        where.append(Notification.id < before)
    rows = await session.scalars(
        select(Notification).where(*where).order_by(Notification.id.desc()).limit(PAGE_SIZE)
    )
    found = list(rows.all())
    if found:
        await session.execute(
            update(Notification)
            .where(
                Notification.user_id == user_id, Notification.app_id == app.id, Notification.read.is_(False)
            )
            .values(read=True)
        )
        await session.commit()
    return app, found
