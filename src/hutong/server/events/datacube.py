"""WeChat's data analysis APIs for developers' servers: ``POST /datacube/getweanalysisappid<X>`` with
``{begin_date, end_date}`` (yyyymmdd), the app's ``access_token``, WeChat's date rules (end no later
than yesterday; one day, a Monday-to-Sunday week, a calendar month, or 1/7/30 days for the portrait)
and WeChat's errors (61500 a malformed date, 61501 a range the API does not take)."""

from __future__ import annotations

import calendar
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request

from hutong.server.deps import database
from hutong.server.events import portrait, report, rollups, store
from hutong.server.wechat.access import ServerApp
from hutong.server.wechat.body import json_body
from hutong.server.wechat.errors import WxError

router = APIRouter(tags=["datacube"])
PREFIX = "/datacube/getweanalysisappid"


def _date(value: Any) -> date:
    try:
        return datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        raise WxError(61500) from None


def dates(body: dict[str, Any], zone: ZoneInfo, shape: str, now: datetime | None = None) -> tuple[date, date]:
    """The range, checked against WeChat's rule for ``shape``: day, week, month or portrait."""
    if "begin_date" not in body or "end_date" not in body:
        raise WxError(61500)
    begin, end = _date(body["begin_date"]), _date(body["end_date"])
    yesterday = store.today(zone, now) - timedelta(days=1)
    if begin > end or end > yesterday:
        raise WxError(61501)
    fits = {
        "day": begin == end,
        "week": begin.weekday() == 0 and end == begin + timedelta(days=6),
        "month": begin.day == 1 and end == begin.replace(day=calendar.monthrange(begin.year, begin.month)[1]),
        "portrait": (end - begin).days in (0, 6, 29),
    }[shape]
    if not fits:
        raise WxError(61501)
    return begin, end


Handler = Callable[[Request, Any, dict[str, Any]], Awaitable[dict[str, Any]]]
ROUTES: dict[str, Handler] = {}


def api(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        ROUTES[name] = handler
        return handler

    return register


def _zone(request: Request) -> ZoneInfo:
    return ZoneInfo(request.app.state.settings.analytics_timezone)


async def _trend(request: Request, app: Any, body: dict[str, Any], shape: str) -> dict[str, Any]:
    zone = _zone(request)
    begin, end = dates(body, zone, shape)
    async with database(request).session() as session:
        per_day = await rollups.days(session, app.id, begin, end, zone)
        figures = rollups.total(per_day.values())
        uv = await rollups.distinct_visitors(session, app.id, begin, end, zone)
        new_uv = await rollups.new_visitors(session, app.id, begin, end, per_day, zone)
    ref = {"day": report.ymd(begin), "week": f"{report.ymd(begin)}-{report.ymd(end)}"}.get(
        shape, begin.strftime("%Y%m")
    )
    return {"list": [{"ref_date": ref, **report.visit_trend(figures, uv, new_uv)}]}


@api("dailyvisittrend")
async def daily_visit_trend(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    return await _trend(request, app, body, "day")


@api("weeklyvisittrend")
async def weekly_visit_trend(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    return await _trend(request, app, body, "week")


@api("monthlyvisittrend")
async def monthly_visit_trend(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    return await _trend(request, app, body, "month")


async def _one_day(request: Request, app: Any, body: dict[str, Any]) -> tuple[date, rollups.Figures]:
    zone = _zone(request)
    day, _ = dates(body, zone, "day")
    async with database(request).session() as session:
        return day, (await rollups.days(session, app.id, day, day, zone))[day]


@api("dailysummarytrend")
async def daily_summary(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    day, figures = await _one_day(request, app, body)
    return {"list": [{"ref_date": report.ymd(day), **report.summary(figures)}]}


@api("visitpage")
async def visit_page(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    day, figures = await _one_day(request, app, body)
    return {"ref_date": report.ymd(day), "list": report.pages(figures)}


@api("visitdistribution")
async def visit_distribution(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    day, figures = await _one_day(request, app, body)
    return {"ref_date": report.ymd(day), "list": report.distribution(figures)}


async def _retain(request: Request, app: Any, body: dict[str, Any], shape: str) -> dict[str, Any]:
    begin, end = dates(body, _zone(request), shape)
    step, keys, ref = {
        "day": (timedelta(days=1), report.RETAIN_DAYS, report.ymd(begin)),
        "week": (timedelta(days=7), (0, 1, 2, 3, 4), f"{report.ymd(begin)}-{report.ymd(end)}"),
        "month": (None, (0, 1), begin.strftime("%Y%m")),
    }[shape]
    async with database(request).session() as session:
        found = await report.retain(session, app.id, begin, end, step, keys)
    return {"ref_date": ref, **found}


@api("dailyretaininfo")
async def daily_retain(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    return await _retain(request, app, body, "day")


@api("weeklyretaininfo")
async def weekly_retain(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    return await _retain(request, app, body, "week")


@api("monthlyretaininfo")
async def monthly_retain(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    return await _retain(request, app, body, "month")


@api("userportrait")
async def user_portrait(request: Request, app: Any, body: dict[str, Any]) -> dict[str, Any]:
    zone = _zone(request)
    begin, end = dates(body, zone, "portrait")
    async with database(request).session() as session:
        found = await portrait.portrait(session, app.id, begin, end, zone)
    return {"ref_date": f"{report.ymd(begin)}-{report.ymd(end)}", **found}


def _route(handler: Handler) -> Callable[[Request, ServerApp], Awaitable[dict[str, Any]]]:
    async def endpoint(request: Request, app: ServerApp) -> dict[str, Any]:
        return await handler(request, app, await json_body(request))

    endpoint.__doc__ = f"WeChat's {handler.__name__.replace('_', ' ')} (datacube)."
    return endpoint


for _name, _handler in ROUTES.items():
    router.add_api_route(f"{PREFIX}{_name}", _route(_handler), methods=["POST"], name=f"datacube_{_name}")


# /wxa/business/performance/boot: the modules Hutong measures, and what each table holds.
PERFORMANCE = {
    10016: [],  # open rate: Hutong has no count of opens that never reached the launch manifest
    10017: [
        ("launch_p50", "启动耗时 p50 (ms)", "perf_launch", 0.5),
        ("launch_p90", "启动耗时 p90 (ms)", "perf_launch", 0.9),
    ],
    10021: [
        ("page_p50", "页面切换耗时 p50 (ms)", "perf_render", 0.5),
        ("page_p90", "页面切换耗时 p90 (ms)", "perf_render", 0.9),
    ],
    10022: [],  # memory: a browser host does not see the app's memory
    10023: [],
}  # fmt: skip
MAX_PERFORMANCE_DAYS = 30


@router.post("/wxa/business/performance/boot", name="performance_boot")
async def performance_boot(request: Request, app: ServerApp) -> dict[str, Any]:
    """WeChat's performance data: per day, the launch (10017) and page switch (10021) timings the
    hosts measured, as percentiles; modules Hutong cannot measure answer empty tables."""
    body = await json_body(request)
    try:
        module = int(body["module"])
        window = body["time"]
        begin = datetime.fromtimestamp(int(window["begin_timestamp"]), UTC)
        end = datetime.fromtimestamp(int(window["end_timestamp"]), UTC)
    except (KeyError, TypeError, ValueError):
        raise WxError(47001) from None
    if module not in PERFORMANCE:
        raise WxError(40097, "invalid args: unknown module")
    if end < begin or (end - begin).days >= MAX_PERFORMANCE_DAYS:
        raise WxError(61501)
    zone = _zone(request)
    first, last = begin.astimezone(zone).date(), end.astimezone(zone).date()
    async with database(request).session() as session:
        per_day = await rollups.days(session, app.id, first, last, zone) if PERFORMANCE[module] else {}
    tables = []
    for table_id, label, metric, share in PERFORMANCE[module]:
        fields = []
        for day, figures in sorted(per_day.items()):
            value = rollups.percentile(rollups.by_key(figures, metric), share)
            if value is not None:
                fields.append({"refdate": report.ymd(day), "value": str(value)})
        tables.append({"id": table_id, "zh": label, "lines": [{"fields": fields}]})
    return {"errcode": 0, "errmsg": "ok", "data": {"body": {"tables": tables, "count": len(tables)}}}
