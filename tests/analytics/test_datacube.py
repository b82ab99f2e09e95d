"""The datacube APIs read by wechatpy (PyPI), unchanged, against a live platform holding the fixed
event set (fixed.py): WeChat's paths, field names and date rules.

wechatpy 1.8.18 has no named methods for the mini program analysis APIs (its ``datacube`` group is
the official account's), so the developer's server calls them the way wechatpy's users do:
``client.post(path, data=…)``, wechatpy's own request, token and error handling."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpy.exceptions import WeChatClientException

from hutong.server.db import Database
from hutong.server.events import store
from hutong.settings import Settings
from tests.analytics.fixed import rows
from tests.conftest import migrate, serve
from tests.identity.test_wechatpy import _registered_app, hutong_client


async def _fill(settings: Settings, appid: str) -> None:
    from sqlalchemy import select

    from hutong.server.apps.models import App

    db = Database(settings.effective_database_url)
    try:
        async with db.session() as session:
            app_id = await session.scalar(select(App.id).where(App.appid == appid))
            assert app_id is not None
            await store.write(session, [{**row, "app_id": app_id} for row in rows()])
    finally:
        await db.dispose()


async def test_wechatpy_reads_the_analysis_apis(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, outbox_worker=False)
    await migrate(settings.effective_database_url)
    async with serve(settings) as server, httpx.AsyncClient(base_url=server.url) as http:
        appid, secret = await _registered_app(http)
        await _fill(settings, appid)

        def as_the_developers_server() -> dict[str, Any]:
            client = hutong_client(server.url, appid, secret)

            def call(name: str, begin: str, end: str) -> Any:
                return client.post(
                    f"getweanalysisappid{name}",
                    data={"begin_date": begin, "end_date": end},
                    api_base_url=f"{server.url}/datacube/",
                )

            answers = {
                "summary": call("dailysummarytrend", "20261102", "20261102"),
                "daily": call("dailyvisittrend", "20261102", "20261102"),
                "weekly": call("weeklyvisittrend", "20261102", "20261108"),
                "monthly": call("monthlyvisittrend", "20261101", "20261130"),
                "retain": call("dailyretaininfo", "20261102", "20261102"),
                "weekly_retain": call("weeklyretaininfo", "20261102", "20261108"),
                "monthly_retain": call("monthlyretaininfo", "20261101", "20261130"),
                "page": call("visitpage", "20261102", "20261102"),
                "distribution": call("visitdistribution", "20261102", "20261102"),
                "portrait": call("userportrait", "20261102", "20261108"),
            }
            window = {"begin_timestamp": 1793577600, "end_timestamp": 1794182399}  # 2–8 Nov 2026 UTC
            answers["performance"] = client.post(
                "wxa/business/performance/boot",
                data={"module": 10017, "time": window, "params": []},
                api_base_url=f"{server.url}/",
            )
            refused = {}
            for label, name, begin, end in (
                ("two days", "dailyvisittrend", "20261102", "20261103"),
                ("not a monday", "weeklyvisittrend", "20261103", "20261109"),
                ("half a month", "monthlyvisittrend", "20261101", "20261115"),
                ("today", "dailyvisittrend", "29991231", "29991231"),
                ("not a date", "visitpage", "2026-11-02", "2026-11-02"),
                ("portrait of 3 days", "userportrait", "20261102", "20261104"),
            ):
                with pytest.raises(WeChatClientException) as error:
                    call(name, begin, end)
                refused[label] = error.value.errcode
            return {**answers, "refused": refused}

        seen = await asyncio.to_thread(as_the_developers_server)
    assert seen["summary"]["list"] == [
        {"ref_date": "20261102", "visit_total": 2, "share_pv": 1, "share_uv": 1}
    ]
    assert seen["daily"]["list"] == [
        {
            "ref_date": "20261102",
            "session_cnt": 3,
            "visit_pv": 4,
            "visit_uv": 2,
            "visit_uv_new": 2,
            "stay_time_uv": 38.5,
            "stay_time_session": 25.6667,
            "visit_depth": 1.3333,
        }
    ]
    # The week of 2 November: A, B and C visited (all new); 6 visits, 9 page views, 95 s in all.
    week = seen["weekly"]["list"][0]
    assert week["ref_date"] == "20261102-20261108"
    assert (week["session_cnt"], week["visit_pv"], week["visit_uv"], week["visit_uv_new"]) == (5, 8, 3, 3)
    month = seen["monthly"]["list"][0]
    assert month["ref_date"] == "202611" and (month["session_cnt"], month["visit_uv"]) == (6, 3)
    assert seen["retain"]["ref_date"] == "20261102"
    assert [item["key"] for item in seen["retain"]["visit_uv_new"]] == [0, 1, 2, 3, 4, 5, 6, 7, 14, 30]
    assert {i["key"]: i["value"] for i in seen["retain"]["visit_uv_new"]} | {} == {
        0: 2, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0, 7: 1, 14: 0, 30: 0,
    }  # fmt: skip
    assert [(i["key"], i["value"]) for i in seen["weekly_retain"]["visit_uv_new"]] == [
        (0, 3), (1, 1), (2, 0), (3, 0), (4, 0),
    ]  # fmt: skip
    assert seen["monthly_retain"]["ref_date"] == "202611"
    assert [(i["key"], i["value"]) for i in seen["monthly_retain"]["visit_uv"]] == [(0, 3), (1, 0)]
    pages = {p["page_path"]: p for p in seen["page"]["list"]}
    assert pages["pages/detail/detail"] == {
        "page_path": "pages/detail/detail",
        "page_visit_pv": 2,
        "page_visit_uv": 1,
        "page_staytime_pv": 36.0,
        "entrypage_pv": 1,
        "exitpage_pv": 2,
        "page_share_pv": 0,
        "page_share_uv": 0,
        "bounce_pv": 1,
    }
    distribution = {d["index"]: d["item_list"] for d in seen["distribution"]["list"]}
    assert distribution["access_source_session_cnt"] == [
        {"key": 1, "value": 1},  # 1001: the history list
        {"key": 2, "value": 1},  # 1005: search
        {"key": 3, "value": 1},  # 1007: a share in a conversation
    ]
    assert distribution["access_staytime_info"] == [
        {"key": 1, "value": 1}, {"key": 4, "value": 1}, {"key": 7, "value": 1},
    ]  # fmt: skip
    assert distribution["access_depth_info"] == [{"key": 1, "value": 2}, {"key": 2, "value": 1}]
    assert seen["portrait"]["ref_date"] == "20261102-20261108"
    # Visitors, each once by their latest launch of the week: A (a3, iPhone in Shenzhen on 5G), B (b1,
    # a Samsung on 4G), C (c1, whose launch named no browser); all three were new that week.
    people = seen["portrait"]["visit_uv"]
    assert people["platforms"] == [
        {"id": 1, "name": "iPhone", "value": 1},
        {"id": 2, "name": "Android", "value": 1},
        {"id": 3, "name": "other", "value": 1},
    ]
    assert people["province"] == [{"id": 440000, "name": "广东省", "value": 1}]
    assert people["city"] == [{"id": 440300, "name": "深圳市", "value": 1}]
    assert people["devices"] == [
        {"id": 1, "name": "Samsung SM-S908B", "value": 1},
        {"id": 2, "name": "iPhone", "value": 1},
    ]
    assert (people["genders"], people["ages"]) == ([], [])  # Hutong does not know them
    assert [n["name"] for n in people["networks"]] == ["4g", "5g"]
    assert seen["portrait"]["visit_uv_new"] == people
    # The launch time A's first visit reported (250 ms) is in the ≤ 300 ms bucket.
    tables = {t["id"]: t for t in seen["performance"]["data"]["body"]["tables"]}
    assert tables["launch_p50"]["lines"] == [{"fields": [{"refdate": "20261102", "value": "300"}]}]
    assert seen["refused"] == {
        "two days": 61501,
        "not a monday": 61501,
        "half a month": 61501,
        "today": 61501,
        "not a date": 61500,
        "portrait of 3 days": 61501,
    }
