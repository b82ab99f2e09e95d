"""What a campaign brought: per stock, by Beijing day and by store, how many coupons were claimed and
redeemed, the redemption rate, store visits (redemptions at a store; a user's first redemption at that
store counted apart as a new customer), and the GMV of the orders that used a coupon (fen).

Counted from the coupons themselves (each row knows when it was claimed and used, where, and for how
much), so the figures cannot drift from the coupons' states; a return undoes its redemption."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.coupons.issuing import day_of
from hutong.server.coupons.models import Coupon, Stock, Store


@dataclass
class Tally:
    claimed: int = 0
    redeemed: int = 0
    store_visits: int = 0
    new_customers: int = 0
    returning_customers: int = 0
    gmv: int = 0
    discount: int = 0

    def as_dict(self) -> dict[str, Any]:
        rate = round(self.redeemed / self.claimed, 4) if self.claimed else 0.0
        return {
            "claimed": self.claimed,
            "redeemed": self.redeemed,
            "redemption_rate": rate,
            "store_visits": self.store_visits,
            "new_customers": self.new_customers,
            "returning_customers": self.returning_customers,
            "gmv_fen": self.gmv,
            "discount_fen": self.discount,
        }


@dataclass
class Results:
    total: Tally = field(default_factory=Tally)
    by_day: dict[str, Tally] = field(default_factory=dict)
    by_store: dict[int, Tally] = field(default_factory=dict)

    def day(self, name: str) -> Tally:
        return self.by_day.setdefault(name, Tally())


async def of_stock(session: AsyncSession, stock: Stock) -> Results:
    results = Results()
    rows = await session.scalars(select(Coupon).where(Coupon.stock_pk == stock.id))
    for coupon in rows:
        results.total.claimed += 1
        results.day(day_of(coupon.claimed_at)).claimed += 1
        if coupon.state != "USED" or coupon.used_at is None:
            continue
        tallies = [results.total, results.day(day_of(coupon.used_at))]
        if coupon.used_store_id is not None:
            tallies.append(results.by_store.setdefault(coupon.used_store_id, Tally()))
        for tally in tallies:
            tally.redeemed += 1
            tally.gmv += coupon.order_total or 0
            tally.discount += coupon.discount or 0
            if coupon.used_store_id is not None:
                tally.store_visits += 1
                if coupon.first_visit:
                    tally.new_customers += 1
                else:
                    tally.returning_customers += 1
    # A coupon is claimed for the stock, not for a store: a store's "claimed" stays 0.
    return results


def _add(into: Tally, one: Tally) -> None:
    for name in (
        "claimed",
        "redeemed",
        "store_visits",
        "new_customers",
        "returning_customers",
        "gmv",
        "discount",
    ):
        setattr(into, name, getattr(into, name) + getattr(one, name))


async def of_merchant(session: AsyncSession, merchant_id: int) -> Tally:
    """A campaign of several stocks in one set of figures (a voucher applied at checkout and a merchant
    coupon redeemed at the counter are two stocks of one campaign): the sum of every stock's totals."""
    return (await merchant_report(session, merchant_id))[0]


async def merchant_report(
    session: AsyncSession, merchant_id: int
) -> tuple[Tally, dict[str, Tally], list[tuple[Stock, Results]]]:
    """Every stock of the merchant: the sum of their totals, the sum by Beijing day, and each stock's own
    results (oldest stock first)."""
    total, by_day, each = Tally(), dict[str, Tally](), []
    found = await session.scalars(select(Stock).where(Stock.merchant_id == merchant_id).order_by(Stock.id))
    for stock in found:
        one = await of_stock(session, stock)
        _add(total, one.total)
        for day, tally in one.by_day.items():
            _add(by_day.setdefault(day, Tally()), tally)
        each.append((stock, one))
    return total, by_day, each


def _days(by_day: dict[str, Tally], span: list[str]) -> list[dict[str, Any]]:
    return [{"date": day, **by_day.get(day, Tally()).as_dict()} for day in span]


def _span(first: str, last: str) -> list[str]:
    """Every Beijing day from ``first`` to ``last`` (so a chart's quiet days read 0, not a gap)."""
    begin, end = date.fromisoformat(first), date.fromisoformat(last)
    return [(begin + timedelta(days=n)).isoformat() for n in range((end - begin).days + 1)]


async def merchant_json(session: AsyncSession, mchid: str, merchant_id: int) -> dict[str, Any]:
    """``GET /api/merchants/{mchid}/coupon-results``: the total, every stock together by day, and each
    stock by day; the days run without gaps from the first day anything happened to the last."""
    total, by_day, each = await merchant_report(session, merchant_id)
    span = _span(min(by_day), max(by_day)) if by_day else []
    return {
        "mchid": mchid,
        "total": total.as_dict(),
        "days": _days(by_day, span),
        "stocks": [
            {
                "stock_id": stock.stock_id,
                "name": stock.name,
                "family": stock.family,
                "state": stock.state,
                "total": one.total.as_dict(),
                "days": _days(one.by_day, span),
            }
            for stock, one in each
        ],
    }


MERCHANT_COLUMNS = ("date", "stock_id", "name", "claimed", "redeemed", "redemption_rate", "store_visits",
                    "new_customers", "returning_customers", "gmv_fen", "discount_fen")  # fmt: skip


def merchant_csv(report: dict[str, Any]) -> str:
    """One row per day and stock (days with nothing for a stock left out), then each day of every stock
    together (stock ``all``), then the total."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MERCHANT_COLUMNS)
    figures = MERCHANT_COLUMNS[3:]
    for stock in report["stocks"]:
        for day in stock["days"]:
            if day["claimed"] or day["redeemed"]:
                writer.writerow([day["date"], stock["stock_id"], stock["name"], *(day[c] for c in figures)])
    for day in report["days"]:
        writer.writerow([day["date"], "all", "", *(day[c] for c in figures)])
    writer.writerow(["total", "all", "", *(report["total"][c] for c in figures)])
    return out.getvalue()


async def as_json(session: AsyncSession, stock: Stock) -> dict[str, Any]:
    results = await of_stock(session, stock)
    names = {
        store.id: store.name
        for store in await session.scalars(select(Store).where(Store.id.in_(list(results.by_store))))
    }
    return {
        "stock_id": stock.stock_id,
        "name": stock.name,
        "state": stock.state,
        "total": results.total.as_dict(),
        "days": [{"date": day, **tally.as_dict()} for day, tally in sorted(results.by_day.items())],
        "stores": [
            {"store_id": store_id, "name": names.get(store_id, ""), **tally.as_dict()}
            for store_id, tally in sorted(results.by_store.items())
        ],
    }


COLUMNS = ("date", "claimed", "redeemed", "redemption_rate", "store_visits", "new_customers",
           "returning_customers", "gmv_fen", "discount_fen")  # fmt: skip


def as_csv(report: dict[str, Any]) -> str:
    """One row per day, then the total; amounts in fen (integers, as everywhere but WeChat's bills)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for day in report["days"]:
        writer.writerow([day[column] for column in COLUMNS])
    writer.writerow(["total", *(report["total"][column] for column in COLUMNS[1:])])
    return out.getvalue()
