"""`hutong demo` seeds 零食派's voucher: a running favor stock with its budget locked from a funded
marketing account, the same stock on every start, and a new one once the merchant has stopped it."""

from __future__ import annotations

from sqlalchemy import func, select

from hutong import demo_shop
from hutong.examples import demo_organization
from hutong.server import ledger
from hutong.server.coupons import issuing
from hutong.server.coupons.models import Stock
from hutong.server.db import Database
from hutong.server.payments import merchants


async def test_the_demo_voucher_runs_funded_and_is_seeded_once(database: Database) -> None:
    async with database.session() as session:
        org = await demo_organization(session)
        merchant = await merchants.create(session, org.id, demo_shop.SNACKS_MERCHANT_NAME)
        mchid = merchant.mchid
        await session.commit()

    first = await demo_shop.seed_voucher(database, mchid)
    assert await demo_shop.seed_voucher(database, mchid) == first  # the next start: the same stock
    budget = demo_shop.VOUCHER_COUPONS * demo_shop.VOUCHER_FEN
    async with database.session() as session:
        stock = await session.scalar(select(Stock).where(Stock.stock_id == first))
        assert stock is not None and stock.state == "running" and stock.family == "favor"
        assert await ledger.balance(session, f"coupon_budget:{first}") == budget
        assert await ledger.balance(session, f"merchant_marketing:{mchid}") == 0
        assert await session.scalar(select(func.count()).select_from(Stock)) == 1
        await issuing.move(session, stock, "stop")  # the merchant ends it in the console
        await session.commit()

    second = await demo_shop.seed_voucher(database, mchid)
    assert second != first
    async with database.session() as session:
        assert (await session.scalar(select(Stock.state).where(Stock.stock_id == second))) == "running"
        assert await ledger.balance(session, f"coupon_budget:{second}") == budget
        # The stopped stock's budget went back to the marketing account, where it stays.
        assert await ledger.balance(session, f"merchant_marketing:{mchid}") == budget
