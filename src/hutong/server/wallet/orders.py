"""The wallet's view of a payments order: the one place that asks server/payments/ about one."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.payments import service as payments
from hutong.server.payments.service import PaymentError, Prepay
from hutong.server.problems import Problem

__all__ = ["PaymentError", "Prepay", "find", "mark_paid", "pay_sign_valid", "receiving_account"]

pay_sign_valid = payments.pay_sign_valid


def receiving_account(prepay: Prepay) -> str:
    return payments.merchant_pending(prepay.mchid)


async def find(session: AsyncSession, prepay_id: str) -> Prepay | None:
    return await payments.get_prepay(session, prepay_id)


async def mark_paid(session: AsyncSession, prepay: Prepay, user_id: int) -> None:
    try:
        await payments.mark_paid(session, prepay.prepay_id, user_id)  # type: ignore[attr-defined]
    except PaymentError as error:
        raise Problem(409, "order_not_payable", str(error)) from None
