"""Paying a mini program's order from the wallet (wx.requestPayment, the platform's side).

The host sends what the app gave wx.requestPayment and the appid it launched (never the app's own
word for it). Before the sheet is drawn and again when the PIN comes: the paySign must be the
merchant's SHA256withRSA signature over ``appId\\ntimeStamp\\nnonceStr\\npackage\\n`` under the
merchant's registered public key, the prepay must be this app's (the sub_appid in partner orders) and
this user's (its payer openid is this user's openid for this app), and still payable. Then, in one
database transaction, the wallet is debited in the ledger, the order is marked paid through the
payments service and the wallet's own record is written (its unique prepay_id makes 50 concurrent
attempts charge once)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import ledger
from hutong.server.accounts.models import User
from hutong.server.identity import service as identity
from hutong.server.problems import Problem
from hutong.server.wallet import orders, pin, service
from hutong.server.wallet.models import WalletPayment
from hutong.server.wechatpay.crypto import pay_sign_message, rsa_verify

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


def _fail(status: int, code: str, detail: str) -> Problem:
    return Problem(status, code, detail)


async def _checked(session: AsyncSession, user: User, request: PayRequest) -> orders.Payable:
    if request.sign_type != "RSA":
        raise _fail(400, "unsupported_sign_type", "signType must be RSA (WeChat Pay API v3)")
    if not TIMESTAMP.fullmatch(request.time_stamp):
        raise _fail(400, "invalid_timestamp", "timeStamp must be the 10-digit Unix time in seconds")
    if not 1 <= len(request.nonce_str) <= 32:
        raise _fail(400, "invalid_nonce", "nonceStr must be 1 to 32 characters")
    prepay_id = request.package.removeprefix("prepay_id=")
    if prepay_id == request.package or not prepay_id:
        raise _fail(400, "invalid_package", 'package must be "prepay_id=…"')
    order = await orders.find(session, prepay_id)
    if order is None:
        raise _fail(404, "prepay_not_found", "no such prepay_id")
    # The app paying is the app the order was made for; the sign covers the appid too.
    if order.pay_appid != request.appid:
        raise _fail(403, "prepay_not_this_app", "this prepay_id belongs to another mini program")
    app = await identity.app_by_appid(session, request.appid)
    if app is None or await identity.user_for_openid(session, app, order.payer_openid) != user.id:
        raise _fail(403, "prepay_not_this_user", "this order is for another user")
    message = pay_sign_message(request.appid, request.time_stamp, request.nonce_str, request.package)
    if not any(rsa_verify(key, message, request.pay_sign) for key in order.merchant_keys):
        raise _fail(403, "invalid_pay_sign", "paySign does not verify with the merchant's key")
    if not order.payable:
        raise _fail(409, "order_not_payable", order.why_not_payable or "the order cannot be paid")
    return order


async def preview(session: AsyncSession, user: User, request: PayRequest) -> Summary:
    """What the payment sheet shows; raises the problem the sheet must not be drawn for."""
    order = await _checked(session, user, request)
    pin_set, pin_locked = await pin.state(session, user.id)
    return Summary(
        merchant_name=order.merchant_name,
        app_name=order.app_name,
        description=order.description,
        amount_fen=order.amount_fen,
        balance_fen=await service.balance(session, user.id),
        pin_set=pin_set,
        pin_locked=pin_locked,
    )


async def pay(session: AsyncSession, user: User, request: PayRequest, pin_code: str) -> int:
    """Charge the wallet and mark the order paid; returns the balance left."""
    await _checked(session, user, request)
    await pin.verify(session, user.id, pin_code)
    # Checked again after the PIN: the order may have been closed or paid meanwhile.
    order = await _checked(session, user, request)
    journal = f"wallet_payment:{order.prepay_id}"
    try:
        session.add(
            WalletPayment(
                user_id=user.id,
                prepay_id=order.prepay_id,
                appid=request.appid,
                app_name=order.app_name,
                mchid=order.mchid,
                merchant_name=order.merchant_name,
                description=order.description,
                amount_fen=order.amount_fen,
                journal_key=journal,
            )
        )
        await session.flush()
        await ledger.post(
            session,
            journal,
            f"{order.merchant_name}: {order.description}"[:200],
            [
                (service.account(user.id), -order.amount_fen),
                (orders.receiving_account(order), order.amount_fen),
            ],
        )
        await orders.mark_paid(session, order, openid=order.payer_openid)
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise _fail(409, "order_not_payable", "the order has already been paid") from None
    except ledger.InsufficientFunds:
        await session.rollback()
        raise _fail(409, "insufficient_balance", "the wallet balance is too low") from None
    return await service.balance(session, user.id)
