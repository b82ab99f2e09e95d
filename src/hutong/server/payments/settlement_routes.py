"""The console's API for a merchant's money: balances, settlements and withdrawals to its bank."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.audit import service as audit
from hutong.server.deps import database, settings
from hutong.server.funding import registry
from hutong.server.funding import service as funding
from hutong.server.funding.models import FundingTransfer
from hutong.server.idempotency import Idempotency
from hutong.server.payments import settlement
from hutong.server.payments.manage_routes import merchant_for
from hutong.server.payments.models import Settlement
from hutong.server.problems import Problem

router = APIRouter(prefix="/api", tags=["payments"])
Caller = Annotated[User, Depends(current_user)]
# Optional in the signature so that a caller without credentials hears 401 before anything else.
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=80)]


class WithdrawIn(BaseModel):
    amount_fen: int = Field(gt=0, le=settlement.MAX_WITHDRAWAL_FEN, strict=True)
    account_number: str = Field(max_length=40)


def _transfer(t: FundingTransfer) -> dict[str, Any]:
    return {
        "reference": t.reference,
        "amount_fen": t.amount_fen,
        "state": t.state,
        "failure_code": t.failure_code,
        "account_hint": t.party_hint,
        "created_at": t.created_at.isoformat(),
    }


def _settlement(r: Settlement) -> dict[str, Any]:
    return {"day": r.day, "gross_fen": r.gross_fen, "fee_fen": r.fee_fen, "net_fen": r.gross_fen - r.fee_fen}


@router.get("/merchants/{mchid}/balances")
async def balances(request: Request, mchid: str, user: Caller) -> dict[str, Any]:
    """Pending (not yet settled) and available balances, the fees taken, the fee rate, recent
    settlements (each day's gross, fee and net) and withdrawals."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        rows = await session.scalars(
            select(Settlement)
            .where(Settlement.merchant_id == merchant.id)
            .order_by(Settlement.day.desc())
            .limit(31)
        )
        return {
            **await settlement.balances(session, merchant),
            # The platform's fees from this merchant, from the ledger (settlements less returns).
            "fees_fen": await settlement.fees_paid(session, merchant),
            "fee_rate_ppm": merchant.fee_rate_ppm,
            "settlements": [
                {
                    "day": r.day,
                    "gross_fen": r.gross_fen,
                    "fee_fen": r.fee_fen,
                    "net_fen": r.gross_fen - r.fee_fen,
                }
                for r in rows
            ],
            "withdrawals": [_transfer(t) for t in await settlement.withdrawals(session, merchant)],
        }


async def _withdraw(
    request: Request, session: AsyncSession, mchid: str, body: WithdrawIn, user: User, key: str
) -> dict[str, Any]:
    merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
    provider = registry.provider(request)
    callback = registry.callback_url(settings(request), provider.name)
    transfer = await settlement.withdraw(
        session, provider, merchant, user.id, body.amount_fen, body.account_number, key, callback
    )
    await audit.record(
        session,
        None,
        user,
        "merchant.withdrawal",
        mchid=mchid,
        reference=transfer.reference,
        amount=transfer.amount_fen,
    )
    await session.commit()
    return _transfer(transfer)


def _needs_key(key: str | None) -> str:
    if key is None or len(key) < 8:
        raise Problem(400, "idempotency_key_missing", "an Idempotency-Key header of 8 to 80 characters")
    return key


async def withdraw(
    request: Request, mchid: str, body: WithdrawIn, user: User, key: str | None
) -> dict[str, Any]:
    """A withdrawal from the console's form (its key is the form's: the bank transfer's name)."""
    async with database(request).session() as session:
        await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        return await _withdraw(request, session, mchid, body, user, _needs_key(key))


@router.post("/merchants/{mchid}/withdrawals", status_code=202)
async def withdraw_api(
    request: Request,
    mchid: str,
    body: WithdrawIn,
    user: Caller,
    idem: Idempotency,
    key: IdempotencyKey = None,
) -> Response:
    """Send available money to the merchant's bank (owners): debited now, returned if the bank fails
    the payout. The same Idempotency-Key again answers the first answer, replayed (the key also names
    the bank transfer); another body with it is 422 idempotency_key_reused."""
    async with database(request).session() as session:
        await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)  # refused before the key's check
    named = _needs_key(key)
    return await idem.run(
        f"user:{user.id}",
        lambda session: _withdraw(request, session, mchid, body, user, named),
        status_code=202,
        required=True,
    )


class MarketingIn(BaseModel):
    amount_fen: int = Field(gt=0, le=settlement.MAX_WITHDRAWAL_FEN, strict=True)


@router.post("/merchants/{mchid}/marketing")
async def fund_marketing(
    request: Request, mchid: str, body: MarketingIn, user: Caller, key: IdempotencyKey = None
) -> dict[str, Any]:
    """Move available money to the marketing (营销) account that funds the merchant's vouchers
    (owners). The same Idempotency-Key again is the same transfer."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        if key is None or len(key) < 8:
            raise Problem(400, "idempotency_key_missing", "an Idempotency-Key header of 8 to 80 characters")
        left = await settlement.fund_marketing(session, merchant, body.amount_fen, key)
        await audit.record(
            session, None, user, "merchant.marketing_funded", mchid=mchid, amount=body.amount_fen
        )
        await session.commit()
        return {"marketing_fen": left}


@router.get("/merchants/{mchid}/withdrawals/{reference}")
async def get_withdrawal(
    request: Request, mchid: str, reference: Annotated[str, Path(max_length=64)], user: Caller
) -> dict[str, Any]:
    """Where a withdrawal stands; a pending one is looked up at the bank (a lost callback)."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        transfer = await session.scalar(
            select(FundingTransfer).where(
                FundingTransfer.reference == reference,
                FundingTransfer.account == settlement.available(merchant.mchid),
            )
        )
        if transfer is None:
            raise Problem(404, "withdrawal_not_found", "no such withdrawal of this merchant")
        if transfer.state == "pending":
            found = request.app.state.funding.get(transfer.provider)
            if found is not None:
                transfer = await funding.refresh(session, found, transfer)
        return _transfer(transfer)
