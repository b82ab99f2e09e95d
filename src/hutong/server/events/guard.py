"""The release guard: during a phased release, the new version's failure rate is compared with the
current version's over the same window (since the phase started); past the app's thresholds the
platform pauses the phase or rolls it back by itself, writes why in the audit log (action
``release.guard``, no actor: the platform) and tells the developer: the console's app page and
analytics page show the latest guard entry, and the app's message push gets a
``hutong_release_guard`` event (guard_push.py).

A visit (one launch) *failed* when it reported an uncaught error or the launch itself failed. The new
version trips the guard when it has at least ``min_sessions`` visits and its failure rate exceeds
both ``max_ratio`` × the current version's rate and the current rate + ``min_margin``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App, Release
from hutong.server.audit.models import AuditEntry
from hutong.server.audit.service import record
from hutong.server.db import Database
from hutong.server.events import guard_push
from hutong.server.events.models import ReleaseGuard, events

DEFAULTS = ReleaseGuard(enabled=True, action="rollback", min_sessions=20, max_ratio=2.0, min_margin=0.05)
ACTIONS = ("pause", "rollback")


@dataclass(frozen=True)
class Health:
    sessions: int
    failed: int

    @property
    def rate(self) -> float:
        return self.failed / self.sessions if self.sessions else 0.0


async def settings_of(session: AsyncSession, app_id: int) -> ReleaseGuard:
    found = await session.get(ReleaseGuard, app_id)
    return found if found is not None else DEFAULTS


async def phase_started(session: AsyncSession, app: App) -> datetime:
    """When the phased release of ``app.rollout_release_id`` started (its audit entry)."""
    started = await session.scalar(
        select(func.max(AuditEntry.created_at)).where(
            AuditEntry.app_id == app.id, AuditEntry.action == "release.start"
        )
    )
    if started is None:
        return datetime.now(UTC) - timedelta(days=1)
    return started if started.tzinfo else started.replace(tzinfo=UTC)


async def health(session: AsyncSession, app_id: int, release_id: int | None, since: datetime) -> Health:
    if release_id is None:
        return Health(0, 0)
    e = events.c
    window = and_(e.app_id == app_id, e.release_id == release_id, e.day >= since.date(), e.at >= since)
    sessions = await session.scalar(select(func.count()).where(window, e.kind == "launch"))
    failed = await session.scalar(
        select(func.count(func.distinct(e.session))).where(window, e.kind == "error")
    )
    return Health(int(sessions or 0), int(failed or 0))


def verdict(guard: ReleaseGuard, new: Health, old: Health) -> str | None:
    """Why the new version should stop, or None."""
    if new.sessions < guard.min_sessions:
        return None
    limit = max(old.rate * guard.max_ratio, old.rate + guard.min_margin)
    if new.rate <= limit:
        return None
    return (
        f"{new.failed} of {new.sessions} visits of the new version failed ({new.rate:.0%}), against "
        f"{old.failed} of {old.sessions} ({old.rate:.0%}) of the current version; the limit is {limit:.0%}"
    )


async def check_app(session: AsyncSession, app: App) -> str | None:
    """Look at one app's phased release; act and answer why when it trips."""
    if app.rollout_release_id is None or app.status != "active":
        return None
    guard = await settings_of(session, app.id)
    if not guard.enabled or (guard.action == "pause" and app.rollout_paused):
        return None
    since = await phase_started(session, app)
    new = await health(session, app.id, app.rollout_release_id, since)
    old = await health(session, app.id, app.current_release_id, since)
    why = verdict(guard, new, old)
    if why is None:
        return None
    stopped = app.rollout_release_id
    version = await session.scalar(select(Release.version).where(Release.id == stopped))
    detail: dict[str, Any] = {
        "release_id": stopped,
        "version": version,
        "stop": guard.action,
        "reason": why,
        "new": {"sessions": new.sessions, "failed": new.failed},
        "current": {"sessions": old.sessions, "failed": old.failed},
    }
    if guard.action == "pause":
        app.rollout_paused = True
    else:
        app.rollout_release_id = None
        app.rollout_percentage = 0
        app.rollout_allowlist = []
        app.rollout_paused = False
    await record(session, app.id, None, "release.guard", **detail)
    await guard_push.notify(session, app, detail)
    return why


async def check(database: Database, app_ids: Iterable[int]) -> list[str]:
    """After a flush: every app in ``app_ids`` with a phased release under way."""
    reasons = []
    async with database.session() as session:
        apps = await session.scalars(
            select(App).where(App.id.in_(sorted(set(app_ids))), App.rollout_release_id.is_not(None))
        )
        for app in list(apps):
            why = await check_app(session, app)
            if why:
                reasons.append(why)
    return reasons
