"""The figures in WeChat's shapes: the datacube answers (field names and key sets as WeChat's
getweanalysisappid* APIs give them), shared by the datacube routes and the console."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.events import rollups
from hutong.server.events.models import AnalyticsRollup
from hutong.server.events.rollups import Figures, by_key
from hutong.server.events.store import _insert as store_insert

# Our launch scenes → WeChat's access_source groups (visitdistribution): 1 the mini program history
# list, 2 search, 3 a conversation (shares), 4 a scanned code, 10 other, 11 a template or subscription
# message, 12 customer service, 16 a long-pressed code, 17 a code from an album, 34 another app,
# 36 My mini programs, 39 a web page.
SOURCE_GROUPS = {
    1001: 1, 1089: 1, 1005: 2, 1006: 2, 1027: 2, 1042: 2, 1053: 2, 1007: 3, 1008: 3, 1044: 3,
    1011: 4, 1025: 4, 1047: 4, 1031: 4, 1012: 16, 1048: 16, 1013: 17, 1032: 17, 1049: 17,
    1014: 11, 1107: 11, 1073: 12, 1074: 12, 1081: 12, 1082: 12, 1065: 34, 1069: 34, 1103: 36,
    1104: 36, 1194: 39,
}  # fmt: skip
OTHER_SOURCE = 10
RETAIN_DAYS = (0, 1, 2, 3, 4, 5, 6, 7, 14, 30)


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def source_of(scene: int) -> int:
    return SOURCE_GROUPS.get(scene, OTHER_SOURCE)


def visit_trend(figures: Figures, uv: int, new_uv: int) -> dict[str, Any]:
    """daily/weekly/monthly visittrend's fields for figures summed over the period."""
    sessions = figures.get(("session_cnt", ""), 0)
    stay = figures.get(("stay_ms", ""), 0) / 1000
    paged = figures.get(("paged_sessions", ""), 0)
    pv = figures.get(("visit_pv", ""), 0)
    return {
        "session_cnt": sessions,
        "visit_pv": pv,
        "visit_uv": uv,
        "visit_uv_new": new_uv,
        "stay_time_uv": round(stay / uv, 4) if uv else 0,
        "stay_time_session": round(stay / sessions, 4) if sessions else 0,
        "visit_depth": round(pv / paged, 4) if paged else 0,
    }


def summary(figures: Figures) -> dict[str, Any]:
    return {
        "visit_total": figures.get(("total_uv", ""), 0),
        "share_pv": figures.get(("share_pv", ""), 0),
        "share_uv": figures.get(("share_uv", ""), 0),
    }


def pages(figures: Figures, limit: int = 200) -> list[dict[str, Any]]:
    """visitpage's list, most viewed first (WeChat gives the top 200)."""
    pv = by_key(figures, "page_pv")
    uv, stay = by_key(figures, "page_uv"), by_key(figures, "page_stay")
    entry, exit_, bounce = by_key(figures, "entry"), by_key(figures, "exit"), by_key(figures, "bounce")
    share_pv, share_uv = by_key(figures, "page_share_pv"), by_key(figures, "page_share_uv")
    out = []
    for path in sorted(pv, key=lambda p: (-pv[p], p))[:limit]:
        out.append(
            {
                "page_path": path,
                "page_visit_pv": pv[path],
                "page_visit_uv": uv.get(path, 0),
                "page_staytime_pv": round(stay.get(path, 0) / 1000 / pv[path], 4),
                "entrypage_pv": entry.get(path, 0),
                "exitpage_pv": exit_.get(path, 0),
                "page_share_pv": share_pv.get(path, 0),
                "page_share_uv": share_uv.get(path, 0),
                # Hutong's addition (WeChat's console shows it; its API does not).
                "bounce_pv": bounce.get(path, 0),
            }
        )
    return out


def distribution(figures: Figures) -> list[dict[str, Any]]:
    sessions: dict[int, int] = {}
    visitors: dict[int, int] = {}
    for scene, count in by_key(figures, "scene_sessions").items():
        group = source_of(int(scene))
        sessions[group] = sessions.get(group, 0) + count
    for scene, count in by_key(figures, "scene_uv").items():
        group = source_of(int(scene))
        visitors[group] = visitors.get(group, 0) + count

    def items(values: dict[Any, int]) -> list[dict[str, int]]:
        return [
            {"key": int(key), "value": value}
            for key, value in sorted(values.items(), key=lambda i: int(i[0]))
        ]

    return [
        {"index": "access_source_session_cnt", "item_list": items(sessions)},
        {"index": "access_source_visit_uv", "item_list": items(visitors)},
        {"index": "access_staytime_info", "item_list": items(by_key(figures, "staytime"))},
        {"index": "access_depth_info", "item_list": items(by_key(figures, "depth"))},
    ]


async def retain(
    session: AsyncSession, app_id: int, start: date, end: date, step: timedelta | None, keys: tuple[int, ...]
) -> dict[str, Any]:
    """retaininfo: of the period's new (visit_uv_new) or active (visit_uv) users, how many came back
    ``key`` periods later (key 0: the period's own count). ``step`` None means calendar months."""

    def period(n: int) -> tuple[date, date]:
        if step is not None:
            return start + step * n, end + step * n
        month = start.month - 1 + n
        first = date(start.year + month // 12, month % 12 + 1, 1)
        following = date(first.year + (first.month // 12), first.month % 12 + 1, 1)
        return first, following - timedelta(days=1)

    out: dict[str, Any] = {"visit_uv_new": [], "visit_uv": []}
    for key in keys:
        later = period(key)
        for field, new_only in (("visit_uv_new", True), ("visit_uv", False)):
            value = await rollups.retained(session, app_id, (start, end), later, new_only=new_only)
            out[field].append({"key": key, "value": value})
    return out


def trend_rows(per_day: dict[date, Figures]) -> list[dict[str, Any]]:
    """One row per day for the console's trend charts and tables."""
    out = []
    for day, figures in sorted(per_day.items()):
        uv, new_uv = figures.get(("uv", ""), 0), figures.get(("new_uv", ""), 0)
        out.append(
            {
                "date": day.isoformat(),
                **visit_trend(figures, uv, new_uv),
                "share_pv": figures.get(("share_pv", ""), 0),
                "share_uv": figures.get(("share_uv", ""), 0),
                "errors": sum(by_key(figures, "error").values()),
                "error_sessions": figures.get(("error_sessions", ""), 0),
            }
        )
    return out


def scenes(figures: Figures) -> list[dict[str, Any]]:
    sessions, visitors = by_key(figures, "scene_sessions"), by_key(figures, "scene_uv")
    return [
        {
            "scene": int(scene),
            "source": source_of(int(scene)),
            "sessions": count,
            "visitors": visitors.get(scene, 0),
        }
        for scene, count in sorted(sessions.items(), key=lambda item: (-item[1], item[0]))
    ]


def custom_events(figures: Figures) -> list[dict[str, Any]]:
    pv, uv = by_key(figures, "event_pv"), by_key(figures, "event_uv")
    return [
        {"name": n, "count": c, "visitors": uv.get(n, 0)} for n, c in sorted(pv.items(), key=lambda i: -i[1])
    ]


def event_properties(figures: Figures) -> list[dict[str, Any]]:
    """Each reported event's properties: a row per text value (its count) and one per numeric
    property (how many numbers, their sum and mean), by event, property and count."""
    sums = by_key(figures, "prop_sum")
    out = []
    for key, count in by_key(figures, "prop_count").items():
        event, name, value = [*key.split("\t"), "", ""][:3]
        total = sums.get(key) if value == rollups.NUMBER else None
        out.append(
            {
                "event": event,
                "property": name,
                "value": value,
                "count": count,
                "sum": "" if total is None else total,
                "mean": "" if total is None or not count else round(total / count, 4),
            }
        )
    return sorted(out, key=lambda r: (r["event"], r["property"], r["value"] == rollups.OTHER, -r["count"]))


def server_events(figures: Figures) -> list[dict[str, Any]]:
    """What the platform's domains emitted (payments, refunds, coupons, shares' opens), with their
    summed values (fen, for money: GMV is the ``payment`` row's value)."""
    counts, values = by_key(figures, "server_cnt"), by_key(figures, "server_value")
    return [{"name": n, "count": c, "value": values.get(n, 0)} for n, c in sorted(counts.items())]


def errors(figures: Figures) -> list[dict[str, Any]]:
    out = []
    for key, count in sorted(by_key(figures, "error").items(), key=lambda item: -item[1]):
        where, _, message = key.partition("\t")
        out.append({"message": message, "source": where, "count": count})
    return out


def performance(figures: Figures) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for metric, label in (("perf_launch", "launch"), ("perf_render", "first_render")):
        histogram = by_key(figures, metric)
        out[label] = {
            "count": sum(histogram.values()),
            "p50_ms": rollups.percentile(histogram, 0.5),
            "p90_ms": rollups.percentile(histogram, 0.9),
            "p99_ms": rollups.percentile(histogram, 0.99),
        }
    out["requests_failed"] = [
        {"domain": d, "count": c}
        for d, c in sorted(by_key(figures, "request_fail").items(), key=lambda i: -i[1])
    ]
    return out


def releases(figures: Figures) -> list[dict[str, Any]]:
    return [
        {"release_id": int(r), "sessions": c}
        for r, c in sorted(by_key(figures, "release_sessions").items(), key=lambda i: -i[1])
        if r
    ]


_COHORTS = (
    "SELECT u.first_day, a.day, count(*) AS n FROM analytics_active a JOIN analytics_users u"
    " ON u.app_id = a.app_id AND u.audience = a.audience"
    " WHERE a.app_id = :app AND u.app_id = :app AND u.first_day >= :f0 AND u.first_day <= :f1"
    " AND a.day >= :d0 AND a.day <= :d1 GROUP BY u.first_day, a.day"
)
_COHORTS_FROM_ACTIVE = _COHORTS.replace(" JOIN ", " CROSS JOIN ", 1)


async def retention_table(
    session: AsyncSession,
    app_id: int,
    begin: date,
    end: date,
    keys: tuple[int, ...] = RETAIN_DAYS,
    zone: ZoneInfo | None = None,
    now: datetime | None = None,
    *,
    closed_only: bool = False,
) -> list[dict[str, Any]]:
    """Daily cohorts (new users of each day) and how many came back N days later. A cell whose day
    (cohort + N) is closed never changes: it is counted once and kept beside the cohort's rollup
    (metric ``retain``, key N); the others come from one grouped join over the cohorts missing any.
    ``closed_only`` (the periodic job, precompute.py) counts and keeps only the missing closed cells:
    the open ones (today's) would be thrown away, and the job must not pay for them every period."""
    moment = now or datetime.now(UTC)
    kept: dict[tuple[date, int], int] = {}
    if zone is not None:
        rows = await session.execute(
            select(AnalyticsRollup.day, AnalyticsRollup.key, AnalyticsRollup.value).where(
                AnalyticsRollup.app_id == app_id,
                AnalyticsRollup.metric == "retain",
                AnalyticsRollup.day >= begin,
                AnalyticsRollup.day <= end,
            )
        )
        kept = {(day, int(key)): int(value) for day, key, value in rows.all()}
    cohorts = [begin + timedelta(days=n) for n in range((end - begin).days + 1)]

    def wanted(day: date, k: int) -> bool:
        if closed_only:
            return zone is not None and rollups.closed(day + timedelta(days=k), zone, moment)
        return True

    missing = [day for day in cohorts if any((day, k) not in kept and wanted(day, k) for k in keys)]
    # The days whose visitors are still to be counted: a missing cell's day, unless it is still to
    # come (nobody has come back on a day that has not happened: 0).
    horizon = moment.date() + timedelta(days=1)
    needed = sorted(
        {
            day + timedelta(days=k)
            for day in missing
            for k in keys
            if (day, k) not in kept and wanted(day, k) and day + timedelta(days=k) <= horizon
        }
    )
    counts: dict[tuple[date, int], int] = {}
    if missing and needed:
        # The grouped join is driven from the smaller side: a read whose closed cells are kept counts
        # one or two days' visitors against a month of cohorts, so it starts from those visitors
        # (SQLite's planner would start from the cohorts' index, 10-20 times slower: CROSS JOIN keeps
        # the order there; PostgreSQL plans either well).
        from_active = (needed[-1] - needed[0]).days < (missing[-1] - missing[0]).days
        dialect = (await session.connection()).dialect.name
        query = (
            text(_COHORTS_FROM_ACTIVE if from_active and dialect == "sqlite" else _COHORTS)
            .bindparams(
                bindparam("f0", type_=Date),
                bindparam("f1", type_=Date),
                bindparam("d0", type_=Date),
                bindparam("d1", type_=Date),
            )
            .columns(first_day=Date, day=Date, n=Integer)
        )
        grouped = await session.execute(
            query, {"app": app_id, "f0": missing[0], "f1": missing[-1], "d0": needed[0], "d1": needed[-1]}
        )
        for first, day, count in grouped.all():
            counts[(first, (day - first).days)] = int(count)
        if zone is not None:
            fresh = [
                {
                    "app_id": app_id,
                    "day": day,
                    "metric": "retain",
                    "key": str(k),
                    "value": counts.get((day, k), 0),
                }
                for day in missing
                for k in keys
                if (day, k) not in kept and rollups.closed(day + timedelta(days=k), zone, moment)
            ]
            if fresh:
                dialect = (await session.connection()).dialect.name
                await session.execute(store_insert(dialect)(AnalyticsRollup).on_conflict_do_nothing(), fresh)
    out = []
    for day in cohorts:
        row: dict[str, Any] = {"date": day.isoformat()}
        for k in keys:
            row[f"day{k}"] = kept[(day, k)] if (day, k) in kept else counts.get((day, k), 0)
        out.append(row)
    return out
