"""The analytics console: an app's visits, trends (charts), today by the hour, scenes, pages,
retention, custom and platform events, the release guard, and for developers its errors (grouped by
message and source line, with a stack each), timings and failed requests. Every table downloads as
CSV. Analysts (a merchant's staff) see the business pages only.

Charts are drawn by Chart.js through Chartkick.js, both served from our own origin out of the
``chartkick`` package on PyPI (it ships them, MIT), so nothing third-party is copied into the repo
and no CDN is reached."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from importlib import metadata, resources
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.console.routes import SIGN_IN, _act, _page
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import resolve
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.apps.service import get_app
from hutong.server.deps import database, event_sink
from hutong.server.events import funnels, portrait, report, rollups
from hutong.server.events.funnels import parse_steps
from hutong.server.events.manage_routes import (
    Begin,
    End,
    code_health,
    date_range,
    guard_out,
    overview,
    zone_of,
)
from hutong.server.problems import Problem

router = APIRouter(prefix="/console", include_in_schema=False)
Steps = Annotated[str, Query(max_length=2000, description="A funnel: page:<path>,event:<name>,… in order")]
CHART_FILES = {"chartkick.js", "Chart.bundle.js"}
CHARTS_VERSION = metadata.version("chartkick")
TABLES = (
    "trend", "hourly", "scenes", "pages", "retention", "events", "event_properties",
    "server_events", "errors", "requests", "funnel", "releases", "platforms", "portrait",
)  # fmt: skip


@router.get("/charts/{version}/{name}")
async def chart_script(version: str, name: str) -> Response:
    """Chart.js and Chartkick.js from the installed chartkick package (immutable per version)."""
    if name not in CHART_FILES or version != CHARTS_VERSION:
        raise Problem(404, "not_found", "no such file")
    body = (resources.files("chartkick") / "django" / "static" / "chartkick" / name).read_bytes()
    return Response(
        body,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


async def _data(
    request: Request,
    appid: str,
    begin: date | None,
    end: date | None,
    steps: str = "",
    with_portrait: bool = False,
) -> tuple[Any, dict[str, Any], dict[str, Any] | None, list[dict[str, Any]], dict[str, Any], bool] | None:
    user, _csrf = await resolve(request)
    if user is None:
        return None
    zone = zone_of(request)
    first, last = date_range(zone, begin, end)
    await event_sink(request).flush()
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.VIEW_ANALYTICS)
        role = await accounts.role_in(session, user, app.organization_id or 0)
        code = allows(role, Action.VIEW_CODE_ANALYTICS)
        business = await overview(session, app.id, first, last, zone)
        health = await code_health(session, app.id, first, last, zone) if code else None
        retention = await report.retention_table(session, app.id, first, last, zone=zone)
        guard = await guard_out(session, app.id)
        wanted = parse_steps(steps) if steps else []
        business["funnel"] = await rollups.funnel(session, app.id, first, last, wanted) if wanted else []
        business["portrait"] = (
            portrait_rows(await portrait.portrait(session, app.id, first, last, zone))
            if with_portrait
            else []
        )
        business["saved_funnels"] = [funnels.out(f) for f in await funnels.saved(session, app.id)]
    return app, business, health, retention, guard, code


def portrait_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """userportrait as rows: who (all visitors of the range, or the new ones), what, and how many."""
    out = []
    for half, who in (("visit_uv", "all"), ("visit_uv_new", "new")):
        for key in portrait.KEYS.values():
            for item in found[half][key]:
                out.append(
                    {
                        "visitors": who,
                        "field": key,
                        "id": item["id"],
                        "name": item["name"],
                        "value": item["value"],
                    }
                )
    return out


def rows_of(
    table: str, business: dict[str, Any], health: dict[str, Any] | None, retention: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One console table as rows (the page and its CSV download show the same)."""
    if table == "retention":
        return retention
    if table in ("errors", "requests"):
        if health is None:
            raise Problem(403, "forbidden", "errors and performance are for the app's developers")
        if table == "requests":
            rows: list[dict[str, Any]] = health["requests_failed"]
            return rows
        return [{k: v for k, v in group.items()} for group in health["errors"]]
    rows = business[table]
    return rows


@router.get("/apps/{appid}/analytics")
async def analytics_page(
    appid: str,
    request: Request,
    begin: Begin = None,
    end: End = None,
    funnel: Steps = "",
    show_portrait: Annotated[int, Query(alias="portrait", ge=0, le=1)] = 0,
) -> Response:
    found = await _data(request, appid, begin, end, funnel, with_portrait=bool(show_portrait))
    if found is None:
        return SIGN_IN
    app, business, health, retention, guard, code = found
    user, csrf = await resolve(request)
    trend = business["trend"]
    charts = {
        "trend": [
            {"name": label, "data": [[row["date"], row[field]] for row in trend]}
            for label, field in (
                ("Visits", "session_cnt"),
                ("Page views", "visit_pv"),
                ("Visitors", "visit_uv"),
                ("New visitors", "visit_uv_new"),
            )
        ],
        "hourly": [
            {"name": label, "data": [[f"{h['hour']:02d}:00", h[field]] for h in business["hourly"]]}
            for label, field in (("Visits", "session_cnt"), ("Page views", "visit_pv"))
        ],
        "scenes": [[str(row["scene"]), row["sessions"]] for row in business["scenes"]],
        "errors": [[row["date"], row["errors"]] for row in trend],
    }
    return _page(
        request,
        "analytics.html",
        user,
        csrf,
        app=app,
        business=business,
        health=health,
        retention=retention,
        retention_keys=[f"day{k}" for k in report.RETAIN_DAYS],
        guard=guard,
        code=code,
        charts=json.dumps(charts, ensure_ascii=False),
        charts_version=CHARTS_VERSION,
        range={"begin": business["begin"], "end": business["end"]},
        funnel_steps=funnel,
        show_portrait=bool(show_portrait),
    )


@router.get("/apps/{appid}/analytics.csv")
async def analytics_csv(
    appid: str,
    request: Request,
    table: Annotated[str, Query(description="Which table: " + ", ".join(TABLES))],
    begin: Begin = None,
    end: End = None,
    funnel: Steps = "",
) -> Response:
    if table not in TABLES:
        raise Problem(422, "invalid_table", f"table is one of {', '.join(TABLES)}")
    found = await _data(request, appid, begin, end, funnel, with_portrait=table == "portrait")
    if found is None:
        return SIGN_IN
    _app, business, health, retention, _guard, _code = found
    rows = rows_of(table, business, health, retention)
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    name = f"{appid}-{table}-{business['begin']}-{business['end']}.csv"
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.post("/apps/{appid}/analytics/funnels")
async def save_funnel(appid: str, request: Request) -> Response:
    """Keep the funnel in the form (name, steps) and show it counted."""
    form = dict((await request.form()).items())
    steps = str(form.get("steps", ""))

    async def run(session: AsyncSession, user: User, fields: dict[str, str]) -> str:
        funnel, _ = await funnels.save(session, user, appid, fields.get("name", ""), fields.get("steps", ""))
        return f"funnel “{funnel.name}” saved"

    back = f"/console/apps/{appid}/analytics?funnel={quote(steps)}"
    return await _act(request, back, run)


@router.post("/apps/{appid}/analytics/funnels/{funnel_id}/delete")
async def delete_funnel(appid: str, funnel_id: int, request: Request) -> Response:
    async def run(session: AsyncSession, user: User, fields: dict[str, str]) -> str:
        await funnels.delete(session, user, appid, funnel_id)
        return "funnel deleted"

    return await _act(request, f"/console/apps/{appid}/analytics", run)
