"""The analytics console's API (and the console pages' data): an app's figures over a date range, its
errors and performance (developers only: the code's), its retention, and the release guard's
settings. Organization members only; outsiders get 404."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import Release
from hutong.server.apps.service import get_app
from hutong.server.audit.models import AuditEntry
from hutong.server.audit.service import record
from hutong.server.deps import database, event_sink
from hutong.server.events import report, rollups, store
from hutong.server.events.funnels import parse_steps
from hutong.server.events.guard import ACTIONS, settings_of
from hutong.server.events.models import ReleaseGuard, events
from hutong.server.problems import Problem

router = APIRouter(prefix="/api/manage/apps/{appid}/analytics", tags=["analytics"])
CurrentUser = Annotated[User, Depends(current_user)]
MAX_DAYS = 92
SAMPLES = 2000  # recent errors read for the groups' sample stacks
DEFAULT_DAYS = 30


def zone_of(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.analytics_timezone)


def date_range(zone: ZoneInfo, begin: date | None, end: date | None) -> tuple[date, date]:
    """The range asked for (both ends included), by default the last 30 days through today."""
    last = end or store.today(zone)
    first = begin or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise Problem(422, "invalid_range", "begin is after end")
    if (last - first).days >= MAX_DAYS:
        raise Problem(422, "invalid_range", f"at most {MAX_DAYS} days at a time")
    return first, last


Begin = Annotated[date | None, Query(description="First day (YYYY-MM-DD), in the analytics time zone.")]
End = Annotated[date | None, Query(description="Last day, included (default today).")]


async def overview(
    session: AsyncSession, app_id: int, first: date, last: date, zone: ZoneInfo
) -> dict[str, Any]:
    """Everything the business pages show for a range."""
    per_day = await rollups.days(session, app_id, first, last, zone)
    figures = rollups.total(per_day.values())
    uv = await rollups.distinct_visitors(session, app_id, first, last, zone)
    new_uv = await rollups.new_visitors(session, app_id, first, last, per_day, zone)
    today = store.today(zone)
    return {
        "begin": first.isoformat(),
        "end": last.isoformat(),
        "totals": {**report.visit_trend(figures, uv, new_uv), **report.summary(per_day[last])},
        "trend": report.trend_rows(per_day),
        "hourly": await rollups.hourly(session, app_id, today) if first <= today <= last else [],
        "scenes": report.scenes(figures),
        "pages": report.pages(figures),
        "distribution": report.distribution(figures),
        "events": report.custom_events(figures),
        "event_properties": report.event_properties(figures),
        "server_events": report.server_events(figures),
        "releases": await _versions(session, report.releases(figures)),
        "platforms": [
            {"name": name or "other", "value": value}
            for name, value in sorted(
                rollups.by_key(figures, "platform_sessions").items(), key=lambda i: (-i[1], i[0] or "other")
            )
        ],
    }


async def _versions(session: AsyncSession, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Visits by release, with each release's version number."""
    ids = [row["release_id"] for row in rows]
    names = dict(
        (await session.execute(select(Release.id, Release.version).where(Release.id.in_(ids)))).all()
    )
    return [{**row, "version": names.get(row["release_id"], "")} for row in rows]


async def code_health(
    session: AsyncSession, app_id: int, first: date, last: date, zone: ZoneInfo
) -> dict[str, Any]:
    """The developers' pages: errors grouped by message and source line (with one stack each),
    timings, failed requests."""
    figures = rollups.total((await rollups.days(session, app_id, first, last, zone)).values())
    groups = report.errors(figures)[:100]
    # One stack per group, from the most recent days first: one partition per read, most groups are
    # found in the last day, and no read sorts the range's errors.
    e = events.c
    wanted = {f"{group['source']}\t{group['message']}" for group in groups}
    samples: dict[str, dict[str, Any]] = {}
    day = last
    while day >= first and wanted - set(samples):
        latest = await session.execute(
            select(e.name, e.data).where(e.app_id == app_id, e.day == day, e.kind == "error").limit(SAMPLES)
        )
        for name, data in latest.all():
            found = data or {}
            samples.setdefault(rollups.error_key(found.get("file"), found.get("line"), name), found)
        day -= timedelta(days=1)
    for group in groups:
        data = samples.get(f"{group['source']}\t{group['message']}", {})
        group["stack"] = str(data.get("stack", ""))
        group["page"] = str(data.get("page", ""))
    return {
        "begin": first.isoformat(),
        "end": last.isoformat(),
        "errors": groups,
        **report.performance(figures),
    }


@router.get("/overview")
async def get_overview(
    appid: str, request: Request, user: CurrentUser, begin: Begin = None, end: End = None
) -> dict[str, Any]:
    zone = zone_of(request)
    first, last = date_range(zone, begin, end)
    await event_sink(request).flush()  # this process's last second of events counts too
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.VIEW_ANALYTICS)
        return await overview(session, app.id, first, last, zone)


@router.get("/retention")
async def get_retention(
    appid: str, request: Request, user: CurrentUser, begin: Begin = None, end: End = None
) -> list[dict[str, Any]]:
    zone = zone_of(request)
    first, last = date_range(zone, begin, end)
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.VIEW_ANALYTICS)
        return await report.retention_table(session, app.id, first, last, zone=zone)


@router.get("/errors")
async def get_errors(
    appid: str, request: Request, user: CurrentUser, begin: Begin = None, end: End = None
) -> dict[str, Any]:
    zone = zone_of(request)
    first, last = date_range(zone, begin, end)
    await event_sink(request).flush()
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.VIEW_CODE_ANALYTICS)
        return await code_health(session, app.id, first, last, zone)


@router.get("/funnel")
async def get_funnel(
    appid: str,
    request: Request,
    user: CurrentUser,
    steps: Annotated[str, Query(max_length=2000, description="page:<path>,event:<name>,… in order")],
    begin: Begin = None,
    end: End = None,
) -> list[dict[str, Any]]:
    zone = zone_of(request)
    first, last = date_range(zone, begin, end)
    wanted = parse_steps(steps)
    await event_sink(request).flush()
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.VIEW_ANALYTICS)
        return await rollups.funnel(session, app.id, first, last, wanted)


class GuardIn(BaseModel):
    enabled: bool = True
    action: str = Field(default="rollback", description="pause or rollback")
    min_sessions: int = Field(default=20, ge=1, le=1_000_000)
    max_ratio: float = Field(default=2.0, ge=1.0, le=100.0)
    min_margin: float = Field(default=0.05, ge=0.0, le=1.0)


async def guard_out(session: AsyncSession, app_id: int) -> dict[str, Any]:
    guard = await settings_of(session, app_id)
    last = await session.scalar(
        select(AuditEntry)
        .where(AuditEntry.app_id == app_id, AuditEntry.action == "release.guard")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return {
        "enabled": guard.enabled,
        "action": guard.action,
        "min_sessions": guard.min_sessions,
        "max_ratio": guard.max_ratio,
        "min_margin": guard.min_margin,
        "last_stop": None if last is None else {"at": _iso(last.created_at), **last.detail},
    }


def _iso(value: datetime) -> str:
    return value.isoformat()


@router.get("/guard")
async def get_guard(appid: str, request: Request, user: CurrentUser) -> dict[str, Any]:
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.READ)
        return await guard_out(session, app.id)


@router.put("/guard")
async def put_guard(appid: str, body: GuardIn, request: Request, user: CurrentUser) -> dict[str, Any]:
    if body.action not in ACTIONS:
        raise Problem(422, "invalid_action", "the guard pauses or rolls back: action is pause or rollback")
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.RELEASE)
        guard = await session.get(ReleaseGuard, app.id)
        if guard is None:
            guard = ReleaseGuard(app_id=app.id)
            session.add(guard)
        for field, value in body.model_dump().items():
            setattr(guard, field, value)
        await record(session, app.id, user, "release.guard_settings", settings=body.model_dump())
        await session.flush()
        return await guard_out(session, app.id)
