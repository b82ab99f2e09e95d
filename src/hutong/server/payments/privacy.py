"""Wallet records in the data-rights export: the user's payments in a mini program (its orders paid
from the user's wallet, with their refunds). They are financial records the platform must keep, so a
data-rights deletion leaves them (``delete`` counts nothing and answers None), as WeChat keeps its
transaction records; the money itself is in the immutable ledger."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.payments import ids
from hutong.server.payments.models import Merchant, Order, Refund
from hutong.server.privacy.registry import DataProvider, register


async def export_payments(session: AsyncSession, user_id: int, app_id: int) -> list[dict[str, Any]]:
    rows = (
        await session.execute(
            select(Order, Merchant.name)
            .join(Merchant, Merchant.id == Order.merchant_id)
            .where(Order.payer_user_id == user_id, Order.app_id == app_id)
            .order_by(Order.id)
        )
    ).all()
    exported = []
    for order, merchant_name in rows:
        refunds = await session.scalars(select(Refund).where(Refund.order_id == order.id).order_by(Refund.id))
        exported.append(
            {
                "merchant": merchant_name,
                "description": order.description,
                "transaction_id": order.transaction_id if order.success_time else None,
                "trade_type": order.trade_type,
                "trade_state": order.trade_state,
                "amount_fen": order.amount_total,
                "created_at": ids.rfc3339(order.created_at),
                "paid_at": ids.rfc3339(order.success_time),
                "refunds": [
                    {"amount_fen": r.amount, "status": r.status, "created_at": ids.rfc3339(r.created_at)}
                    for r in refunds
                ],
            }
        )
    return exported


async def keep_payments(session: AsyncSession, user_id: int, app_id: int) -> None:
    """Payment records are kept (see the module's docstring): nothing is removed."""
    return None


async def apps_with_payments(session: AsyncSession, user_id: int) -> set[int]:
    return set(await session.scalars(select(Order.app_id).where(Order.payer_user_id == user_id).distinct()))


register(
    DataProvider(
        "payments",
        export_payments,
        keep_payments,
        apps_with_payments,
        "what you paid it from your wallet (kept: payment records are retained)",
    )
)
