"""Stores, staff, console stocks, the user's Cards & coupons and counter redemption over HTTP, on SQLite
and PostgreSQL: a merchant makes a store with a cashier and a stock for that store, a user is sent a
coupon and shows its code, the cashier redeems it once; double redemption, a foreign code, the wrong
store and a stranger are refused; the merchant's results count it, also as CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

import httpx

from hutong.server.payments.ids import now, rfc3339
from tests.coupons.world import busifavor_body, make_stock, send
from tests.payments.world import pay_world
from tests.platform.apiclient import token_for


async def _token(client: httpx.AsyncClient, email: str) -> dict[str, str]:
    made = await client.post("/api/tokens", json={"email": email, "password": "long enough"})
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


async def test_a_cashier_redeems_a_coupon_once_at_an_allowed_store(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w, mchid, dev = pw.w, pw.merchant.mchid, pw.w.dev_a
        base = f"/api/merchants/{mchid}"
        hours = [{"days": [1, 2, 3, 4, 5], "open": "09:00", "close": "21:00"}]
        made = await w.client.post(
            f"{base}/stores",
            json={
                "name": "Wudaokou",
                "address": "1 Chengfu Rd",
                "latitude": 39.99,
                "longitude": 116.33,
                "hours": hours,
            },
            headers=dev,
        )
        assert made.status_code == 201, made.text
        store = made.json()
        other = (await w.client.post(f"{base}/stores", json={"name": "Sanlitun"}, headers=dev)).json()
        bad = await w.client.post(f"{base}/stores", json={"name": "X", "latitude": 91}, headers=dev)
        assert bad.status_code == 422
        bad_hours = await w.client.post(
            f"{base}/stores",
            json={"name": "X", "hours": [{"days": [8], "open": "9", "close": "x"}]},
            headers=dev,
        )
        assert bad_hours.status_code == 422 and bad_hours.json()["code"] == "invalid_hours"

        cashier = await token_for(w.client, "cashier@example.com")  # (this signs the user's cookie out)
        me = await _token(w.client, "user@example.com")
        staffed = await w.client.put(
            f"{base}/stores/{store['id']}/staff", json={"email": "cashier@example.com"}, headers=dev
        )
        assert staffed.status_code == 200 and staffed.json()["staff"][0]["email"] == "cashier@example.com"
        # The cashier cannot manage the merchant; a stranger sees nothing.
        assert (await w.client.get(f"{base}/stores", headers=cashier)).status_code == 404
        stranger = await token_for(w.client, "stranger@example.com")
        assert (await w.client.get(f"/api/stores/{store['id']}", headers=stranger)).status_code == 404
        assert (await w.client.get(f"/api/stores/{store['id']}", headers=cashier)).json()[
            "name"
        ] == "Wudaokou"

        body = busifavor_body()
        del body["out_request_no"]
        body["coupon_use_rule"]["available_stores"] = [store["id"]]
        stock = await w.client.post(f"{base}/coupon-stocks", json=body, headers=dev)
        assert stock.status_code == 201, stock.text
        stock_id = stock.json()["stock_id"]
        assert stock.json()["state"] == "draft"
        assert (await send(pw, stock_id, "R1")).status_code == 400  # a draft issues nothing
        started = await w.client.post(f"{base}/coupon-stocks/{stock_id}/start", headers=dev)
        assert started.status_code == 200 and started.json()["state"] == "running"
        again = await w.client.post(f"{base}/coupon-stocks/{stock_id}/start", headers=dev)
        assert again.status_code == 200
        assert (await send(pw, stock_id, "R1")).status_code == 200

        # The user's Wallet → Cards & coupons: the coupon and its code as QR and barcode.
        mine = await w.client.get("/api/me/coupons", headers=me)
        assert mine.status_code == 200 and mine.json()["total"] == 1
        entry = mine.json()["coupons"][0]
        assert (
            entry["name"] == "到店立减5元" and entry["state"] == "SENDED" and entry["merchant"] == "Tea Shop"
        )
        shown = await w.client.get(f"/api/me/coupons/{entry['coupon_id']}/code", headers=me)
        code = shown.json()["code"]
        assert len(code) == 26 and "<svg" in shown.json()["qr_svg"]
        assert "<svg" in shown.json()["barcode_svg"]
        framed = await w.client.get("/api/me/coupons", headers={**me, "Sec-Fetch-Site": "cross-site"})
        assert framed.status_code == 403  # a mini program's frame cannot read the wallet
        assert (
            await w.client.get(f"/api/me/coupons/{entry['coupon_id']}/code", headers=stranger)
        ).status_code == 404

        redeem = f"/api/stores/{store['id']}/redemptions"
        wrong_store = await w.client.post(
            f"/api/stores/{other['id']}/redemptions", json={"code": code}, headers=dev
        )
        assert wrong_store.status_code == 409 and wrong_store.json()["code"] == "coupon_wrong_store"
        not_staff = await w.client.post(
            f"/api/stores/{other['id']}/redemptions", json={"code": code}, headers=cashier
        )
        assert not_staff.status_code == 404
        below = await w.client.post(redeem, json={"code": code, "order_total_fen": 1000}, headers=cashier)
        assert below.status_code == 409 and below.json()["code"] == "coupon_below_minimum"
        done = await w.client.post(
            redeem, json={"code": code, "order_total_fen": 3800, "request_no": "till-1"}, headers=cashier
        )
        assert done.status_code == 200, done.text
        assert done.json()["discount_fen"] == 500 and done.json()["first_visit"] is True
        replay = await w.client.post(
            redeem, json={"code": code, "order_total_fen": 3800, "request_no": "till-1"}, headers=cashier
        )
        assert replay.status_code == 200 and replay.json()["replayed"] is True
        twice = await w.client.post(redeem, json={"code": code}, headers=cashier)
        assert twice.status_code == 409 and twice.json()["code"] == "coupon_used"
        foreign = await w.client.post(redeem, json={"code": "9" * 26}, headers=cashier)
        assert foreign.status_code == 404 and foreign.json()["code"] == "coupon_not_found"
        used = await w.client.get(f"/api/me/coupons/{entry['coupon_id']}/code", headers=me)
        assert used.json()["state"] == "USED" and "code" not in used.json()

        report = await w.client.get(f"{base}/coupon-stocks/{stock_id}/results", headers=dev)
        assert report.status_code == 200
        total = report.json()["total"]
        assert total["claimed"] == 1 and total["redeemed"] == 1 and total["redemption_rate"] == 1.0
        assert total["store_visits"] == 1 and total["new_customers"] == 1 and total["gmv_fen"] == 3800
        assert report.json()["stores"][0]["name"] == "Wudaokou"
        exported = await w.client.get(f"{base}/coupon-stocks/{stock_id}/results?format=csv", headers=dev)
        rows = list(csv.reader(io.StringIO(exported.text)))
        assert rows[0][:3] == ["date", "claimed", "redeemed"] and rows[-1][:3] == ["total", "1", "1"]
        assert (
            await w.client.get(f"{base}/coupon-stocks/{stock_id}/results", headers=cashier)
        ).status_code == 404

        # Every stock together: a second stock's claim (not used) adds to claimed only.
        second = await make_stock(pw, "S20261206000002")
        assert (await send(pw, second, "R2")).status_code == 200
        overall = await w.client.get(f"{base}/coupon-results", headers=dev)
        assert overall.status_code == 200
        figures = overall.json()["total"]
        assert (figures["claimed"], figures["redeemed"], figures["store_visits"]) == (2, 1, 1)
        assert figures["gmv_fen"] == 3800 and figures["redemption_rate"] == 0.5
        # …by Beijing day, together and per stock (what the console's charts draw), and as CSV.
        today = (now() + timedelta(hours=8)).date().isoformat()
        assert [(d["date"], d["claimed"], d["redeemed"], d["store_visits"], d["gmv_fen"])
                for d in overall.json()["days"]] == [(today, 2, 1, 1, 3800)]  # fmt: skip
        per_stock = {s["stock_id"]: s for s in overall.json()["stocks"]}
        assert list(per_stock) == [stock_id, second]
        assert per_stock[stock_id]["family"] == "busifavor"
        assert per_stock[stock_id]["total"]["gmv_fen"] == 3800
        assert [(d["claimed"], d["redeemed"], d["gmv_fen"]) for d in per_stock[second]["days"]] == [(1, 0, 0)]
        table = await w.client.get(f"{base}/coupon-results?format=csv", headers=dev)
        assert table.headers["content-type"].startswith("text/csv")
        lines = list(csv.reader(io.StringIO(table.text)))
        assert lines[0][:5] == ["date", "stock_id", "name", "claimed", "redeemed"]
        assert [line[:5] for line in lines[1:]] == [
            [today, stock_id, "到店立减5元", "1", "1"],
            [today, second, "到店立减5元", "1", "0"],
            [today, "all", "", "2", "1"],
            ["total", "all", "", "2", "1"],
        ]
        assert (await w.client.get(f"{base}/coupon-results", headers=cashier)).status_code == 404


async def test_windows_and_expiry_refuse_at_the_counter(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w, mchid, dev = pw.w, pw.merchant.mchid, pw.w.dev_a
        base = f"/api/merchants/{mchid}"
        store = (await w.client.post(f"{base}/stores", json={"name": "Only"}, headers=dev)).json()
        me = await _token(w.client, "user@example.com")
        body = busifavor_body()
        del body["out_request_no"]
        # Usable only on a weekday that is not today (Beijing time).
        today = (now() + timedelta(hours=8)).isoweekday() % 7
        body["coupon_use_rule"]["coupon_available_time"]["available_week"] = {"week_day": [(today + 3) % 7]}
        stock_id = (await w.client.post(f"{base}/coupon-stocks", json=body, headers=dev)).json()["stock_id"]
        await w.client.post(f"{base}/coupon-stocks/{stock_id}/start", headers=dev)
        await send(pw, stock_id, "R1")
        entry = (await w.client.get("/api/me/coupons", headers=me)).json()["coupons"][0]
        code = (await w.client.get(f"/api/me/coupons/{entry['coupon_id']}/code", headers=me)).json()["code"]
        refused = await w.client.post(
            f"/api/stores/{store['id']}/redemptions", json={"code": code}, headers=dev
        )
        assert refused.status_code == 409 and refused.json()["code"] == "coupon_wrong_day"
        # Past its end: refused as expired, and the stock reads as expired.
        short = busifavor_body("S2")
        del short["out_request_no"]
        window = short["coupon_use_rule"]["coupon_available_time"]
        window["available_begin_time"] = rfc3339(now() - timedelta(days=2))
        window["available_end_time"] = rfc3339(now() - timedelta(days=1))
        gone = (await w.client.post(f"{base}/coupon-stocks", json=short, headers=dev)).json()
        assert (
            await w.client.post(f"{base}/coupon-stocks/{gone['stock_id']}/start", headers=dev)
        ).status_code == 409
        listed = (await w.client.get(f"{base}/coupon-stocks", headers=dev)).json()
        assert {s["stock_id"]: s["state"] for s in listed}[gone["stock_id"]] == "expired"


async def test_a_poster_code_claims_once_per_user_with_its_scene(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w, mchid, dev = pw.w, pw.merchant.mchid, pw.w.dev_a
        base = f"/api/merchants/{mchid}"
        body = busifavor_body()
        del body["out_request_no"]
        stock_id = (await w.client.post(f"{base}/coupon-stocks", json=body, headers=dev)).json()["stock_id"]
        links = f"{base}/coupon-stocks/{stock_id}/claim-links"
        unbound = await w.client.post(links, json={"appid": w.b1.appid, "scene": "poster1"}, headers=dev)
        assert unbound.status_code == 422
        made = await w.client.post(
            links, json={"appid": w.a1.appid, "scene": "poster1", "path": "pages/index/index"}, headers=dev
        )
        assert made.status_code == 201, made.text
        token = made.json()["token"]
        assert made.json()["url"].endswith(f"/coupon/{token}") and "<svg" in made.json()["qr_svg"]
        cashier = await token_for(w.client, "someone@example.com")  # (signs the user's cookie out)
        me = await _token(w.client, "user@example.com")
        preview = await w.client.get(f"/api/me/coupons/links/{token}", headers=me)
        assert preview.status_code == 200 and preview.json()["available"] is False  # still a draft
        early = await w.client.post(f"/api/me/coupons/links/{token}", headers=me)
        assert early.status_code == 409 and early.json()["code"] == "coupon_not_running"
        await w.client.post(f"{base}/coupon-stocks/{stock_id}/start", headers=dev)
        claimed = await w.client.post(f"/api/me/coupons/links/{token}", headers=me)
        assert claimed.status_code == 200, claimed.text
        assert claimed.json()["appid"] == w.a1.appid and claimed.json()["path"] == "pages/index/index"
        again = await w.client.post(f"/api/me/coupons/links/{token}", headers=me)
        assert again.json()["coupon_id"] == claimed.json()["coupon_id"]  # the same coupon, not a second
        assert (await w.client.get(f"/api/me/coupons/links/{token}", headers=me)).json()["claimed"]
        other = await w.client.post(f"/api/me/coupons/links/{token}", headers=cashier)
        assert other.status_code == 200 and other.json()["coupon_id"] != claimed.json()["coupon_id"]
        framed = await w.client.post(
            f"/api/me/coupons/links/{token}", headers={**me, "Sec-Fetch-Site": "cross-site"}
        )
        assert framed.status_code == 403  # a mini program cannot claim on the user's behalf
        assert (await w.client.get("/api/me/coupons/links/cnope", headers=me)).status_code == 404
        # Attributed: the merchant sees the claim as coming from the poster's scene.
        mine = await pw.merchant.call(
            "GET", f"/v3/marketing/busifavor/users/{pw.openid}/coupons?appid={w.a1.appid}"
        )
        assert mine.json()["total_count"] == 1
        async with w.app.state.database.session() as session:
            from sqlalchemy import select

            from hutong.server.coupons.models import Coupon

            scenes = set(await session.scalars(select(Coupon.scene)))
            channels = set(await session.scalars(select(Coupon.send_channel)))
        assert scenes == {"poster1"} and channels == {"CODE"}
