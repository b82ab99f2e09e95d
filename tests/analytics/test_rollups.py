"""Rollups and retention on SQLite and PostgreSQL against figures worked out by hand (fixed.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from hutong.server.db import Database
from hutong.server.events import precompute, report, rollups, store
from hutong.server.events.models import AnalyticsRollup
from tests.analytics.fixed import APP, D0, D1, D7, UTC_ZONE, at, rows

LATER = at(D7 + timedelta(days=10), 12)  # every day of the set is closed


async def test_a_day_s_figures_match_the_hand_count(database: Database) -> None:
    async with database.session() as session:
        await store.write(session, rows())
    async with database.session() as session:
        d0 = await rollups.compute_day(session, APP, D0)
        d1 = await rollups.compute_day(session, APP, D1)
    assert d0 == {
        ("session_cnt", ""): 3,
        ("scene_sessions", "1001"): 1,
        ("scene_sessions", "1005"): 1,
        ("scene_sessions", "1007"): 1,
        ("scene_uv", "1001"): 1,
        ("scene_uv", "1005"): 1,
        ("scene_uv", "1007"): 1,
        ("platform_sessions", "iPhone"): 2,
        ("platform_sessions", "Android"): 1,
        ("release_sessions", "10"): 3,
        ("visit_pv", ""): 4,
        ("stay_ms", ""): 77000,
        ("paged_sessions", ""): 3,
        ("page_pv", "pages/index/index"): 2,
        ("page_pv", "pages/detail/detail"): 2,
        ("page_uv", "pages/index/index"): 2,
        ("page_uv", "pages/detail/detail"): 1,
        ("page_stay", "pages/index/index"): 5000,
        ("page_stay", "pages/detail/detail"): 72000,
        ("entry", "pages/index/index"): 2,
        ("entry", "pages/detail/detail"): 1,
        ("exit", "pages/index/index"): 1,
        ("exit", "pages/detail/detail"): 2,
        ("bounce", "pages/index/index"): 1,
        ("bounce", "pages/detail/detail"): 1,
        ("depth", "1"): 2,  # b1, a2
        ("depth", "2"): 1,  # a1
        ("staytime", "1"): 1,  # b1: 1 s
        ("staytime", "4"): 1,  # a1: 16 s
        ("staytime", "7"): 1,  # a2: 60 s
        ("share_pv", ""): 1,
        ("share_uv", ""): 1,
        ("page_share_pv", "pages/index/index"): 1,
        ("page_share_uv", "pages/index/index"): 1,
        ("error", "app.js:3\tboom"): 1,
        ("error_sessions", ""): 1,
        ("perf_launch", "300"): 1,
        ("event_pv", "buy"): 1,
        ("event_uv", "buy"): 1,
        ("prop_count", "buy\tsku\tx"): 1,
        ("uv", ""): 2,
        ("new_uv", ""): 2,
        ("total_uv", ""): 2,
    }
    assert d1[("session_cnt", "")] == 2 and d1[("visit_pv", "")] == 4
    assert (d1[("uv", "")], d1[("new_uv", "")], d1[("total_uv", "")]) == (2, 1, 3)
    assert rollups.by_key(d1, "entry") == {"pages/index/index": 2}
    assert rollups.by_key(d1, "exit") == {"pages/index/index": 2}
    assert rollups.by_key(d1, "depth") == {"1": 1, "3": 1}
    # WeChat's shapes of D0.
    assert report.visit_trend(d0, 2, 2) == {
        "session_cnt": 3,
        "visit_pv": 4,
        "visit_uv": 2,
        "visit_uv_new": 2,
        "stay_time_uv": 38.5,
        "stay_time_session": 25.6667,
        "visit_depth": 1.3333,
    }
    assert report.pages(d0)[1] == {
        "page_path": "pages/index/index",
        "page_visit_pv": 2,
        "page_visit_uv": 2,
        "page_staytime_pv": 2.5,
        "entrypage_pv": 2,
        "exitpage_pv": 1,
        "page_share_pv": 1,
        "page_share_uv": 1,
        "bounce_pv": 1,
    }
    assert report.distribution(d0)[0] == {
        "index": "access_source_session_cnt",
        "item_list": [{"key": 1, "value": 1}, {"key": 2, "value": 1}, {"key": 3, "value": 1}],
    }


async def test_closed_days_are_kept_and_read_back_the_same(database: Database) -> None:
    async with database.session() as session:
        await store.write(session, rows())
    async with database.session() as session:
        live = await rollups.compute_day(session, APP, D0)
        first = await rollups.days(session, APP, D0, D7, UTC_ZONE, LATER)  # materializes
    async with database.session() as session:
        again = await rollups.days(session, APP, D0, D7, UTC_ZONE, LATER)  # reads what was kept
        week = rollups.total(again.values())
        assert await rollups.distinct_visitors(session, APP, D0, D0 + timedelta(days=6)) == 3
        assert await rollups.new_visitors(session, APP, D0, D0 + timedelta(days=6)) == 3
    assert first == again and again[D0] == live
    assert week[("session_cnt", "")] == 6 and week[("visit_pv", "")] == 9
    assert again[D0 + timedelta(days=3)] == {("total_uv", ""): 3}
    # A day that is still open is computed live, never kept.
    async with database.session() as session:
        today = await rollups.days(session, APP, D7, D7, UTC_ZONE, at(D7, 23))
        assert today[D7][("session_cnt", "")] == 1
        hours = await rollups.hourly(session, APP, D0)
    assert [h for h in hours if h["session_cnt"] or h["visit_pv"]] == [
        {"hour": 10, "session_cnt": 1, "visit_pv": 2, "visit_uv": 1},
        {"hour": 11, "session_cnt": 1, "visit_pv": 1, "visit_uv": 1},
        {"hour": 15, "session_cnt": 1, "visit_pv": 1, "visit_uv": 1},
    ]


async def test_retention_by_day_and_week(database: Database) -> None:
    async with database.session() as session:
        await store.write(session, rows())
    async with database.session() as session:
        daily = await report.retain(session, APP, D0, D0, timedelta(days=1), report.RETAIN_DAYS)
        weekly = await report.retain(
            session, APP, D0, D0 + timedelta(days=6), timedelta(days=7), (0, 1, 2, 3, 4)
        )
    # New on D0: A and B. A is back on D1, B on D7. Active on D0: the same two.
    expected = {0: 2, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 1, 14: 0, 30: 0}
    assert daily["visit_uv_new"] == [{"key": k, "value": v} for k, v in expected.items()]
    assert daily["visit_uv"] == [{"key": k, "value": v} for k, v in expected.items()]
    # Week of D0: A, B and C are new; only B comes back the next week.
    assert weekly["visit_uv_new"] == [
        {"key": k, "value": v} for k, v in {0: 3, 1: 1, 2: 0, 3: 0, 4: 0}.items()
    ]


async def test_funnels_by_visit_and_visitor(database: Database) -> None:
    async with database.session() as session:
        await store.write(session, rows())
    steps = [("page", "pages/index/index"), ("page", "pages/detail/detail"), ("event", "buy")]
    async with database.session() as session:
        found = await rollups.funnel(session, APP, D0, D7, steps)
        backwards = await rollups.funnel(session, APP, D0, D7, [steps[1], steps[0]])
    # Visits: a1 index → detail → buy; c1 index → detail; b1, a3, b2 index only; a2 detail only.
    assert [(s["visits"], s["visitors"]) for s in found] == [(5, 3), (2, 2), (1, 1)]
    # Detail then index in one visit: a2 never went on; only c1 came back to index after detail.
    assert [(s["visits"], s["visitors"]) for s in backwards] == [(3, 2), (1, 1)]


async def test_reported_event_properties_are_counted_and_summed(database: Database, monkeypatch: Any) -> None:
    monkeypatch.setattr(rollups, "PROPERTY_VALUES", 2)  # the commonest two values a day, then (other)
    data: list[dict[str, Any]] = [
        {"sku": "tea", "price": 1200, "gift": True},
        {"sku": "tea", "price": 1300, "gift": False},
        {"sku": "cake", "price": 550.4},
        {"sku": "bun", "note": {"nested": 1}, "tags": ["a"]},  # objects and lists are not rolled up
        {"sku": "x" * 100},  # past 64 characters: (other)
        {"sku": "tea"},
    ]
    extra = [
        store.row(
            at=at(D0, 12, 0, n), zone=UTC_ZONE, app_id=APP, audience="device:P", session="p1",
            kind="custom", name="pay", data=item,
        )
        for n, item in enumerate(data)
    ]  # fmt: skip
    extra.append(
        store.row(at=at(D0, 12), zone=UTC_ZONE, app_id=APP, audience="device:P", kind="custom", name="pay")
    )
    async with database.session() as session:
        await store.write(session, rows() + extra)
    async with database.session() as session:
        d0 = await rollups.compute_day(session, APP, D0)
    assert rollups.by_key(d0, "prop_count") == {
        "buy\tsku\tx": 1,
        "pay\tsku\ttea": 3,
        "pay\tsku\tbun": 1,  # bun and cake have one each: the first by name stays
        "pay\tsku\t(other)": 2,  # cake, and the long one
        "pay\tprice\t(number)": 3,
        "pay\tgift\ttrue": 1,
        "pay\tgift\tfalse": 1,
    }
    assert rollups.by_key(d0, "prop_sum") == {"pay\tprice\t(number)": 3050}
    table = report.event_properties(d0)
    assert {"event": "pay", "property": "price", "value": "(number)", "count": 3, "sum": 3050,
            "mean": 1016.6667} in table  # fmt: skip
    assert [r["value"] for r in table if r["event"] == "pay" and r["property"] == "sku"] == [
        "tea",
        "bun",
        "(other)",
    ]


async def test_ranges_ending_today_and_a_busy_app_s_today_read_what_was_kept(
    database: Database, monkeypatch: Any
) -> None:
    async with database.session() as session:
        await store.write(session, rows())
    noon = at(D1, 12)  # D0 is closed, D1 (today) is open
    async with database.session() as session:
        # A, B on D0 (kept once counted); today adds C (A came back): three, not four.
        assert await rollups.distinct_visitors(session, APP, D0, D1, UTC_ZONE, noon) == 3
        # New visitors: D0's kept new_uv (A, B) and today's counted (C).
        per_day = await rollups.days(session, APP, D0, D1, UTC_ZONE, noon)
        assert per_day[D0][("new_uv", "")] == 2
        assert await rollups.new_visitors(session, APP, D0, D1, per_day, UTC_ZONE, noon) == 3
        kept = await session.scalar(
            select(AnalyticsRollup.value).where(
                AnalyticsRollup.metric == "uv_range",
                AnalyticsRollup.day == D0,
                AnalyticsRollup.key == D0.isoformat(),
            )
        )
        assert kept == 2
        await rollups.materialize(session, APP, D0)  # keeping D0's own figures keeps the range's count
        assert (
            await session.scalar(
                select(AnalyticsRollup.value).where(
                    AnalyticsRollup.metric == "uv_range", AnalyticsRollup.day == D0
                )
            )
            == 2
        )
        # The periodic job keeps the last closed 7, 29 and 30 days' visitors of apps active on D0.
        assert await precompute.keep_windows(session, UTC_ZONE, noon) == 3
        monkeypatch.setattr(precompute, "PARTIAL_MIN_EVENTS", 5)  # D1 has 7 events: busy enough
        assert await precompute.keep_today(session, UTC_ZONE, noon) == 1
    late = store.row(
        at=at(D1, 12, 1),
        zone=UTC_ZONE,
        app_id=APP,
        audience="device:D",
        session="d1",
        kind="launch",
        scene=1001,
    )
    async with database.session() as session:
        await store.write(session, [late])
    async with database.session() as session:
        soon = await rollups.days(session, APP, D1, D1, UTC_ZONE, at(D1, 12, 10))
        later = await rollups.days(session, APP, D1, D1, UTC_ZONE, at(D1, 12, 30))
        assert await rollups.distinct_visitors(session, APP, D0, D1, UTC_ZONE, noon) == 4  # D arrived
        per_day = await rollups.days(session, APP, D0, D1, UTC_ZONE, at(D1, 12, 10))
        assert await rollups.new_visitors(session, APP, D0, D1, per_day, UTC_ZONE, noon) == 4  # at once
    assert soon[D1][("session_cnt", "")] == 2  # what the job counted at noon, ten minutes before
    assert later[D1][("session_cnt", "")] == 3  # past 15 minutes old: counted live
    assert rollups.PARTIAL not in soon[D1]


async def test_the_job_keeps_the_closed_retention_cells_a_live_read_counts(database: Database) -> None:
    async with database.session() as session:
        await store.write(session, rows())
    today = D1 + timedelta(days=1)
    noon = at(today, 12)  # D0 and D1 are closed; today is open
    first = today - timedelta(days=precompute.RETENTION_DAYS - 1)
    async with database.session() as session:
        assert await precompute.keep_retention(session, UTC_ZONE, noon) == 1  # active on D1
        kept = {
            (day, int(key)): value
            for day, key, value in (
                await session.execute(
                    select(AnalyticsRollup.day, AnalyticsRollup.key, AnalyticsRollup.value).where(
                        AnalyticsRollup.app_id == APP, AnalyticsRollup.metric == "retain"
                    )
                )
            ).all()
        }
        live = await report.retention_table(session, APP, first, today, now=noon)  # no zone: nothing kept
        # A second period has nothing to count: every closed cell is kept, the open ones are not its.
        assert await precompute.keep_retention(session, UTC_ZONE, noon) == 1
        again = await session.scalar(
            select(func.count()).select_from(AnalyticsRollup).where(AnalyticsRollup.metric == "retain")
        )
        read = await report.retention_table(session, APP, first, today, zone=UTC_ZONE, now=noon)
    # Exactly the closed cells (cohort + N before today), each as the live read counts it.
    closed = {
        (day, k)
        for day in (first + timedelta(days=n) for n in range(precompute.RETENTION_DAYS))
        for k in report.RETAIN_DAYS
        if day + timedelta(days=k) < today
    }
    assert set(kept) == closed and again == len(closed)
    by_day = {row["date"]: row for row in live}
    assert all(kept[(day, k)] == by_day[day.isoformat()][f"day{k}"] for day, k in closed)
    # A and B new on D0, A back on D1; C new on D1.
    assert (kept[(D0, 0)], kept[(D0, 1)], kept[(D1, 0)]) == (2, 1, 1)
    assert read == live  # the console's read: the kept cells and today's, counted live


async def test_a_busy_app_s_finished_hours_are_kept_and_the_rest_counted_live(
    database: Database, monkeypatch: Any
) -> None:
    async with database.session() as session:
        await store.write(session, rows())
    monkeypatch.setattr(precompute, "PARTIAL_MIN_EVENTS", 5)  # D1 has 7 events: busy enough
    evening = at(D1, 21, 30)  # hours 0-19 ended more than an hour ago; 20 and 21 may still grow
    assert rollups.finished_hours(D1, UTC_ZONE, evening) == 20

    async def kept() -> dict[tuple[str, str], int]:
        async with database.session() as session:
            found = await session.execute(
                select(AnalyticsRollup.metric, AnalyticsRollup.key, AnalyticsRollup.value).where(
                    AnalyticsRollup.day == D1,
                    AnalyticsRollup.metric.in_((*rollups.HOUR_METRICS, rollups.HOURS_KEPT[0])),
                )
            )
            return {(metric, key): int(value) for metric, key, value in found.all()}

    async with database.session() as session:
        assert await precompute.keep_today(session, UTC_ZONE, evening) == 1
    assert await kept() == {
        ("_hours", ""): 20,
        ("hour_sessions", "9"): 1,
        ("hour_pv", "9"): 1,
        ("hour_uv", "9"): 1,
    }
    # Ingested seconds ago: D now (hour 21) and E's page view the host timed at 20:50 (believed: within
    # the hour). Both are in the chart at once; the kept hour 9 is read back.
    fresh = [
        store.row(at=at(D1, 21, 29), zone=UTC_ZONE, app_id=APP, audience="device:D", session="d1",
                  kind="launch", scene=1001),
        store.row(at=at(D1, 21, 29), zone=UTC_ZONE, app_id=APP, audience="device:D", session="d1",
                  kind="page", name="pages/index/index", value=1000),
        store.row(at=at(D1, 20, 50), zone=UTC_ZONE, app_id=APP, audience="device:E", session="e1",
                  kind="page", name="pages/index/index", value=1000),
    ]  # fmt: skip
    async with database.session() as session:
        await store.write(session, fresh)
    expected = {
        9: {"hour": 9, "session_cnt": 1, "visit_pv": 1, "visit_uv": 1},
        20: {"hour": 20, "session_cnt": 1, "visit_pv": 4, "visit_uv": 2},
        21: {"hour": 21, "session_cnt": 1, "visit_pv": 1, "visit_uv": 1},
    }
    async with database.session() as session:
        hours = await rollups.hourly(session, APP, D1)
        assert {h["hour"]: h for h in hours if h["session_cnt"] or h["visit_pv"]} == expected
        assert len(hours) == 24
        # The job's next period refreshes the day's figures and keeps the kept hours; an hour later,
        # hour 20 has finished and is kept with the late page view.
        assert await precompute.keep_today(session, UTC_ZONE, at(D1, 21, 40)) == 1
        figures = (await rollups.days(session, APP, D1, D1, UTC_ZONE, at(D1, 21, 41)))[D1]
        assert not {metric for metric, _ in figures} & {*rollups.HOUR_METRICS, "_hours"}
    assert (await kept())[("_hours", "")] == 20
    async with database.session() as session:
        assert await precompute.keep_today(session, UTC_ZONE, at(D1, 22, 5)) == 1
    assert {k: v for k, v in (await kept()).items() if k[1] == "20" or k[0] == "_hours"} == {
        ("_hours", ""): 21,
        ("hour_sessions", "20"): 1,
        ("hour_pv", "20"): 4,
        ("hour_uv", "20"): 2,
    }
    async with database.session() as session:
        hours = await rollups.hourly(session, APP, D1)
        assert {h["hour"]: h for h in hours if h["session_cnt"] or h["visit_pv"]} == expected
        # Once the day closes, its rollup replaces what was kept by the hour.
        await rollups.materialize(session, APP, D1)
    assert await kept() == {}
