"""A voucher stock's money. WeChat's vouchers (代金券) of the pre-funded kind (预充值, ``no_cash``
false, ``type: CASH`` in promotion_detail) are paid for by the merchant that made them: activating the
stock locks its whole budget (coupon amount × max_coupons) from the merchant's marketing (营销)
account, each payment with one of its coupons takes the discount from that budget to the merchant's
pending balance (the merchant still receives the whole order amount), and what the stock did not
spend goes back to the marketing account when it ends.

A platform-funded stock (platform.py) locks its budget from ``platform_marketing`` instead (the
platform's own promotion expense, which may go below zero) and gives back to it.

Ledger accounts: ``merchant_marketing:<mchid>`` (funded from the merchant's available balance,
payments/settlement_routes.py) and ``coupon_budget:<stock_id>``; neither may go below zero, so a
stock the marketing account cannot cover is refused at start (403 NOT_ENOUGH) and a payment its budget
cannot cover is refused (coupon_not_applicable), never charged to the payer in full."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import ledger
from hutong.server.coupons.models import Stock
from hutong.server.payments.models import Merchant
from hutong.server.wechatpay.errors import PayError


def account(stock: Stock) -> str:
    return ledger.account("coupon_budget", stock.stock_id)


def marketing(mchid: str) -> str:
    return ledger.account("merchant_marketing", mchid)


def needed(stock: Stock) -> int:
    """The stock's whole budget in fen (WeChat's ``stock_use_rule.max_amount``)."""
    return (stock.amount_off or 0) * stock.max_coupons


async def funder(session: AsyncSession, stock: Stock) -> tuple[str, str]:
    """(who pays, the marketing account the stock's budget comes from and goes back to)."""
    if stock.funded_by == "platform":
        return "platform", ledger.account("platform_marketing")
    merchant = await session.get(Merchant, stock.merchant_id)
    assert merchant is not None
    return merchant.mchid, marketing(merchant.mchid)


async def lock(session: AsyncSession, stock: Stock) -> None:
    """Marketing account → the stock's budget, once (the journal key is the stock's)."""
    who, source = await funder(session, stock)
    amount = needed(stock)
    try:
        await ledger.post(
            session,
            f"favor:{stock.stock_id}:lock",
            f"{who} voucher stock {stock.stock_id} budget",
            [(source, -amount), (account(stock), amount)],
        )
    except ledger.InsufficientFunds as error:
        raise PayError(
            403,
            "NOT_ENOUGH",
            f"营销账户余额不足 (the marketing account holds {error.balance} fen; the stock needs {amount})",
        ) from error


async def release(session: AsyncSession, stock: Stock) -> None:
    """What the ended stock's budget still holds → the marketing account (once)."""
    left = await ledger.balance(session, account(stock))
    if left <= 0:
        return
    who, source = await funder(session, stock)
    await ledger.post(
        session,
        f"favor:{stock.stock_id}:release",
        f"{who} voucher stock {stock.stock_id} ended: unspent budget back",
        [(account(stock), -left), (source, left)],
    )


async def moved(session: AsyncSession, stock: Stock, action: str) -> None:
    """A voucher stock's state change that this call made: money follows it."""
    if stock.family != "favor":
        return
    if action == "start":
        await lock(session, stock)
    elif stock.state in ("stopped", "expired"):
        await release(session, stock)
