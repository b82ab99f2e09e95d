"""Coupon budgets and redemptions under concurrency, on SQLite and PostgreSQL: 200 racing claims for
the last 50 coupons issue exactly 50; one user's racing claims stop at the per-user limit; 50 racing
redemptions of one code redeem it once; codes carry at least 80 bits of randomness."""

from __future__ import annotations

import asyncio
import math
from pathlib import Path

from sqlalchemy import func, select, update

from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.coupons import issuing, rules, using
from hutong.server.coupons.models import ClaimCount, Coupon, Stock
from hutong.server.db import Database
from hutong.server.payments.models import Merchant
from hutong.server.wechatpay.errors import PayError
from tests.coupons.world import make_stock
from tests.payments.world import PayWorld, pay_world


async def _context(pw: PayWorld, stock_id: str) -> tuple[Database, Merchant, App]:
    db: Database = pw.w.app.state.database
    async with db.session() as session:
        merchant = await session.scalar(select(Merchant).where(Merchant.mchid == pw.merchant.mchid))
        app = await session.scalar(select(App).where(App.appid == pw.w.a1.appid))
    assert merchant is not None and app is not None
    return db, merchant, app


async def _claim(db: Database, merchant: Merchant, stock_id: str, claimant: issuing.Claimant, no: str) -> str:
    try:
        async with db.session() as session:
            stock = await issuing.stock_of(session, merchant, stock_id)
            await issuing.claim(session, stock, merchant, claimant, out_request_no=no, channel="API")
        return "ok"
    except issuing.ClaimRefused as refused:
        return refused.reason


async def test_two_hundred_claims_for_the_last_fifty(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        stock_id = await make_stock(pw, max_coupons=250, max_coupons_by_day=1000)
        db, merchant, app = await _context(pw, stock_id)
        async with db.session() as session:
            # 200 of 250 already gone; 200 new users (rows made directly: sign-up hashing is not the point).
            await session.execute(update(Stock).where(Stock.stock_id == stock_id).values(issued=200))
            users = [User(email=f"racer{n}@example.com", password_hash="x") for n in range(200)]
            session.add_all(users)
            await session.flush()
            ids = [user.id for user in users]
        claimants = [issuing.Claimant(uid, app.id, app.appid, f"o{uid:027d}") for uid in ids]
        results = await asyncio.gather(
            *(_claim(db, merchant, stock_id, c, f"N{n:04d}") for n, c in enumerate(claimants))
        )
        assert results.count("ok") == 50 and set(results) == {"ok", "exhausted"}
        async with db.session() as session:
            stock = await session.scalar(select(Stock).where(Stock.stock_id == stock_id))
            assert stock is not None and stock.issued == 250 and stock.state == "exhausted"
            made = await session.scalar(select(func.count(Coupon.id)).where(Coupon.stock_pk == stock.id))
            assert made == 50
            day = await session.scalar(
                select(ClaimCount.count).where(
                    ClaimCount.stock_pk == stock.id, ClaimCount.scope.like("day:%")
                )
            )
            assert day == 50  # the per-day count moved with the winners only


async def test_one_user_racing_stops_at_the_per_user_limit(tmp_path: Path, database_url: str) -> None:
    async with pay_world(tmp_path, database_url) as pw:
        stock_id = await make_stock(pw, max_coupons=100, max_coupons_per_user=3)
        db, merchant, app = await _context(pw, stock_id)
        async with db.session() as session:
            user_id = await session.scalar(select(User.id).where(User.email == "user@example.com"))
        assert user_id is not None
        # The same user from many devices at once: distinct requests.
        me = issuing.Claimant(user_id, app.id, app.appid, pw.openid)
        results = await asyncio.gather(*(_claim(db, merchant, stock_id, me, f"D{n:03d}") for n in range(30)))
        assert results.count("ok") == 3 and set(results) == {"ok", "user_limit"}
        # The same request number from two devices at once is one coupon: replaying a
        # request that won gives its coupon again (which of the 30 won is up to the race).
        winner = f"D{results.index('ok'):03d}"
        twins = await asyncio.gather(*(_claim(db, merchant, stock_id, me, winner) for _ in range(5)))
        assert set(twins) == {"ok"}
        async with db.session() as session:
            stock = await session.scalar(select(Stock).where(Stock.stock_id == stock_id))
            assert stock is not None and stock.issued == 3  # refused claims gave their budget back

            # 50 racing redemptions of one code: one wins.
            coupon = await session.scalar(select(Coupon).where(Coupon.stock_pk == stock.id).limit(1))
            assert coupon is not None
            code = coupon.coupon_code

        async def redeem(n: int) -> str:
            try:
                async with db.session() as session:
                    found = await using.find_by_code(session, merchant, code)
                    assert found is not None
                    await using.use(session, merchant, found[0], found[1], use_request_no=f"U{n:03d}")
                return "ok"
            except PayError as error:
                return getattr(error, "reason", error.code)

        outcomes = await asyncio.gather(*(redeem(n) for n in range(50)))
        assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "used"}
        async with db.session() as session:
            stock = await session.scalar(select(Stock).where(Stock.stock_id == stock_id))
            assert stock is not None and stock.used == 1


def test_codes_have_more_than_80_bits_and_do_not_repeat() -> None:
    assert rules.CODE_DIGITS * math.log2(10) >= 80
    codes = {rules.new_code() for _ in range(20_000)}
    assert len(codes) == 20_000 and all(len(code) == rules.CODE_DIGITS and code.isdigit() for code in codes)
    # Every digit position is used (no fixed prefix shrinking the space).
    assert {code[0] for code in codes} == set("0123456789")
