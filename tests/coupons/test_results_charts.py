"""The Coupons page's charts in Chromium (SQLite; the figures behind them, GET …/coupon-results with its
days and stocks, are tested on both databases in test_stores_and_counter.py): two stocks, three
claims, one redemption at a store for 38.00; Chartkick draws one line per stock on each of the four
charts (claims, uses, store visits, GMV) with today's values."""

from __future__ import annotations

import secrets

import httpx
import pytest
from playwright.async_api import Browser

from tests.conftest import LiveServer, wait_until
from tests.coupons.test_camera_scanner import _claimed_code
from tests.coupons.test_claim_journey import PASSWORD
from tests.coupons.world import busifavor_body
from tests.platform.apiclient import token_for

pytestmark = pytest.mark.browser


async def _stock(
    client: httpx.AsyncClient, mchid: str, appid: str, name: str, dev: dict[str, str]
) -> tuple[str, str]:
    body = busifavor_body()
    del body["out_request_no"]
    body["stock_name"] = name
    stock = (await client.post(f"/api/merchants/{mchid}/coupon-stocks", json=body, headers=dev)).json()
    await client.post(f"/api/merchants/{mchid}/coupon-stocks/{stock['stock_id']}/start", headers=dev)
    link = await client.post(
        f"/api/merchants/{mchid}/coupon-stocks/{stock['stock_id']}/claim-links",
        json={"appid": appid, "scene": "poster"},
        headers=dev,
    )
    assert link.status_code == 201, link.text
    return str(stock["stock_id"]), str(link.json()["token"])


async def test_the_coupons_page_charts_each_stock_by_day(live_server: LiveServer, browser: Browser) -> None:
    email = f"charts-{secrets.token_hex(4)}@example.com"
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as client:
        dev = await token_for(client, email, PASSWORD)
        org = (await client.post("/api/orgs", json={"name": "Snacks"}, headers=dev)).json()["id"]
        appid = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Snacks"}, headers=dev)).json()[
            "appid"
        ]
        merchants = f"/api/orgs/{org}/merchants"
        mchid = (await client.post(merchants, json={"name": "Snack Co"}, headers=dev)).json()["mchid"]
        assert (await client.put(f"/api/merchants/{mchid}/apps/{appid}", headers=dev)).status_code == 204
        store = (
            await client.post(f"/api/merchants/{mchid}/stores", json={"name": "Gulou"}, headers=dev)
        ).json()
        mango, mango_link = await _stock(client, mchid, appid, "芒果干立减", dev)
        tea, tea_link = await _stock(client, mchid, appid, "奶茶立减", dev)
    first = await _claimed_code(live_server, mango_link)
    await _claimed_code(live_server, mango_link)
    await _claimed_code(live_server, tea_link)
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as client:
        done = await client.post(
            f"/api/stores/{store['id']}/redemptions",
            json={"code": first, "order_total_fen": 3800},
            headers=dev,
        )
        assert done.status_code == 200, done.text

    context = await browser.new_context()
    try:
        signin = await context.request.post(
            f"{live_server.url}/api/accounts/signin", data={"email": email, "password": PASSWORD}
        )
        assert signin.ok
        page = await context.new_page()
        await page.goto(f"{live_server.url}/console/merchants/{mchid}/coupons")
        ids = ("chart-claims", "chart-uses", "chart-visits", "chart-gmv")
        await wait_until(page, f"{list(ids)}.every(id => window.Chartkick?.charts[id]?.getChartObject())")
        drawn = await page.evaluate(
            """ids => Object.fromEntries(ids.map(id => {
                 const chart = Chartkick.charts[id].getChartObject();
                 const canvas = document.querySelector('#' + id + ' canvas');
                 return [id, {
                   drawn: !!canvas && canvas.width > 0 && canvas.height > 0,
                   series: chart.data.datasets.map(set => [set.label, set.data.map(p => p.y ?? p)]),
                   days: chart.data.labels.length,
                 }];
               }))""",
            list(ids),
        )
    finally:
        await context.close()
    names = [f"芒果干立减 · {mango}", f"奶茶立减 · {tea}"]
    expected = {
        "chart-claims": [[names[0], [2]], [names[1], [1]]],
        "chart-uses": [[names[0], [1]], [names[1], [0]]],
        "chart-visits": [[names[0], [1]], [names[1], [0]]],
        "chart-gmv": [[names[0], [38]], [names[1], [0]]],
    }
    for chart_id, series in expected.items():
        assert drawn[chart_id]["drawn"], chart_id
        assert drawn[chart_id]["series"] == series, (chart_id, drawn[chart_id])
        assert drawn[chart_id]["days"] == 1, drawn[chart_id]  # today only
