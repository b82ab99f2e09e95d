"""Counter payments on the payer's side (host-only, like the rest of /api/me/wallet): the payment-code
payments waiting for this user's PIN, confirming or declining one, the user's own PIN-free limit, and
a shop's Native order QR code scanned and paid with the PIN (wallet/native.py).
The till's side is payments/codepay_routes.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.consent.routes import host_only
from hutong.server.db.base import utcnow
from hutong.server.deps import database, settings
from hutong.server.idempotency import Idempotency
from hutong.server.payments import codepay
from hutong.server.payments.models import Order
from hutong.server.payments.service import PaymentError
from hutong.server.problems import Problem
from hutong.server.wallet import native, pin, service
from hutong.server.wallet.models import WalletSettings
from hutong.server.wallet.routes import _payments_rate_limit

router = APIRouter(prefix="/api/me/wallet", tags=["wallet"], dependencies=[Depends(host_only)])
CurrentUser = Annotated[User, Depends(current_user)]
TransactionId = Annotated[str, Path(max_length=32)]


class PendingOut(BaseModel):
    transaction_id: str
    merchant_name: str
    description: str
    amount_fen: int
    created_at: datetime


class ConfirmIn(BaseModel):
    pin: str = Field(max_length=6)


class ConfirmedOut(BaseModel):
    paid: bool
    balance_fen: int


class LimitIn(BaseModel):
    pin_free_fen: int | None = Field(
        ge=0,
        description="Largest counter payment taken without the PIN; 0 asks every time; null: the platform's.",
    )


class LimitOut(BaseModel):
    pin_free_fen: int  # what applies now (the lower of the user's and the platform's)
    own_fen: int | None


@router.get("/counter", response_model=list[PendingOut])
async def pending(request: Request, user: CurrentUser) -> list[PendingOut]:
    """Counter payments waiting for this user's PIN (the shell polls while it shows the payment code)."""
    async with database(request).session() as session:
        found = await codepay.pending_for(session, user.id)
    return [PendingOut(**p.__dict__) for p in found]


@router.post(
    "/counter/{transaction_id}/confirm",
    response_model=ConfirmedOut,
    dependencies=[Depends(_payments_rate_limit)],
)
async def confirm(
    transaction_id: TransactionId, body: ConfirmIn, user: CurrentUser, idem: Idempotency
) -> Response:
    """Pay a waiting counter payment with the payment PIN (an Idempotency-Key replays the answer)."""

    lookup, missing = codepay.payers_order, "no such counter payment of yours"
    return await idem.run(f"user:{user.id}", _pay_with_pin(lookup, missing, transaction_id, body, user))


PayersOrder = Callable[[AsyncSession, int, str], Awaitable[Order | None]]


def _pay_with_pin(
    lookup: PayersOrder, missing: str, transaction_id: str, body: ConfirmIn, user: User
) -> Callable[[AsyncSession], Awaitable[ConfirmedOut]]:
    """The idempotent work of paying the payer's own order (found by ``lookup``) with the PIN."""

    async def act(session: AsyncSession) -> ConfirmedOut:
        if await lookup(session, user.id, transaction_id) is None:
            raise Problem(404, "payment_not_found", missing)
        await pin.verify(session, user.id, body.pin)
        # Looked up again: verifying the PIN commits (its tries are counted durably), which expires it.
        order = await lookup(session, user.id, transaction_id)
        assert order is not None
        return await _pay(session, order, user)

    return act


async def _pay(session: AsyncSession, order: Order, user: User) -> ConfirmedOut:
    """Pay ``order`` from the user's wallet (the PIN checked) and commit."""
    try:
        paid = await codepay.pay_from_wallet(session, order, user.id)
    except PaymentError as error:
        code = "order_paid" if error.code == "already_paid" else "order_not_payable"
        raise Problem(409, code, str(error)) from None
    if not paid:
        raise Problem(409, "insufficient_balance", "the wallet balance is too low")
    await session.commit()
    return ConfirmedOut(paid=True, balance_fen=await service.balance(session, user.id))


class NativeIn(BaseModel):
    code_url: str = Field(max_length=128)


@router.post("/native", response_model=PendingOut, dependencies=[Depends(_payments_rate_limit)])
async def scan_native(body: NativeIn, request: Request, user: CurrentUser) -> PendingOut:
    """A shop's Native order QR code (``code_url``) scanned in the shell: the order becomes this user's
    to pay; answers what the confirmation shows."""
    async with database(request).session() as session:
        found = await native.scan(session, body.code_url, user.id)
        await session.commit()
    return PendingOut(**found.__dict__)


@router.post(
    "/native/{transaction_id}/pay",
    response_model=ConfirmedOut,
    dependencies=[Depends(_payments_rate_limit)],
)
async def pay_native(
    transaction_id: TransactionId, body: ConfirmIn, user: CurrentUser, idem: Idempotency
) -> Response:
    """Pay a scanned Native order with the payment PIN (an Idempotency-Key replays the answer)."""

    lookup, missing = native.payers_order, "no such scanned order of yours"
    return await idem.run(f"user:{user.id}", _pay_with_pin(lookup, missing, transaction_id, body, user))


@router.post("/counter/{transaction_id}/decline", status_code=204)
async def decline(transaction_id: TransactionId, request: Request, user: CurrentUser) -> None:
    """Refuse a waiting counter payment: the till's next query sees PAYERROR."""
    async with database(request).session() as session:
        order = await codepay.payers_order(session, user.id, transaction_id)
        if order is None:
            raise Problem(404, "payment_not_found", "no such counter payment of yours")
        if not await codepay.decline(session, order):
            raise Problem(409, "order_not_payable", f"the payment is {order.trade_state}")


@router.get("/counter-limit", response_model=LimitOut)
async def get_limit(request: Request, user: CurrentUser) -> LimitOut:
    platform = settings(request).counter_pin_free_fen
    async with database(request).session() as session:
        row = await session.get(WalletSettings, user.id)
        applies = await codepay.pin_free_limit(session, user.id, platform)
    return LimitOut(pin_free_fen=applies, own_fen=row.counter_pin_free_fen if row else None)


@router.put("/counter-limit", response_model=LimitOut)
async def put_limit(body: LimitIn, request: Request, user: CurrentUser) -> LimitOut:
    """Set the user's own PIN-free limit for counter payments (lower than the platform's to matter)."""
    platform = settings(request).counter_pin_free_fen
    async with database(request).session() as session:
        row = await session.get(WalletSettings, user.id)
        if row is None:
            session.add(WalletSettings(user_id=user.id, counter_pin_free_fen=body.pin_free_fen))
        else:
            row.counter_pin_free_fen, row.updated_at = body.pin_free_fen, utcnow()
        await session.flush()
        applies = await codepay.pin_free_limit(session, user.id, platform)
    return LimitOut(pin_free_fen=applies, own_fen=body.pin_free_fen)
