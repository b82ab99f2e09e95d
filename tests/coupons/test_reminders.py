"""Expiry reminders on SQLite and PostgreSQL: the periodic job tells the owner of a coupon expiring within
the window, once, in the host inbox under the coupon's mini program; a coupon expiring later, a used
one and an expired one are not reminded; two runs at once remind once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from hutong.server import outbox
from hutong.server.coupons import reminders
from hutong.server.coupons.models import Coupon
from hutong.server.db import Database
from hutong.server.payments.ids import now
from tests.coupons.world import make_stock, send
from tests.payments.world import pay_world


async def test_owners_are_reminded_once_before_coupons_expire(tmp_path: Path, database_url: str) -> None:
    assert any(p.topic == reminders.TOPIC for p in outbox.periodics())
    async with pay_world(tmp_path, database_url) as pw:
        w = pw.w
        stock_id = await make_stock(pw, max_coupons_per_user=4)
        ids = []
        for number in ("R1", "R2", "R3", "R4"):
            sent = await send(pw, stock_id, number)
            assert sent.status_code == 200, sent.text
            ids.append(sent.json()["coupon_id"])
        soon, later, used, gone = ids
        at = now()
        database: Database = w.app.state.database
        async with database.session() as session:
            for coupon_id, until in ((soon, 30), (later, 24 * 10), (used, 30), (gone, -1)):
                await session.execute(
                    update(Coupon)
                    .where(Coupon.coupon_id == coupon_id)
                    .values(valid_until=at + timedelta(hours=until))
                )
            await session.execute(update(Coupon).where(Coupon.coupon_id == used).values(state="USED"))
            await session.commit()

        async def run() -> int:
            async with database.session() as session:
                return await reminders.remind(session, timedelta(hours=72), at)

        assert sorted(await asyncio.gather(run(), run())) == [0, 1]
        assert await run() == 0

        me = {"X-CSRF-Token": w.csrf}
        thread = (await w.client.get(f"/api/me/notifications/{w.a1.appid}", headers=me)).json()
        [notice] = thread["messages"]
        assert notice["title"] == reminders.TITLE
        assert notice["data"][0]["value"] == "到店立减5元"
        groups = (await w.client.get("/api/me/notifications", headers=me)).json()
        assert [g["app"]["appid"] for g in groups] == [w.a1.appid]
