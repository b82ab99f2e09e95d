"""`hutong demo` seeds 零食派's voucher: a running favor stock with its budget locked from a funded
marketing account, the same stock on every start, and a new one once the merchant has stopped it. A
restart also keeps a shop back end's credentials while they still hold."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from hutong import demo_shop
from hutong.examples import demo_organization, load_examples
from hutong.server import ledger
from hutong.server.apps import service as apps
from hutong.server.coupons import issuing
from hutong.server.coupons.models import Stock
from hutong.server.db import Database
from hutong.server.payments import merchants
from hutong.server.storage import BlobStore

ROOT = Path(__file__).resolve().parent.parent.parent


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


async def test_a_demo_restart_keeps_the_back_ends_credentials(database: Database, tmp_path: Path) -> None:
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "snacks").symlink_to(ROOT / "examples" / "snacks")
    await load_examples(database, BlobStore(tmp_path / "blobs"), examples)
    platform, backend = "http://127.0.0.1:8000", "http://127.0.0.1:8002"

    async def seed(previous: dict[str, str] | None) -> dict[str, str]:
        name = demo_shop.SNACKS_MERCHANT_NAME
        return await demo_shop.seed(
            database, platform, backend, appid=demo_shop.SNACKS_APPID, merchant_name=name, previous=previous
        )

    first = await seed(None)
    again = await seed(first)
    assert again == first
    async with database.session() as session:
        assert await apps.check_secret(session, demo_shop.SNACKS_APPID, first["secret"])

    # A file that no longer holds (here: an AppSecret rotated since) is replaced whole.
    stale = {**first, "secret": "0" * 32}
    fresh = await seed(stale)
    assert fresh["secret"] != first["secret"] and fresh["serial_no"] != first["serial_no"]
    assert fresh["apiv3_key"] != first["apiv3_key"] and fresh["mchid"] == first["mchid"]
    async with database.session() as session:
        assert await apps.check_secret(session, demo_shop.SNACKS_APPID, fresh["secret"])
        assert not await apps.check_secret(session, demo_shop.SNACKS_APPID, first["secret"])
