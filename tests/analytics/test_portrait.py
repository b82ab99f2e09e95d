"""The user portrait: what a launch records of its visitor (the browser's agent, the operator's address
ranges, the runtime's network type), and a range's portrait counted once per visitor on SQLite and
PostgreSQL, kept once the range is closed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.db import Database
from hutong.server.events import portrait, store
from hutong.server.events.models import events
from hutong.server.events.portrait import Regions, describe
from tests.analytics.fixed import APP, D0, D7, UTC_ZONE, at, rows
from tests.analytics.test_guard import BROKEN, _ship, _zip
from tests.platform.apiclient import platform, settings_for, token_for

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"
SAMSUNG = "Mozilla/5.0 (Linux; Android 13; SM-S908B Build/TP1A.220624.014) AppleWebKit/537.36 Chrome/116"
XIAOMI = "Mozilla/5.0 (Linux; U; Android 12; zh-cn; 2201123C Build/SKQ1.211006.001) AppleWebKit/537.36"
REDUCED = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120 Mobile"
WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120"


def test_a_launch_records_what_its_agent_address_and_network_tell(tmp_path: Path) -> None:
    table = tmp_path / "regions.csv"
    table.write_text(
        "# network,province_code,province,city_code,city\n"
        "10.0.0.0/8,440000,广东省,,\n"
        "10.1.0.0/16,440000,广东省,440300,深圳市\n"
        "2001:db8::/32,110000,北京市,110100,北京市\n"
        "not a network,1,x,2,y\n",
        encoding="utf-8",
    )
    regions = Regions.load(table)
    assert regions.lookup("10.1.2.3") == ("440000:广东省", "440300:深圳市")  # the longest range wins
    assert regions.lookup("10.9.9.9") == ("440000:广东省", "")
    assert regions.lookup("2001:db8::1") == ("110000:北京市", "110100:北京市")
    assert regions.lookup("192.0.2.1") == ("", "") and regions.lookup("unknown") == ("", "")
    assert describe(IPHONE, "10.1.2.3", "5g", regions) == {
        "platform": "iPhone", "system": "iOS", "brand": "Apple", "device": "iPhone", "network": "5g",
        "province": "440000:广东省", "city": "440300:深圳市",
    }  # fmt: skip
    assert describe(SAMSUNG, "192.0.2.1", "wifi", regions) == {
        "platform": "Android", "system": "Android", "brand": "Samsung", "device": "Samsung SM-S908B",
        "network": "wifi",
    }  # fmt: skip
    assert describe(XIAOMI, "", "4g", Regions())["device"] == "Xiaomi 2201123C"
    # Safari names no iPhone model: the screen the runtime sends does (either way round).
    assert describe(IPHONE, "", "", Regions(), "390x844@3")["device"] == "iPhone 12/13/14/16e"
    assert (
        describe(IPHONE, "", "", Regions(), "932x430@3")["device"]
        == "iPhone 14 Pro Max/15 Plus/15 Pro Max/16 Plus"
    )
    assert describe(IPHONE, "", "", Regions(), "414x896@2")["device"] == "iPhone XR/11"
    assert describe(IPHONE, "", "", Regions(), "414x896@3")["device"] == "iPhone XS Max/11 Pro Max"
    assert describe(IPHONE, "", "", Regions(), "500x900@3")["device"] == "iPhone"  # not an iPhone's
    assert describe(IPHONE, "", "", Regions(), "x; drop")["device"] == "iPhone"
    assert describe(SAMSUNG, "", "", Regions(), "390x844@3")["device"] == "Samsung SM-S908B"
    reduced = describe(REDUCED, "", "warp9", Regions())  # no model, and not a network type
    assert reduced == {"platform": "Android", "system": "Android"}
    assert describe(WINDOWS, "", "unknown", Regions()) == {
        "platform": "other", "system": "Windows", "device": "PC", "network": "unknown",
    }  # fmt: skip


async def test_a_range_s_portrait_counts_each_visitor_once_and_is_kept(database: Database) -> None:
    async with database.session() as session:
        await store.write(session, rows())
    week = (D0, D0 + timedelta(days=6))
    later = at(D7 + timedelta(days=3), 12)
    async with database.session() as session:
        first = await portrait.portrait(session, APP, *week, UTC_ZONE, later)
        day = await portrait.portrait(session, APP, D0, D0, UTC_ZONE, later)
    async with database.session() as session:
        again = await portrait.portrait(session, APP, *week, UTC_ZONE, later)
        # Even with the raw events gone, the closed week's portrait is what was kept.
        await session.execute(events.delete())
        kept = await portrait.portrait(session, APP, *week, UTC_ZONE, later)
    assert first == again == kept
    assert [(p["name"], p["value"]) for p in first["visit_uv"]["platforms"]] == [
        ("iPhone", 1),
        ("Android", 1),
        ("other", 1),
    ]
    assert [(s["name"], s["value"]) for s in first["visit_uv"]["systems"]] == [("Android", 1), ("iOS", 1)]
    # On D0 alone A's latest launch is a2 (an iPhone, network unsaid), B's is b1.
    assert [(n["name"], n["value"]) for n in day["visit_uv"]["networks"]] == [("4g", 1)]
    assert [(p["name"], p["value"]) for p in day["visit_uv_new"]["platforms"]] == [
        ("iPhone", 1),
        ("Android", 1),
    ]
    assert day["visit_uv"]["province"] == [] and day["visit_uv"]["genders"] == []


async def test_the_launch_records_its_visitor(database_url: str, tmp_path: Path) -> None:
    table = tmp_path / "regions.csv"
    table.write_text("127.0.0.0/8,310000,上海市,310100,上海市\n", encoding="utf-8")
    settings = settings_for(tmp_path, database_url, analytics_regions_file=str(table))
    async with platform(settings) as (app, client):
        bearer = await token_for(client, "owner@example.com")
        async with app.state.database.session() as session:
            owner = await session.scalar(select(User).where(User.email == "owner@example.com"))
            reviewer = await accounts.sign_up(
                session, "rev@example.com", "long enough", operator_role="reviewer"
            )
        assert owner is not None
        org = (await client.post("/api/orgs", json={"name": "Tea"}, headers=bearer)).json()
        appid = (
            await client.post(f"/api/orgs/{org['id']}/apps", json={"name": "Tea"}, headers=bearer)
        ).json()["appid"]
        await _ship(app, owner, reviewer, appid, "1.0.0", _zip(BROKEN), 100)
        client.cookies.clear()
        launched = await client.get(
            f"/api/apps/{appid}/launch",
            params={"scene": 1001, "network": "wifi"},
            headers={"user-agent": SAMSUNG},
        )
        assert launched.status_code == 200
        client.cookies.clear()
        iphone = await client.get(
            f"/api/apps/{appid}/launch",
            params={"scene": 1001, "network": "5g", "screen": "393x852@3"},
            headers={"user-agent": IPHONE},
        )
        assert iphone.status_code == 200
        await app.state.events.flush()
        async with app.state.database.session() as session:
            data = list(
                await session.scalars(
                    select(events.c.data).where(events.c.kind == "launch").order_by(events.c.at)
                )
            )
    assert data == [
        {
            "platform": "Android", "system": "Android", "brand": "Samsung", "device": "Samsung SM-S908B",
            "network": "wifi", "province": "310000:上海市", "city": "310100:上海市",
        },
        {
            "platform": "iPhone", "system": "iOS", "brand": "Apple", "device": "iPhone 14 Pro/15/16",
            "network": "5g", "province": "310000:上海市", "city": "310100:上海市",
        },
    ]  # fmt: skip
