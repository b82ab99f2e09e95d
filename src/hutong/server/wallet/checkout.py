"""Paying a mini program's order from the wallet (wx.requestPayment, the platform's side).

The host sends what the app gave wx.requestPayment and the appid it launched (never the app's own
word for it). Before the sheet is drawn and again when the PIN comes: the paySign must be the
merchant's SHA256withRSA signature over ``appId\\ntimeStamp\\nnonceStr\\npackage\\n`` under the
merchant's registered public key, the prepay must be this app's (the sub_appid in partner orders) and
this user's (its payer openid is this user's openid for this app), and still payable. Then, in one
database transaction, the payments service marks the order paid and moves the money from the wallet's
ledger account to the merchant's (exactly one of any number of concurrent attempts wins), and the
wallet's own record of the payment is written (its unique prepay_id is a second guard)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.payments.models import PAID_STATES
from hutong.server.problems import Problem
from hutong.server.wallet import coupons, orders, pin, service
from hutong.server.wallet.models import WalletPayment

TIMESTAMP = re.compile(r"\d{10}")


@dataclass(frozen=True)
class PayRequest:
    appid: str
    time_stamp: str
    nonce_str: str
    package: str
    sign_type: str
    pay_sign: str


@dataclass(frozen=True)
class Summary:
    merchant_name: str
    app_name: str
    description: str
    amount_fen: int
    balance_fen: int
    pin_set: bool
    pin_locked: bool
    # The coupon line: the payer's applicable coupons, best first, and the one preselected (None: none).
    coupons: list[coupons.Offer]
    coupon_id: str | None


def _fail(status: int, code: str, detail: str) -> Problem:
    return Problem(status, code, detail)


async def _checked(session: AsyncSession, user: User, request: PayRequest) -> tuple[orders.Prepay, str]:
    """The prepay and the app's name, once every check passes; else the problem to answer."""
    if request.sign_type != "RSA":
        raise _fail(400, "unsupported_sign_type", "signType must be RSA (WeChat Pay API v3)")
    if not TIMESTAMP.fullmatch(request.time_stamp):
        raise _fail(400, "invalid_timestamp", "timeStamp must be the 10-digit Unix time in seconds")
    if not 1 <= len(request.nonce_str) <= 32:
        raise _fail(400, "invalid_nonce", "nonceStr must be 1 to 32 characters")
    prepay_id = request.package.removeprefix("prepay_id=")
    if prepay_id == request.package or not prepay_id:
        raise _fail(400, "invalid_package", 'package must be "prepay_id=…"')
    prepay = await orders.find(session, prepay_id)
    if prepay is None:
        raise _fail(404, "prepay_not_found", "no such prepay_id")
    # The app paying is the app the order was made for (the paySign covers its appid too) ...
    if prepay.appid != request.appid:
        raise _fail(403, "prepay_not_this_app", "this prepay_id belongs to another mini program")
    # ... and the user paying is the order's payer.
    if prepay.payer_user_id != user.id:
        raise _fail(403, "prepay_not_this_user", "this order is for another user")
    if not orders.pay_sign_valid(
        prepay, request.time_stamp, request.nonce_str, request.package, request.pay_sign
    ):
        raise _fail(403, "invalid_pay_sign", "paySign does not verify with the merchant's key")
    _refuse_if_paid(prepay)
    if prepay.trade_state not in ("NOTPAY", "USERPAYING") or prepay.expired:
        raise _fail(409, "order_not_payable", "the order is closed or has expired")
    app = await session.get(App, prepay.app_id)
    return prepay, app.name if app is not None else prepay.appid


def _refuse_if_paid(prepay: orders.Prepay) -> None:
    if prepay.trade_state in PAID_STATES:
        raise _fail(409, "order_paid", "the order is already paid")


async def preview(session: AsyncSession, user: User, request: PayRequest) -> Summary:
    """What the payment sheet shows; raises the problem the sheet must not be drawn for."""
    prepay, app_name = await _checked(session, user, request)
    pin_set, pin_locked = await pin.state(session, user.id)
    offers = await coupons.offers(session, user.id, prepay)
    return Summary(
        merchant_name=prepay.merchant_name,
        app_name=app_name,
        description=prepay.description,
        amount_fen=prepay.amount_total,
        balance_fen=await service.balance(session, user.id),
        pin_set=pin_set,
        pin_locked=pin_locked,
        coupons=offers,
        coupon_id=offers[0].coupon_id if offers else None,
    )


async def pay(
    session: AsyncSession, user: User, request: PayRequest, pin_code: str, coupon_id: str | None = None
) -> int:
    """Charge the wallet and mark the order paid (with the coupon the payer kept, if any); returns the
    balance left."""
    await _checked(session, user, request)
    await pin.verify(session, user.id, pin_code)
    # Checked again after the PIN: the order may have been closed or paid meanwhile.
    prepay, app_name = await _checked(session, user, request)
    try:
        applied = await coupons.redeem(session, user.id, prepay, coupon_id)
        order = await orders.mark_paid(session, prepay, service.account(user.id), user.id, applied)
        session.add(
            WalletPayment(
                user_id=user.id,
                prepay_id=prepay.prepay_id,
                appid=prepay.appid,
                app_name=app_name,
                mchid=prepay.mchid,
                merchant_name=prepay.merchant_name,
                description=prepay.description[:200],
                amount_fen=order.payer_total if order.payer_total is not None else prepay.amount_total,
                journal_key=f"payment:{order.transaction_id}",
            )
        )
        await session.commit()
    except IntegrityError:
        await session.rollback()
        # A concurrent attempt paid it first (the wallet's unique prepay_id). Anything else is not
        # the payer's doing, and not an answer to tell them: it fails as the fault it is.
        now = await orders.find(session, prepay.prepay_id)
        if now is not None:
            _refuse_if_paid(now)
        raise
    except Problem:
        await session.rollback()
        raise
    return await service.balance(session, user.id)
