"""The analytics console over the fixed event set: the page with its charts' data and scripts served
from our origin, CSV downloads of its tables, and an analyst who sees the business pages only."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from sqlalchemy import select

from hutong.server.apps.models import App
from hutong.server.events import store
from tests.analytics.fixed import rows
from tests.conftest import migrate
from tests.platform.apiclient import platform, settings_for, token_for

RANGE = {"begin": "2026-11-02", "end": "2026-11-08"}


async def test_console_page_csv_and_the_analyst_s_view(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'console.db'}"
    await migrate(url)
    async with platform(settings_for(tmp_path, url)) as (app, client):
        owner = await token_for(client, "owner@example.com")
        analyst = await token_for(client, "analyst@example.com")
        org = (await client.post("/api/orgs", json={"name": "Tea"}, headers=owner)).json()
        appid = (
            await client.post(f"/api/orgs/{org['id']}/apps", json={"name": "Tea"}, headers=owner)
        ).json()["appid"]
        member = await client.put(
            f"/api/orgs/{org['id']}/members",
            json={"email": "analyst@example.com", "role": "analyst"},
            headers=owner,
        )
        assert member.status_code in (200, 201, 204), member.text
        async with app.state.database.session() as session:
            app_id = await session.scalar(select(App.id).where(App.appid == appid))
            await store.write(session, [{**row, "app_id": app_id} for row in rows()])

        page = await client.get(f"/console/apps/{appid}/analytics", params=RANGE, headers=owner)
        assert page.status_code == 200, page.text
        html = page.text
        assert re.search(r'id="total-sessions">5<', html) and re.search(r'id="total-uv">3<', html)
        charts = json.loads(re.search(r'id="chart-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
        assert charts["trend"][0]["data"][:2] == [["2026-11-02", 3], ["2026-11-03", 2]]
        assert sorted(charts["scenes"]) == [["1001", 2], ["1005", 1], ["1007", 1], ["1047", 1]]
        assert "app.js:3" in html and "boom" in html  # the error group, for the developers
        scripts = re.findall(r'<script src="(/console/charts/[^"]+)"', html)
        assert len(scripts) == 2
        for path in scripts:
            served = await client.get(path)
            assert served.status_code == 200 and "immutable" in served.headers["cache-control"]
        assert "Chart.js" in (await client.get(scripts[0])).text[:400]
        assert (await client.get("/console/charts/0.0/chartkick.js")).status_code == 404

        download = await client.get(
            f"/console/apps/{appid}/analytics.csv", params={**RANGE, "table": "pages"}, headers=owner
        )
        assert download.headers["content-disposition"].endswith('-pages-2026-11-02-2026-11-08.csv"')
        table = list(csv.DictReader(io.StringIO(download.text)))
        assert [(r["page_path"], r["page_visit_pv"], r["entrypage_pv"]) for r in table] == [
            ("pages/index/index", "5", "4"),
            ("pages/detail/detail", "3", "1"),
        ]
        retention = await client.get(
            f"/console/apps/{appid}/analytics.csv", params={**RANGE, "table": "retention"}, headers=owner
        )
        first = next(csv.DictReader(io.StringIO(retention.text)))
        assert (first["date"], first["day0"], first["day1"], first["day7"]) == ("2026-11-02", "2", "1", "1")

        funnel = await client.get(
            f"/console/apps/{appid}/analytics.csv",
            params={**RANGE, "table": "funnel", "funnel": "page:pages/index/index,event:buy"},
            headers=owner,
        )
        assert [
            (r["step"], r["visits"], r["visitors"]) for r in csv.DictReader(io.StringIO(funnel.text))
        ] == [
            ("1", "4", "3"),
            ("2", "1", "1"),
        ]

        properties = await client.get(
            f"/console/apps/{appid}/analytics.csv",
            params={**RANGE, "table": "event_properties"},
            headers=owner,
        )
        assert [
            (r["event"], r["property"], r["value"], r["count"])
            for r in csv.DictReader(io.StringIO(properties.text))
        ] == [("buy", "sku", "x", "1")]
        assert 'id="event-properties"' in html and "<td>sku</td><td>x</td>" in html

        platforms = await client.get(
            f"/console/apps/{appid}/analytics.csv", params={**RANGE, "table": "platforms"}, headers=owner
        )
        assert [(r["name"], r["value"]) for r in csv.DictReader(io.StringIO(platforms.text))] == [
            ("iPhone", "3"),
            ("Android", "1"),
            ("other", "1"),
        ]

        shown = await client.get(
            f"/console/apps/{appid}/analytics", params={**RANGE, "portrait": 1}, headers=analyst
        )
        assert (
            'id="portrait-table"' in shown.text
            and "<td>devices</td><td>Samsung SM-S908B</td><td>1</td><td>1</td>" in shown.text
        )
        assert 'id="portrait-table"' not in html and 'id="show-portrait"' in html
        people = await client.get(
            f"/console/apps/{appid}/analytics.csv", params={**RANGE, "table": "portrait"}, headers=owner
        )
        assert {
            (r["visitors"], r["field"], r["name"], r["value"])
            for r in csv.DictReader(io.StringIO(people.text))
        } >= {
            ("all", "province", "广东省", "1"),
            ("new", "platforms", "iPhone", "1"),
        }

        # The analyst sees visits but not the code's errors.
        seen = await client.get(f"/console/apps/{appid}/analytics", params=RANGE, headers=analyst)
        assert seen.status_code == 200 and 'id="total-sessions">5<' in seen.text
        assert "errors-section" not in seen.text and "app.js:3" not in seen.text
        refused = await client.get(
            f"/console/apps/{appid}/analytics.csv", params={**RANGE, "table": "errors"}, headers=analyst
        )
        assert refused.status_code == 403
        api = await client.get(f"/api/manage/apps/{appid}/analytics/errors", params=RANGE, headers=analyst)
        assert api.status_code == 403
        stranger = await token_for(client, "stranger@example.com")
        hidden = await client.get(
            f"/api/manage/apps/{appid}/analytics/overview", params=RANGE, headers=stranger
        )
        assert hidden.status_code == 404
