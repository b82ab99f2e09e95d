"""Orders per share, on SQLite and PostgreSQL, with real payments (a JSAPI order made through the v3 API,
paid by the platform's payments service, which emits the ``payment`` event): a payment counts toward
the share its payer last opened within the attribution window; one made before any open or after the
window does not; a reversed payment does not; the counts add up per sharer and page. The console's
page and CSV show the same, to those who may see the app's analytics only."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import select

from hutong.server import events
from hutong.server.accounts.models import User
from hutong.server.db import Database
from hutong.server.ledger import service as ledger
from hutong.server.payments import service
from hutong.server.payments.models import Order
from hutong.server.sharing.models import ShareOpen
from tests.chats.people import person
from tests.payments.world import PayWorld, jsapi_body, pay_world
from tests.platform.apiclient import token_for


async def pay(pw: PayWorld, number: str, total: int) -> None:
    """The world's signed-in user pays ``total`` fen for a new order of the app."""
    made = await pw.merchant.call("POST", "/v3/pay/transactions/jsapi", jsapi_body(pw, number, total))
    assert made.status_code == 200, made.text
    db: Database = pw.w.app.state.database
    async with db.session() as session:
        user_id = await session.scalar(select(User.id).where(User.email == "user@example.com"))
        assert user_id is not None
        wallet = f"user_wallet:{user_id}"
        await ledger.post(
            session, f"topup:{number}", "top-up", [("funding_clearing:sandbox", -total), (wallet, total)]
        )
        await service.mark_paid(session, made.json()["prepay_id"], paid_from=wallet, user_id=user_id)
        await session.commit()


async def test_orders_count_toward_the_share_last_opened_within_the_window(
    tmp_path: Path, database_url: str
) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        w = pw.w
        alice = await person(w.client._transport, "alice@example.com")
        await alice.post("/api/identity/login", {"appid": w.a1.appid}, status=200)  # alice has an openid

        async def link(page: str) -> str:
            body = {"appid": w.a1.appid, "path": page, "link": True}
            return str((await alice.post("/api/me/shares", body, status=201))["shares"][0]["share_id"])

        menu, cart = await link("pages/menu/menu"), await link("pages/cart/cart")
        user_headers = {"X-CSRF-Token": w.csrf}

        async def open_share(share_id: str) -> None:
            opened = await w.client.post(f"/api/me/shares/{share_id}/open", headers=user_headers)
            assert opened.status_code == 200, opened.text

        db: Database = w.app.state.database
        await pay(pw, "TEA001", 1000)  # before any open: nobody's
        # An open a day and an hour ago: outside the window, so the next payment is nobody's either.
        await open_share(menu)
        async with db.session() as session:
            for row in (await session.scalars(select(ShareOpen))).all():
                row.created_at = row.created_at - timedelta(hours=25)
            await session.commit()
        await pay(pw, "TEA002", 9900)
        await open_share(menu)
        await pay(pw, "TEA003", 1880)  # the menu's
        await pay(pw, "TEA004", 1200)  # still the menu's
        await open_share(cart)
        await pay(pw, "TEA005", 2500)  # the cart's: the last open wins

        counts = (await w.client.get(f"/api/manage/apps/{w.a1.appid}/shares", headers=w.dev_a)).json()
        assert counts["attribution_hours"] == 24
        by_id = {s["share_id"]: s for s in counts["shares"]}
        assert (by_id[menu]["orders"], by_id[menu]["gmv_fen"]) == (2, 3080)
        assert (by_id[cart]["orders"], by_id[cart]["gmv_fen"]) == (1, 2500)
        (sharer,) = counts["by_sharer"]
        assert (sharer["shares"], sharer["opens"], sharer["orders"], sharer["gmv_fen"]) == (2, 3, 3, 5580)
        pages = {p["page"]: (p["orders"], p["gmv_fen"]) for p in counts["by_page"]}
        assert pages == {"pages/menu/menu": (2, 3080), "pages/cart/cart": (1, 2500)}

        # The cart's link gets the next payment too; a reversed payment is taken back.
        await pay(pw, "TEA006", 700)
        counts = (await w.client.get(f"/api/manage/apps/{w.a1.appid}/shares", headers=w.dev_a)).json()
        assert {s["share_id"]: s["orders"] for s in counts["shares"]}[cart] == 2
        # (A counter payment's reversal emits this event; here the JSAPI order's is written the same way.)
        async with db.session() as session:
            user_id = await session.scalar(select(User.id).where(User.email == "user@example.com"))
            order = await session.scalar(select(Order).where(Order.out_trade_no == "TEA006"))
            assert order is not None
            transaction_id = order.transaction_id
            await events.emit(
                session,
                order.app_id,
                "payment_reversed",
                {"transaction_id": transaction_id},
                f"user:{user_id}",
                value=700,
            )
            await session.commit()
        counts = (await w.client.get(f"/api/manage/apps/{w.a1.appid}/shares", headers=w.dev_a)).json()
        assert {s["share_id"]: (s["orders"], s["gmv_fen"]) for s in counts["shares"]}[cart] == (1, 2500)

        # The console page and its CSV: the same figures, for those who may see the app's analytics.
        page = await w.client.get(f"/console/apps/{w.a1.appid}/shares", headers=w.dev_a)
        assert page.status_code == 200, page.text
        assert re.search(r'id="total-orders">3<', page.text) and re.search(
            r'id="total-gmv">55.80<', page.text
        )
        assert menu in page.text and "alice@example.com" not in page.text
        download = await w.client.get(
            f"/console/apps/{w.a1.appid}/shares.csv", params={"table": "pages"}, headers=w.dev_a
        )
        assert download.headers["content-disposition"] == f'attachment; filename="{w.a1.appid}-pages.csv"'
        table = {r["page"]: (r["orders"], r["gmv_fen"]) for r in csv.DictReader(io.StringIO(download.text))}
        assert table == {"pages/menu/menu": ("2", "3080"), "pages/cart/cart": ("1", "2500")}
        sharers = await w.client.get(
            f"/console/apps/{w.a1.appid}/shares.csv", params={"table": "sharers"}, headers=w.dev_a
        )
        assert "alice" not in sharers.text and sharers.text.startswith("sharer_openid,shares,opens")

        # Not for a tester of the app's organization (no analytics), nor another organization, nor a guest.
        async with httpx.AsyncClient(transport=w.client._transport, base_url=w.client.base_url) as other:
            tester = await token_for(other, "tester@example.com")
            outsider = await token_for(other, "outsider@example.com")
            added = await w.client.put(
                f"/api/orgs/{pw.org_a}/members",
                json={"email": "tester@example.com", "role": "tester"},
                headers=w.dev_a,
            )
            assert added.status_code in (200, 201, 204), added.text
            for who, status in ((tester, 403), (outsider, 404)):
                for path in (
                    "/console/apps/{}/shares",
                    "/console/apps/{}/shares.csv",
                    "/api/manage/apps/{}/shares",
                ):
                    denied = await other.get(path.format(w.a1.appid), headers=who)
                    assert denied.status_code == status, (path, denied.text)
                    assert "gmv" not in denied.text
            other.cookies.clear()
            guest = await other.get(f"/console/apps/{w.a1.appid}/shares.csv")
            assert guest.status_code == 303 and guest.headers["location"] == "/console/signin"
