"""Stocks past their end date, found by an hourly periodic outbox job and recorded expired
(``issuing.refresh_state``, a conditional UPDATE: two runs at once expire a stock once), so that a
voucher stock's unspent budget goes back to the marketing account (budget.py) within the hour of its
end, not only when someone next looks at the stock. Each stock in its own transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hutong.logs import get_logger
from hutong.server import outbox
from hutong.server.coupons import issuing
from hutong.server.coupons.models import Stock
from hutong.server.db import Database
from hutong.server.payments.ids import now

TOPIC = "coupons.expire"
log = get_logger("hutong.coupons.expiry")


async def expire(database: Database) -> int:
    """Expire every stock whose end date has passed; answers how many this call expired."""
    async with database.session() as session:
        due = list(
            await session.scalars(
                select(Stock.id).where(Stock.state.in_(issuing.ACTIVE), Stock.ends_at <= now())
            )
        )
    expired = 0
    for stock_pk in due:
        async with database.session() as session:
            stock = await session.get(Stock, stock_pk)
            if stock is not None and stock.state in issuing.ACTIVE:
                await issuing.refresh_state(session, stock)
                expired += stock.state == "expired"
    return expired


@outbox.periodic(TOPIC, every=timedelta(hours=1), offset=timedelta(minutes=20), timeout=300)
async def run(job: outbox.Job) -> outbox.Outcome:
    expired = await expire(job.database)
    log.info("coupons.expired", stocks=expired)
    return outbox.Outcome.done(body=f"{expired} stocks expired")
