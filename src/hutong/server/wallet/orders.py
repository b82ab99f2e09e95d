"""The wallet's view of a payments order: what wx.requestPayment needs to check and pay it. The one
place that talks to the payments service (server/payments/)."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class Payable:
    prepay_id: str
    pay_appid: str  # the appid the paySign names: the order's appid, or sub_appid in partner orders
    payer_openid: str
    mchid: str
    merchant_name: str
    app_name: str
    description: str
    amount_fen: int
    merchant_keys: list[rsa.RSAPublicKey]
    payable: bool
    why_not_payable: str = ""


def receiving_account(order: Payable) -> str:
    return f"merchant_pending:{order.mchid}"


async def find(session: AsyncSession, prepay_id: str) -> Payable | None:
    raise NotImplementedError("waiting for server/payments/")


async def mark_paid(session: AsyncSession, order: Payable, *, openid: str) -> None:
    raise NotImplementedError("waiting for server/payments/")
