"""Rollups: one app's figures for one day, computed from the raw events by grouped SQL (the same on
SQLite and PostgreSQL), kept in ``analytics_rollups`` once the day is closed, computed live while it
is open (today, and until ``LATE`` after midnight). Retention reads who was active when
(``analytics_active``) against each user's first day (``analytics_users``).

A day's figures are a flat map ``(metric, key) → int``:

- ``session_cnt`` (launches: one visit each), ``scene_sessions``/``scene_uv`` by scene,
  ``platform_sessions`` by platform, ``release_sessions`` by release id
- ``visit_pv`` (page views), ``stay_ms`` (their stay), ``paged_sessions`` (visits that showed a page)
- ``page_pv``, ``page_uv``, ``page_stay``, ``entry``, ``exit``, ``bounce`` by page path
- ``depth`` (pages per visit: buckets 1–7) and ``staytime`` (a visit's stay: buckets 1–8) as WeChat's
  access_depth_info/access_staytime_info count them
- ``share_pv``, ``share_uv``, ``page_share_pv``, ``page_share_uv``
- ``error`` by "file:line<TAB>message", ``error_sessions``, ``request_fail`` by domain
- ``perf_launch``/``perf_render`` histograms by bucket upper bound (ms)
- ``event_pv``/``event_uv`` by custom event name, ``server_cnt``/``server_value`` by server event
- ``prop_count`` by "event<TAB>property<TAB>value" and ``prop_sum`` for numeric properties (see
  ``custom_properties``)
- ``uv`` (visitors), ``new_uv`` (first seen that day), ``total_uv`` (seen by then)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from hutong.server.events import store
from hutong.server.events.models import AnalyticsActive, AnalyticsRollup, AnalyticsUser, events

Figures = dict[tuple[str, str], int]
# A day is closed (its rollup kept) this long after its midnight: late events still count.
LATE = timedelta(hours=1)
PERF_BOUNDS = (100, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000)
STAY_BOUNDS = (2, 5, 10, 20, 30, 50, 100)  # seconds: WeChat's access_staytime_info keys 1–8
DONE = ("_done", "")
# An open day's figures kept by the periodic job, with when (epoch seconds): readers use them while
# they are at most PARTIAL_MAX_AGE old, and compute the day live otherwise.
PARTIAL = ("_partial", "")
PARTIAL_MAX_AGE = 15 * 60
# Figures kept beside a day that are not that day's own: a range's visitors (by its last day), a
# cohort's retention cells, a range's portrait.
RANGE_METRICS = ("uv_range", "retain", "portrait")
# Today's finished hours of a busy app, kept by the periodic job (precompute.py) beside the day's
# rollup: visits, page views and visitors by hour ("0"–"23"), and HOURS_KEPT (key "") how many of the
# day's first hours they cover. An hour is finished LATE after its end (a host's time is believed an
# hour back), so a kept hour never changes; the hours after it are counted live on every read.
HOUR_METRICS = ("hour_sessions", "hour_pv", "hour_uv")
HOURS_KEPT = ("_hours", "")
# What is kept beside an open day and survives the job's refresh of its figures.
BESIDE_TODAY = (*RANGE_METRICS, *HOUR_METRICS, HOURS_KEPT[0])


def platform_of(user_agent: str) -> str:
    """WeChat's portrait platforms: iPhone, Android, other."""
    if "iPhone" in user_agent or "iPad" in user_agent:
        return "iPhone"
    if "Android" in user_agent:
        return "Android"
    return "other"


def _of(app_id: int, day: date, kind: str) -> ColumnElement[bool]:
    return and_(events.c.app_id == app_id, events.c.day == day, events.c.kind == kind)


def _bucket(value: Any, bounds: Iterable[int], scale: int = 1) -> Any:
    """The 1-based bucket of ``value`` (its upper bounds in ``bounds``; past the last, one more)."""
    bounds = list(bounds)
    whens = [(value <= bound * scale, index + 1) for index, bound in enumerate(bounds)]
    return case(*whens, else_=len(bounds) + 1)


async def compute_day(session: AsyncSession, app_id: int, day: date) -> Figures:
    """Every figure of ``app_id``'s ``day`` from the raw events (see the module's docstring)."""
    out: Figures = defaultdict(int)

    async def put(metric: str, query: Any) -> None:
        for key, value in (await session.execute(query)).all():
            if value:
                out[(metric, "" if key is None else str(key))] += int(value)

    e = events.c
    launch = _of(app_id, day, "launch")
    await put("session_cnt", select(literal(""), func.count()).where(launch))
    await put("scene_sessions", select(e.scene, func.count()).where(launch).group_by(e.scene))
    await put(
        "scene_uv", select(e.scene, func.count(func.distinct(e.audience))).where(launch).group_by(e.scene)
    )
    platform = e.data["platform"].as_string()
    await put("platform_sessions", select(platform, func.count()).where(launch).group_by(platform))
    await put("release_sessions", select(e.release_id, func.count()).where(launch).group_by(e.release_id))

    page = _of(app_id, day, "page")
    await put("visit_pv", select(literal(""), func.count()).where(page))
    await put("stay_ms", select(literal(""), func.sum(e.value)).where(page))
    await put("paged_sessions", select(literal(""), func.count(func.distinct(e.session))).where(page))
    await put("page_pv", select(e.name, func.count()).where(page).group_by(e.name))
    await put("page_uv", select(e.name, func.count(func.distinct(e.audience))).where(page).group_by(e.name))
    await put("page_stay", select(e.name, func.sum(e.value)).where(page).group_by(e.name))
    ranked = (
        select(
            e.name,
            func.row_number().over(partition_by=e.session, order_by=(e.at, e.value)).label("first"),
            func.row_number().over(partition_by=e.session, order_by=(e.at.desc(),)).label("last"),
            func.count().over(partition_by=e.session).label("views"),
        )
        .where(page)
        .subquery()
    )
    conditions = {
        "entry": ranked.c.first == 1,
        "exit": ranked.c.last == 1,
        "bounce": and_(ranked.c.first == 1, ranked.c.views == 1),
    }
    # One pass over the ranked views for all three (the windows are the day's costliest sort).
    sums = [func.sum(case((condition, 1), else_=0)) for condition in conditions.values()]
    for name, *counts in (await session.execute(select(ranked.c.name, *sums).group_by(ranked.c.name))).all():
        for metric, count in zip(conditions, counts, strict=True):
            if count:
                out[(metric, "" if name is None else str(name))] += int(count)
    visits = (
        select(func.count().label("views"), func.coalesce(func.sum(e.value), 0).label("ms"))
        .where(page)
        .group_by(e.session)
        .subquery()
    )
    depth = case((visits.c.views <= 5, visits.c.views), (visits.c.views <= 10, 6), else_=7)
    await put("depth", select(depth, func.count()).group_by(depth))
    stay = _bucket(visits.c.ms, STAY_BOUNDS, 1000)
    await put("staytime", select(stay, func.count()).group_by(stay))

    share = _of(app_id, day, "share")
    await put("share_pv", select(literal(""), func.count()).where(share))
    await put("share_uv", select(literal(""), func.count(func.distinct(e.audience))).where(share))
    await put("page_share_pv", select(e.name, func.count()).where(share).group_by(e.name))
    await put(
        "page_share_uv", select(e.name, func.count(func.distinct(e.audience))).where(share).group_by(e.name)
    )

    error = _of(app_id, day, "error")
    where = e.data["file"].as_string(), e.data["line"].as_string()
    for file, line, message, count in (
        await session.execute(select(*where, e.name, func.count()).where(error).group_by(*where, e.name))
    ).all():
        out[("error", error_key(file, line, message))] += int(count)
    await put("error_sessions", select(literal(""), func.count(func.distinct(e.session))).where(error))
    request = _of(app_id, day, "request")
    await put("request_fail", select(e.name, func.count()).where(request).group_by(e.name))

    for name, metric in (("launch", "perf_launch"), ("first_render", "perf_render")):
        perf = and_(_of(app_id, day, "perf"), e.name == name)
        bucket = _bucket(e.value, PERF_BOUNDS)
        for index, count in (
            await session.execute(select(bucket, func.count()).where(perf).group_by(bucket))
        ).all():
            bound = PERF_BOUNDS[int(index) - 1] if int(index) <= len(PERF_BOUNDS) else "inf"
            out[(metric, str(bound))] += int(count)

    custom = _of(app_id, day, "custom")
    await put("event_pv", select(e.name, func.count()).where(custom).group_by(e.name))
    await put(
        "event_uv", select(e.name, func.count(func.distinct(e.audience))).where(custom).group_by(e.name)
    )
    for (metric, key), value in (await custom_properties(session, app_id, day)).items():
        out[(metric, key)] += value
    server = _of(app_id, day, "server")
    await put("server_cnt", select(e.name, func.count()).where(server).group_by(e.name))
    await put("server_value", select(e.name, func.sum(e.value)).where(server).group_by(e.name))

    a, u = AnalyticsActive, AnalyticsUser
    await put("uv", select(literal(""), func.count()).where(a.app_id == app_id, a.day == day))
    await put("new_uv", select(literal(""), func.count()).where(u.app_id == app_id, u.first_day == day))
    await put("total_uv", select(literal(""), func.count()).where(u.app_id == app_id, u.first_day <= day))
    return dict(out)


# A reported event's properties (wx.reportEvent's data): per event and property, how many times each
# text or true/false value came (the commonest PROPERTY_VALUES a day, the rest as OTHER), and for
# numbers their count and sum (rounded to an integer: WeChat's event fields are text or number).
PROPERTY_VALUES = 50
PROPERTY_VALUE_LENGTH = 64
OTHER = "(other)"
NUMBER = "(number)"
_PROPERTIES_SQL = {
    "postgresql": (
        "SELECT e.name, p.key, json_typeof(p.value) AS type,"
        " CASE WHEN json_typeof(p.value) <> 'number' THEN p.value #>> '{}' END AS label, count(*),"
        " sum(CASE WHEN json_typeof(p.value) = 'number' THEN (p.value #>> '{}')::numeric END)"
        " FROM analytics_events e CROSS JOIN LATERAL json_each(e.data) p"
        " WHERE e.app_id = :app AND e.day = :day AND e.kind = 'custom' AND json_typeof(e.data) = 'object'"
        " AND json_typeof(p.value) IN ('string', 'number', 'boolean')"
        " GROUP BY e.name, p.key, type, label"
    ),
    "sqlite": (
        "SELECT e.name, p.key, p.type AS type,"
        " CASE WHEN p.type IN ('integer', 'real') THEN NULL ELSE p.value END AS label, count(*),"
        " sum(CASE WHEN p.type IN ('integer', 'real') THEN p.value END)"
        " FROM analytics_events e, json_each(e.data) p"
        " WHERE e.app_id = :app AND e.day = :day AND e.kind = 'custom' AND json_type(e.data) = 'object'"
        " AND p.type IN ('text', 'integer', 'real', 'true', 'false')"
        " GROUP BY e.name, p.key, type, label"
    ),
}
_NUMBER_TYPES = {"number", "integer", "real"}


def property_key(event: str, name: str, value: str = NUMBER) -> str:
    return f"{event}\t{name}\t{value}"[:300]


async def custom_properties(session: AsyncSession, app_id: int, day: date) -> Figures:
    """``prop_count`` by "event<TAB>property<TAB>value" (``(number)`` for numbers, whose total is
    ``prop_sum`` under the same key), from one grouped query over the day's reported events."""
    dialect = (await session.connection()).dialect.name
    rows = await session.execute(text(_PROPERTIES_SQL[dialect]), {"app": app_id, "day": day})
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    out: Figures = defaultdict(int)
    for event, name, kind, value, count, total in rows.all():
        if kind in _NUMBER_TYPES:
            out[("prop_count", property_key(event, name))] += int(count)
            out[("prop_sum", property_key(event, name))] += round(float(total or 0))
        else:
            label = kind if kind in ("true", "false") else str(value)  # SQLite's booleans are 1 and 0
            counts[(event, name)][label if len(label) <= PROPERTY_VALUE_LENGTH else OTHER] += int(count)
    for (event, name), values in counts.items():
        ranked = sorted(values.items(), key=lambda item: (item[0] == OTHER, -item[1], item[0]))
        for index, (value, count) in enumerate(ranked):
            label = value if index < PROPERTY_VALUES and value != OTHER else OTHER
            out[("prop_count", property_key(event, name, label))] += count
    return dict(out)


def error_key(file: str | None, line: str | int | None, message: str) -> str:
    where = f"{file}:{line}" if file else ""
    return f"{where}\t{message}"[:300]


def closed(day: date, zone: ZoneInfo, now: datetime) -> bool:
    midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), zone)
    return now >= midnight + LATE


async def materialize(session: AsyncSession, app_id: int, day: date) -> Figures:
    """Compute a closed day and keep it (replacing what was kept)."""
    figures = await compute_day(session, app_id, day)
    await session.execute(
        delete(AnalyticsRollup).where(
            AnalyticsRollup.app_id == app_id,
            AnalyticsRollup.day == day,
            AnalyticsRollup.metric.not_in(RANGE_METRICS),  # kept beside the day, not the day's own
        )
    )
    rows = [
        {"app_id": app_id, "day": day, "metric": metric, "key": key[:300], "value": value}
        for (metric, key), value in sorted({**figures, DONE: 1}.items())
    ]
    await session.execute(insert(AnalyticsRollup), rows)
    return figures


async def materialize_closed(session: AsyncSession, zone: ZoneInfo, now: datetime | None = None) -> int:
    """Keep the rollups of the last closed days for every app that had events then (maintenance)."""
    moment = now or datetime.now(UTC)
    today = store.today(zone, moment)
    count = 0
    for day in (today - timedelta(days=2), today - timedelta(days=1)):
        if not closed(day, zone, moment):
            continue
        apps = set(await session.scalars(select(events.c.app_id).where(events.c.day == day).distinct()))
        kept = set(
            await session.scalars(
                select(AnalyticsRollup.app_id).where(
                    AnalyticsRollup.day == day, AnalyticsRollup.metric == DONE[0]
                )
            )
        )
        for app_id in sorted(apps - kept):
            await materialize(session, app_id, day)
            count += 1
    return count


async def days(
    session: AsyncSession, app_id: int, start: date, end: date, zone: ZoneInfo, now: datetime | None = None
) -> dict[date, Figures]:
    """Each day's figures from ``start`` to ``end``: kept rollups, closed days kept on first read, open
    days computed live."""
    moment = now or datetime.now(UTC)
    found: dict[date, Figures] = defaultdict(dict)
    rows = await session.execute(
        select(AnalyticsRollup.day, AnalyticsRollup.metric, AnalyticsRollup.key, AnalyticsRollup.value).where(
            AnalyticsRollup.app_id == app_id, AnalyticsRollup.day >= start, AnalyticsRollup.day <= end
        )
    )
    for day, metric, key, value in rows.all():
        if metric not in BESIDE_TODAY:
            found[day][(metric, key)] = int(value)
    result: dict[date, Figures] = {}
    day = start
    while day <= end:
        figures = found.get(day)
        if figures is not None and DONE in figures:
            result[day] = {k: v for k, v in figures.items() if k != DONE}
        elif closed(day, zone, moment):
            result[day] = await materialize(session, app_id, day)
        elif figures is not None and moment.timestamp() - figures.get(PARTIAL, 0) <= PARTIAL_MAX_AGE:
            # A busy app's open day, as the periodic job (precompute.py) last counted it.
            result[day] = {k: v for k, v in figures.items() if k != PARTIAL}
        else:
            result[day] = await compute_day(session, app_id, day)
        day += timedelta(days=1)
    return result


def total(figures: Iterable[Figures]) -> Figures:
    """Figures summed over days (counts add; distinct counts such as uv do not: read those apart)."""
    out: Figures = defaultdict(int)
    for one in figures:
        for key, value in one.items():
            out[key] += value
    return dict(out)


def by_key(figures: Figures, metric: str) -> dict[str, int]:
    return {key: value for (name, key), value in figures.items() if name == metric}


async def distinct_visitors(
    session: AsyncSession,
    app_id: int,
    start: date,
    end: date,
    zone: ZoneInfo | None = None,
    now: datetime | None = None,
) -> int:
    """Visitors over a range (uv of a week or a month: not the sum of the days'). A range of closed
    days is counted once and kept beside its last day's rollup (metric ``uv_range``, key its first
    day): the count is a distinct over every active day of the range, the costliest read there is."""
    a = AnalyticsActive
    query = select(func.count(func.distinct(a.audience))).where(
        a.app_id == app_id, a.day >= start, a.day <= end
    )
    moment = now or datetime.now(UTC)
    if zone is None:
        return int(await session.scalar(query) or 0)
    if not closed(end, zone, moment):
        # The closed days' count is kept; the open ones (today, and yesterday until it closes) add
        # those of their visitors who did not visit on the closed days (index app_id, audience, day).
        last_closed = end
        while last_closed >= start and not closed(last_closed, zone, moment):
            last_closed -= timedelta(days=1)
        if last_closed < start:
            return int(await session.scalar(query) or 0)
        before = await distinct_visitors(session, app_id, start, last_closed, zone, moment)
        b = aliased(AnalyticsActive)
        earlier = (
            select(b.audience)
            .where(b.app_id == app_id, b.audience == a.audience, b.day >= start, b.day <= last_closed)
            .exists()
        )
        added = await session.scalar(
            select(func.count(func.distinct(a.audience))).where(
                a.app_id == app_id, a.day > last_closed, a.day <= end, ~earlier
            )
        )
        return before + int(added or 0)
    kept = await session.scalar(
        select(AnalyticsRollup.value).where(
            AnalyticsRollup.app_id == app_id,
            AnalyticsRollup.day == end,
            AnalyticsRollup.metric == "uv_range",
            AnalyticsRollup.key == start.isoformat(),
        )
    )
    if kept is not None:
        return int(kept)
    count = int(await session.scalar(query) or 0)
    insert_ = store._insert((await session.connection()).dialect.name)
    await session.execute(
        insert_(AnalyticsRollup).on_conflict_do_nothing(),
        [{"app_id": app_id, "day": end, "metric": "uv_range", "key": start.isoformat(), "value": count}],
    )
    return count


async def new_visitors(
    session: AsyncSession,
    app_id: int,
    start: date,
    end: date,
    per_day: dict[date, Figures] | None = None,
    zone: ZoneInfo | None = None,
    now: datetime | None = None,
) -> int:
    """Visitors first seen in the range. Given the range's figures (``days``) and the zone, the closed
    days' kept ``new_uv`` are summed (a visitor has one first day) and only the open days are counted,
    instead of every new visitor of a month."""
    u = AnalyticsUser

    async def count(first: date, last: date) -> int:
        query = select(func.count()).where(u.app_id == app_id, u.first_day >= first, u.first_day <= last)
        return int(await session.scalar(query) or 0)

    if per_day is None or zone is None:
        return await count(start, end)
    moment = now or datetime.now(UTC)
    last_closed = end
    while last_closed >= start and not closed(last_closed, zone, moment):
        last_closed -= timedelta(days=1)
    closed_days = [start + timedelta(days=n) for n in range((last_closed - start).days + 1)]
    if any(day not in per_day for day in closed_days):
        return await count(start, end)
    kept = sum(per_day[day].get(("new_uv", ""), 0) for day in closed_days)
    return kept + (await count(last_closed + timedelta(days=1), end) if last_closed < end else 0)


async def retained(
    session: AsyncSession,
    app_id: int,
    cohort: tuple[date, date],
    later: tuple[date, date],
    *,
    new_only: bool,
) -> int:
    """Of the cohort (new users in ``cohort``, or everyone active in it), how many were active in
    ``later``."""
    a, u = AnalyticsActive, AnalyticsUser
    if new_only:
        members = select(u.audience).where(
            u.app_id == app_id, u.first_day >= cohort[0], u.first_day <= cohort[1]
        )
    else:
        members = select(a.audience).where(a.app_id == app_id, a.day >= cohort[0], a.day <= cohort[1])
    query = select(func.count(func.distinct(a.audience))).where(
        a.app_id == app_id, a.day >= later[0], a.day <= later[1], a.audience.in_(members)
    )
    return int(await session.scalar(query) or 0)


def finished_hours(day: date, zone: ZoneInfo, now: datetime) -> int:
    """How many of ``day``'s first hours (in ``zone``) no event can join any more."""
    count = 0
    while count < 24:
        start = datetime.combine(day, time(count), zone).astimezone(UTC)
        if now < start + timedelta(hours=1) + LATE:
            break
        count += 1
    return count


async def count_hours(
    session: AsyncSession, app_id: int, day: date, since: int = 0, until: int = 24
) -> list[dict[str, int]]:
    """Visits, page views and visitors of ``day``'s hours ``since`` to ``until`` - 1 from the raw
    events (index-only on (app_id, day, kind, hour, audience)); hours without any are left out."""
    e = events.c
    out: dict[int, dict[str, int]] = {}
    rows = await session.execute(
        select(e.hour, e.kind, func.count(), func.count(func.distinct(e.audience)))
        .where(
            e.app_id == app_id,
            e.day == day,
            e.kind.in_(("launch", "page")),
            e.hour >= since,
            e.hour < until,
        )
        .group_by(e.kind, e.hour)  # the index's order: no sort before grouping
    )
    for hour, kind, count, visitors in rows.all():
        slot = out.setdefault(int(hour), {"hour": int(hour), "session_cnt": 0, "visit_pv": 0, "visit_uv": 0})
        if kind == "launch":
            slot["session_cnt"] = int(count)
        else:
            slot["visit_pv"], slot["visit_uv"] = int(count), int(visitors)
    return [out[hour] for hour in sorted(out)]


async def keep_hours(session: AsyncSession, app_id: int, day: date, zone: ZoneInfo, now: datetime) -> int:
    """Count and keep ``day``'s finished hours not kept yet (the job, for a busy app); answers how
    many hours are kept now."""
    kept = await session.scalar(
        select(AnalyticsRollup.value).where(
            AnalyticsRollup.app_id == app_id,
            AnalyticsRollup.day == day,
            AnalyticsRollup.metric == HOURS_KEPT[0],
            AnalyticsRollup.key == HOURS_KEPT[1],
        )
    )
    since, until = int(kept or 0), finished_hours(day, zone, now)
    if until <= since:
        return since
    rows: list[dict[str, Any]] = []
    for slot in await count_hours(session, app_id, day, since, until):
        for metric, field in zip(HOUR_METRICS, ("session_cnt", "visit_pv", "visit_uv"), strict=True):
            if slot[field]:
                rows.append(
                    {
                        "app_id": app_id,
                        "day": day,
                        "metric": metric,
                        "key": str(slot["hour"]),
                        "value": slot[field],
                    }
                )
    await session.execute(
        delete(AnalyticsRollup).where(
            AnalyticsRollup.app_id == app_id,
            AnalyticsRollup.day == day,
            AnalyticsRollup.metric == HOURS_KEPT[0],
        )
    )
    rows.append({"app_id": app_id, "day": day, "metric": HOURS_KEPT[0], "key": HOURS_KEPT[1], "value": until})
    insert_ = store._insert((await session.connection()).dialect.name)
    await session.execute(insert_(AnalyticsRollup).on_conflict_do_nothing(), rows)
    return until


async def hourly(session: AsyncSession, app_id: int, day: date) -> list[dict[str, int]]:
    """Today, near real time: visits, page views and visitors per hour. The hours the periodic job
    kept (a busy app's finished ones) are read back; the others are counted from the raw events,
    so an event written a second ago is in its hour."""
    out = [{"hour": hour, "session_cnt": 0, "visit_pv": 0, "visit_uv": 0} for hour in range(24)]
    rows = await session.execute(
        select(AnalyticsRollup.metric, AnalyticsRollup.key, AnalyticsRollup.value).where(
            AnalyticsRollup.app_id == app_id,
            AnalyticsRollup.day == day,
            AnalyticsRollup.metric.in_((*HOUR_METRICS, HOURS_KEPT[0])),
        )
    )
    since = 0
    fields = dict(zip(HOUR_METRICS, ("session_cnt", "visit_pv", "visit_uv"), strict=True))
    for metric, key, value in rows.all():
        if metric == HOURS_KEPT[0]:
            since = int(value)
        else:
            out[int(key)][fields[metric]] = int(value)
    for slot in await count_hours(session, app_id, day, since):
        out[slot["hour"]] = slot
    return out


def percentile(histogram: dict[str, int], share: float) -> int | None:
    """The bucket bound under which ``share`` of the timings fall (None without any)."""
    items = sorted(((float(bound), count) for bound, count in histogram.items()), key=lambda item: item[0])
    seen, total_count = 0, sum(count for _, count in items)
    if not total_count:
        return None
    for bound, count in items:
        seen += count
        if seen >= share * total_count:
            return int(bound) if bound != float("inf") else -1
    return None


FUNNEL_KINDS = {"page": "page", "event": "custom"}
MAX_FUNNEL_STEPS = 8
MAX_FUNNEL_ROWS = 500_000


async def funnel(
    session: AsyncSession, app_id: int, start: date, end: date, steps: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    """An ordered funnel over pages and reported events (``[("page", path), ("event", name), …]``):
    for each step, the visits that reached it after every earlier step in the same visit, and the
    visitors who had such a visit. Read from the raw events of the range (only the steps' rows)."""
    if not 1 <= len(steps) <= MAX_FUNNEL_STEPS:
        raise ValueError(f"a funnel has 1 to {MAX_FUNNEL_STEPS} steps")
    wanted = {(FUNNEL_KINDS[kind], name) for kind, name in steps}
    e = events.c
    rows = await session.execute(
        select(e.session, e.audience, e.kind, e.name)
        .where(
            e.app_id == app_id,
            e.day >= start,
            e.day <= end,
            e.kind.in_(sorted({kind for kind, _ in wanted})),
            e.name.in_(sorted({name for _, name in wanted})),
        )
        .order_by(e.session, e.at)
        .limit(MAX_FUNNEL_ROWS)
    )
    reached: dict[str, tuple[str, int]] = {}  # visit → (visitor, steps done)
    for visit, visitor, kind, name in rows.all():
        who, done = reached.get(visit, (visitor, 0))
        if done < len(steps) and (kind, name) == (FUNNEL_KINDS[steps[done][0]], steps[done][1]):
            done += 1
        reached[visit] = (who, done)
    out = []
    for index, (kind, name) in enumerate(steps):
        visits = [who for who, done in reached.values() if done > index]
        out.append(
            {
                "step": index + 1,
                "kind": kind,
                "name": name,
                "visits": len(visits),
                "visitors": len(set(visits)),
            }
        )
    return out
