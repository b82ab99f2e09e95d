"""Native orders (扫码支付) on the payer's side: the shop shows its order's ``code_url`` as a QR code, the
user scans it in the shell, which makes the order theirs to pay (the first scanner's; another user is
refused) and shows its merchant and amount; the user pays it from the wallet with the PIN, through the
same path as a counter payment waiting for its PIN (codepay.pay_from_wallet: mark_paid and the
wallet's line, one transaction)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.payments import ids, orders
from hutong.server.payments import service as payments
from hutong.server.payments.codepay import Pending
from hutong.server.payments.models import Merchant, Order
from hutong.server.problems import Problem

TRADE_TYPE = "NATIVE"
CODE_URL_PREFIX = "weixin://wxpay/bizpayurl?pr="


async def scan(session: AsyncSession, code_url: str, user_id: int) -> Pending:
    """Bind the scanned order to the user and say what the confirmation shows."""
    if not code_url.startswith(CODE_URL_PREFIX):
        raise Problem(422, "not_a_payment_code", "not a payment QR code")
    try:
        await payments.bind_native_payer(session, code_url, user_id)
    except payments.PaymentError as error:
        if error.code == "wrong_payer":
            raise Problem(409, "order_taken", "another user is paying this order") from None
        raise Problem(404, "payment_not_found", "no such payment code") from None
    found = (
        await session.execute(
            select(Order, Merchant.name)
            .join(Merchant, Merchant.id == Order.merchant_id)
            .where(Order.code_url == code_url)
        )
    ).one()
    order, merchant_name = found
    if order.trade_state != "NOTPAY" or orders.is_expired(order, ids.now()):
        raise Problem(409, "order_not_payable", f"this order is {order.trade_state} and cannot be paid")
    return Pending(
        order.transaction_id, merchant_name, order.description, order.amount_total, order.created_at
    )


async def payers_order(session: AsyncSession, user_id: int, transaction_id: str) -> Order | None:
    """A Native order this user scanned."""
    found: Order | None = await session.scalar(
        select(Order).where(
            Order.transaction_id == transaction_id,
            Order.payer_user_id == user_id,
            Order.trade_type == TRADE_TYPE,
        )
    )
    return found
