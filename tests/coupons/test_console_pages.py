"""The console's coupon pages as a browser posts their forms, on PostgreSQL (a console page's test: the coupon
APIs run on both databases): a store with a cashier, a stock made from the form and started, a coupon sent and
redeemed on the store's redemption page (as a USB scanner types it), a second scan refused, and the stock's
results page and CSV."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import on_databases
from tests.coupons.world import send
from tests.payments.test_console_pages import browser_session, notice
from tests.payments.world import pay_world


@on_databases("postgres")
async def test_stores_stocks_and_the_redemption_page(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw, browser_session(pw, "a@example.com") as (owner, csrf):
        mchid = pw.merchant.mchid
        base = f"/console/merchants/{mchid}"
        made = await owner.post(
            f"{base}/stores",
            data={"csrf_token": csrf, "name": "Wudaokou", "address": "1 Chengfu Rd", "days": "mon-fri",
                  "open": "09:00", "close": "21:00", "latitude": "39.99", "longitude": "116.33"},
        )  # fmt: skip
        assert notice(made) == "store Wudaokou added"
        forged = await owner.post(f"{base}/stores", data={"name": "No CSRF"})
        assert forged.status_code in (303, 403) and "No CSRF" not in (await owner.get(f"{base}/stores")).text
        page = await owner.get(f"{base}/stores")
        store_id = re.search(r'data-store-id="(\d+)"', page.text)
        assert store_id is not None and "1,2,3,4,5 09:00–21:00" in page.text
        async with browser_session(pw, "cashier@example.com") as (cashier, cashier_csrf):
            staffed = await owner.post(
                f"{base}/stores/{store_id[1]}/staff",
                data={"csrf_token": csrf, "email": "cashier@example.com"},
            )
            assert "may now redeem" in notice(staffed)

            stock = await owner.post(
                f"{base}/coupons",
                data={"csrf_token": csrf, "name": "到店立减5元", "kind": "NORMAL", "amount": "5",
                      "minimum": "20", "max_coupons": "10", "per_user": "1", "days_after": "7",
                      "stores": store_id[1]},
            )  # fmt: skip
            assert "made as a draft" in notice(stock), notice(stock)
            stock_id = re.search(r"stock (\d+) made", notice(stock))
            assert stock_id is not None
            started = await owner.post(f"{base}/coupons/{stock_id[1]}/start", data={"csrf_token": csrf})
            assert notice(started) == f"stock {stock_id[1]} is running"
            listing = await owner.get(f"{base}/coupons")
            assert "到店立减5元" in listing.text and ">running<" in listing.text

            assert (await send(pw, stock_id[1], "R1")).status_code == 200
            mine = await pw.merchant.call(
                "GET", f"/v3/marketing/busifavor/users/{pw.openid}/coupons?appid={pw.w.a1.appid}"
            )
            code = mine.json()["data"][0]["coupon_code"]
            spaced = " ".join(code[i : i + 4] for i in range(0, len(code), 4))  # as the wallet shows it
            page = await cashier.get(f"/console/stores/{store_id[1]}/redeem")
            assert "Redeem a coupon" in page.text and "autofocus" in page.text
            redeemed = await cashier.post(
                f"/console/stores/{store_id[1]}/redeem",
                data={"csrf_token": cashier_csrf, "code": spaced, "order_total": "38.00"},
            )
            assert 'data-ok="yes"' in redeemed.text and "¥5.00 off" in redeemed.text
            again = await cashier.post(
                f"/console/stores/{store_id[1]}/redeem", data={"csrf_token": cashier_csrf, "code": code}
            )
            assert 'data-ok="no"' in again.text and 'data-code="coupon_used"' in again.text

            results = await owner.get(f"{base}/coupons/{stock_id[1]}")
            assert re.search(r'id="claimed">1<', results.text) and re.search(
                r'id="redeemed">1<', results.text
            )
            assert re.search(r'id="visits">1<', results.text) and "¥38.00" in results.text
            csv = await owner.get(f"/api/merchants/{mchid}/coupon-stocks/{stock_id[1]}/results?format=csv")
            assert csv.text.splitlines()[-1].startswith("total,1,1,1.0,1,1,0,3800,500")
            poster = await owner.post(
                f"{base}/coupons/{stock_id[1]}/poster",
                data={"csrf_token": csrf, "appid": pw.w.a1.appid, "scene": "flyer-1"},
            )
            assert poster.status_code == 200, poster.headers.get("location")
            assert (
                'alt="Poster QR code"' in poster.text
                and "/coupon/c" in poster.text
                and "flyer-1" in poster.text
            )
            # The cashier redeems; the results are the merchant's.
            assert (await cashier.get(f"{base}/coupons/{stock_id[1]}")).status_code == 404
