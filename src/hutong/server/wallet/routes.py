"""Host-only wallet endpoints under /api/me/wallet: session cookie + CSRF on writes, the user's own
wallet only, refused when the browser marks the request cross-site (a mini program's frame). Every
mutating money call honours an ``Idempotency-Key`` (server/idempotency.py, scoped to the user): the
first answer is replayed for the same key and body, another body with it is 422
``idempotency_key_reused``. Top-ups and withdrawals require one and keep it as the bank transfer's
name (funding/service.py): the same key answers that transfer as it stands, even to concurrent twins."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.auth import auth_rate_limit, current_user
from hutong.server.accounts.models import User
from hutong.server.consent.routes import host_only
from hutong.server.deps import database, settings
from hutong.server.funding import registry
from hutong.server.funding import service as funding
from hutong.server.funding.models import FundingTransfer
from hutong.server.idempotency import Idempotency
from hutong.server.privacy.routes import session_user
from hutong.server.problems import Problem
from hutong.server.wallet import checkout, paycodes, pin, service
from hutong.server.wallet.export import wallet_data

router = APIRouter(prefix="/api/me/wallet", tags=["wallet"], dependencies=[Depends(host_only)])
CurrentUser = Annotated[User, Depends(current_user)]
IdempotencyKey = Annotated[str, Header(alias="Idempotency-Key", min_length=8, max_length=128)]
Fen = Annotated[int, Field(gt=0, le=service.MAX_TRANSFER_FEN, strict=True)]
PAYMENT_CALLS_PER_MINUTE = 60


class WalletOut(BaseModel):
    balance_fen: int
    pin_set: bool
    pin_locked: bool
    funding_available: bool


class TransferOut(BaseModel):
    reference: str
    kind: str
    amount_fen: int
    state: str
    failure_code: str
    party_hint: str


class EntryOut(BaseModel):
    kind: str
    reference: str
    amount_fen: int
    state: str
    created_at: datetime
    title: str
    detail: str
    appid: str


class TopUpIn(BaseModel):
    amount_fen: Fen
    card_number: str = Field(max_length=32)


class WithdrawIn(BaseModel):
    amount_fen: Fen
    account_number: str = Field(max_length=40)
    pin: str = Field(max_length=6)


class PinIn(BaseModel):
    pin: str = Field(max_length=6, description="The new six-digit PIN.")
    current_pin: str | None = Field(default=None, max_length=6, description="To change a PIN.")
    password: str | None = Field(
        default=None, max_length=200, description="The account password: to set the first PIN or reset one."
    )


def _transfer_out(t: FundingTransfer) -> TransferOut:
    return TransferOut(
        reference=t.reference,
        kind="top_up" if t.kind == "charge" else "withdrawal",
        amount_fen=t.amount_fen,
        state=t.state,
        failure_code=t.failure_code,
        party_hint=t.party_hint,
    )


async def _transfers_rate_limit(request: Request, user: CurrentUser) -> None:
    wait = await request.app.state.limiter.hit(
        f"wallet:{user.id}", settings(request).wallet_transfers_per_minute, 60
    )
    if wait is not None:
        raise Problem(
            429, "rate_limited", "too many top-ups or withdrawals; wait a minute", retry_after=int(wait) + 1
        )


@router.get("", response_model=WalletOut)
async def get_wallet(request: Request, user: CurrentUser) -> WalletOut:
    async with database(request).session() as session:
        balance = await service.balance(session, user.id)
        pin_set, pin_locked = await pin.state(session, user.id)
    return WalletOut(
        balance_fen=balance,
        pin_set=pin_set,
        pin_locked=pin_locked,
        funding_available=registry.DEFAULT in request.app.state.funding,
    )


@router.get("/history", response_model=list[EntryOut])
async def get_history(request: Request, user: CurrentUser) -> list[EntryOut]:
    async with database(request).session() as session:
        entries = await service.history(session, user.id)
    return [EntryOut(**e.__dict__) for e in entries]


@router.get("/export")
async def export_wallet(request: Request, user: Annotated[User, Depends(session_user)]) -> Response:
    """The wallet in the data-rights export, as a JSON file to keep (a signed-in browser session only,
    like the rest of the data-rights pages): balance, PIN state (never its hash), top-ups,
    withdrawals, the whole history and the wallet's ledger postings."""
    async with database(request).session() as session:
        document = {
            "user": {"id": user.id, "email": user.email},
            "exported_at": datetime.now(UTC).isoformat(),
            "wallet": await wallet_data(session, user.id),
        }
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="hutong-wallet.json"',
            "Cache-Control": "private, no-store",
        },
    )


@router.post(
    "/topups", response_model=TransferOut, status_code=202, dependencies=[Depends(_transfers_rate_limit)]
)
async def top_up(body: TopUpIn, key: IdempotencyKey, request: Request, user: CurrentUser) -> TransferOut:
    """Charge a card into the wallet; credited when the bank confirms (poll the transfer). The key names
    the bank transfer (unique per wallet), so even concurrent twins answer the one transfer."""
    provider = registry.provider(request)
    callback = registry.callback_url(settings(request), provider.name)
    async with database(request).session() as session:
        transfer = await service.top_up(
            session, provider, user.id, body.amount_fen, body.card_number, key, callback
        )
        return _transfer_out(transfer)


@router.post(
    "/withdrawals", response_model=TransferOut, status_code=202, dependencies=[Depends(_transfers_rate_limit)]
)
async def withdraw(body: WithdrawIn, key: IdempotencyKey, request: Request, user: CurrentUser) -> TransferOut:
    """Send money to a bank account: debited now, returned if the bank fails the payout (the key names
    the transfer, as for top-ups)."""
    provider = registry.provider(request)
    callback = registry.callback_url(settings(request), provider.name)
    async with database(request).session() as session:
        transfer = await service.withdraw(
            session, provider, user.id, body.amount_fen, body.account_number, body.pin, key, callback
        )
        return _transfer_out(transfer)


@router.get("/transfers/{reference}", response_model=TransferOut)
async def get_transfer(
    reference: Annotated[str, Path(max_length=64)], request: Request, user: CurrentUser
) -> TransferOut:
    """Where a top-up or withdrawal stands; a pending one is looked up at the bank (a lost callback)."""
    async with database(request).session() as session:
        transfer = await service.transfer(session, user.id, reference)
        if transfer.state == "pending":
            found = request.app.state.funding.get(transfer.provider)
            if found is not None:
                transfer = await funding.refresh(session, found, transfer)
        return _transfer_out(transfer)


@router.put("/pin", status_code=204, dependencies=[Depends(auth_rate_limit)])
async def put_pin(body: PinIn, request: Request, user: CurrentUser) -> None:
    """Set the first PIN or reset a forgotten or locked one (with the account password), or change it
    (with the current PIN)."""
    async with database(request).session() as session:
        await pin.change(session, user.id, user.password_hash, body.pin, body.current_pin, body.password)


class PayIn(BaseModel):
    """What the app gave wx.requestPayment (WeChat's names), and the appid the host launched."""

    appid: str = Field(max_length=64)
    timeStamp: str = Field(max_length=32)
    nonceStr: str = Field(max_length=64)
    package: str = Field(max_length=128)
    signType: str = Field(max_length=16)
    paySign: str = Field(max_length=1024)

    def request(self) -> checkout.PayRequest:
        return checkout.PayRequest(
            self.appid, self.timeStamp, self.nonceStr, self.package, self.signType, self.paySign
        )


class PayWithPinIn(PayIn):
    pin: str = Field(max_length=6)
    # The coupon line's choice: a coupon_id from the preview, or none.
    coupon_id: str | None = Field(default=None, max_length=64)


class CouponOut(BaseModel):
    coupon_id: str
    title: str
    discount_fen: int


class PreviewOut(BaseModel):
    merchant_name: str
    app_name: str
    description: str
    amount_fen: int
    balance_fen: int
    pin_set: bool
    pin_locked: bool
    coupons: list[CouponOut] = []
    coupon_id: str | None = None


class PaidOut(BaseModel):
    paid: bool
    balance_fen: int


async def _payments_rate_limit(request: Request, user: CurrentUser) -> None:
    # A mini program asking in a loop reaches this through the host: it gets one sheet, and refusals.
    wait = await request.app.state.limiter.hit(f"wallet-pay:{user.id}", PAYMENT_CALLS_PER_MINUTE, 60)
    if wait is not None:
        raise Problem(
            429, "rate_limited", "too many payment requests; wait a minute", retry_after=int(wait) + 1
        )


@router.post("/payments/preview", response_model=PreviewOut, dependencies=[Depends(_payments_rate_limit)])
async def preview_payment(body: PayIn, request: Request, user: CurrentUser) -> PreviewOut:
    """Check a wx.requestPayment call and say what the payment sheet shows."""
    async with database(request).session() as session:
        summary = await checkout.preview(session, user, body.request())
    fields = {**summary.__dict__, "coupons": [CouponOut(**offer.__dict__) for offer in summary.coupons]}
    return PreviewOut(**fields)


@router.post("/payments", response_model=PaidOut, dependencies=[Depends(_payments_rate_limit)])
async def pay(body: PayWithPinIn, user: CurrentUser, idem: Idempotency) -> Response:
    """Pay the order from the wallet with the payment PIN (the sheet sends an Idempotency-Key per
    attempt, so a retried tap is answered, not charged, again; the order's paid state guards too)."""

    async def act(session: AsyncSession) -> PaidOut:
        balance = await checkout.pay(session, user, body.request(), body.pin, body.coupon_id)
        return PaidOut(paid=True, balance_fen=balance)

    return await idem.run(f"user:{user.id}", act)


class PayCodeOut(BaseModel):
    code: str
    expires_at: datetime
    qr_svg: str
    barcode_svg: str


@router.post("/paycode", response_model=PayCodeOut, dependencies=[Depends(_payments_rate_limit)])
async def new_pay_code(request: Request, user: CurrentUser) -> PayCodeOut:
    """A fresh payment code to show at a counter (the earlier one stops working)."""
    async with database(request).session() as session:
        code, expires_at = await paycodes.issue(session, user.id)
    return PayCodeOut(
        code=code,
        expires_at=expires_at,
        qr_svg=paycodes.svg(code, "qr"),
        barcode_svg=paycodes.svg(code, "barcode"),
    )
