"""What the rest of the platform calls: the wallet looks a prepay up, checks the merchant's paySign,
and marks the order paid (or paying, or failed). The merchant API's own rules are in orders.py,
refunds.py and bills.py.

Every function works in the caller's session and transaction: ``mark_paid``'s state change, ledger
postings and notification job commit together or not at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import events, ledger
from hutong.server.apps.models import App
from hutong.server.identity import service as identity
from hutong.server.payments import ids, notify, orders
from hutong.server.payments.models import PAID_STATES, Merchant, Order
from hutong.server.wechatpay import crypto


class PaymentError(Exception):
    """``code``: not_found, expired, closed, already_paid, not_payable, wrong_payer, insufficient_funds,
    invalid_discount, discount_unfunded.
    When mark_paid raises, the caller's transaction holds half a change: roll it back."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Prepay:
    """What the host needs to show and check a payment."""

    prepay_id: str
    order_id: int
    transaction_id: str  # assigned when the order is made, answered once it is paid
    merchant_id: int
    mchid: str  # the merchant paid (the sub-merchant in partner mode)
    merchant_name: str
    appid: str  # the app the user pays in; paySign's appId
    app_id: int
    payer_openid: str | None
    payer_user_id: int | None
    amount_total: int  # fen
    currency: str
    description: str
    goods_tag: str | None  # the order's goods_tag (vouchers may be limited to some)
    store_info_id: str | None  # scene_info.store_info.id: the store it is paid at, if the order says
    trade_state: str
    trade_type: str
    expired: bool  # the prepay_id's 2 hours, or the order's time_expire, have passed
    signer_public_key_pem: str | None  # the merchant key that must have made paySign


async def _prepay(session: AsyncSession, order: Order) -> Prepay:
    merchant = await session.get(Merchant, order.merchant_id)
    signer = await session.get(Merchant, order.sp_merchant_id) if order.sp_merchant_id else merchant
    assert merchant is not None and signer is not None and order.prepay_id is not None
    now = ids.now()
    expired = orders.is_expired(order, now) or (
        order.prepay_expires_at is not None and ids.aware(order.prepay_expires_at) <= now
    )
    return Prepay(
        prepay_id=order.prepay_id,
        order_id=order.id,
        transaction_id=order.transaction_id,
        merchant_id=merchant.id,
        mchid=merchant.mchid,
        merchant_name=merchant.name,
        appid=order.appid,
        app_id=order.app_id,
        payer_openid=order.payer_openid,
        payer_user_id=order.payer_user_id,
        amount_total=order.amount_total,
        currency=order.currency,
        description=order.description,
        goods_tag=order.goods_tag,
        store_info_id=order.store_info_id,
        trade_state=order.trade_state,
        trade_type=order.trade_type,
        expired=expired,
        signer_public_key_pem=signer.public_key_pem,
    )


async def get_prepay(session: AsyncSession, prepay_id: str) -> Prepay | None:
    """The order behind ``prepay_id`` (from wx.requestPayment's ``package: "prepay_id=…"``), or None."""
    order = await session.scalar(select(Order).where(Order.prepay_id == prepay_id))
    return await _prepay(session, order) if order is not None else None


def pay_sign_valid(prepay: Prepay, time_stamp: str, nonce_str: str, package: str, pay_sign: str) -> bool:
    """wx.requestPayment's paySign: SHA256withRSA by the merchant (the service provider in partner
    mode) over ``appId\\ntimeStamp\\nnonceStr\\npackage\\n``, appId being the prepay's own app. The
    caller also checks signType == "RSA", that the calling app is ``prepay.appid`` and that the user
    is ``prepay.payer_user_id``."""
    if prepay.signer_public_key_pem is None or package != f"prepay_id={prepay.prepay_id}":
        return False
    if not (time_stamp.isdigit() and len(time_stamp) == 10) or not 1 <= len(nonce_str) <= 32:
        return False
    message = crypto.pay_sign_message(prepay.appid, time_stamp, nonce_str, package)
    return crypto.rsa_verify(crypto.load_rsa_public_key(prepay.signer_public_key_pem), message, pay_sign)


async def bind_native_payer(session: AsyncSession, code_url: str, user_id: int) -> Prepay:
    """A Native order's code_url scanned by a signed-in user: the order becomes theirs to pay (the
    first scanner's; another user scanning later is refused)."""
    order = await session.scalar(select(Order).where(Order.code_url == code_url))
    if order is None:
        raise PaymentError("not_found", "no such payment code")
    if order.payer_user_id is None:
        app = await session.get(App, order.app_id)
        assert app is not None
        order.payer_openid = await identity.openid_for(session, app, user_id)
        order.payer_user_id = user_id
        await session.flush()
    elif order.payer_user_id != user_id:
        raise PaymentError("wrong_payer", "another user is paying this order")
    return await _prepay(session, order)


@dataclass(frozen=True)
class Discount:
    """A voucher applied to a payment (payments/promotions.py): ``amount`` fen of the order are paid by
    the ledger account ``funded_from`` (the stock's budget) instead of the payer."""

    amount: int
    funded_from: str
    # WeChat's promotion_detail entry: {coupon_id, name, scope, type, amount, stock_id,
    # wechatpay_contribute, merchant_contribute, other_contribute, currency}
    promotion_detail: dict[str, Any] = field(default_factory=dict)


def merchant_pending(mchid: str) -> str:
    return ledger.account("merchant_pending", mchid)


async def _payable(session: AsyncSession, prepay_id: str, user_id: int | None) -> Order:
    order = await session.scalar(select(Order).where(Order.prepay_id == prepay_id))
    if order is None:
        raise PaymentError("not_found", "no such prepay_id")
    if user_id is not None and order.payer_user_id != user_id:
        raise PaymentError("wrong_payer", "this order is another user's")
    if order.trade_state in PAID_STATES:
        raise PaymentError("already_paid", "the order is already paid")
    if order.trade_state in ("CLOSED", "REVOKED", "PAYERROR"):
        raise PaymentError("closed", "the order is closed")
    prepay = await _prepay(session, order)
    if prepay.expired:
        raise PaymentError("expired", "the prepay_id or the order has expired")
    return order


async def mark_paid(
    session: AsyncSession,
    prepay_id: str,
    *,
    paid_from: str,
    user_id: int | None = None,
    bank_type: str = "OTHERS",
    discount: Discount | None = None,
) -> Order:
    """Mark the order SUCCESS: ``amount_total`` fen reach the merchant's pending balance, from the
    ledger account ``paid_from`` (for example ``user_wallet:<user id>``), or with a ``discount`` its
    ``amount`` from ``discount.funded_from`` and the rest (``payer_total``) from ``paid_from``; the
    TRANSACTION.SUCCESS notification (with ``promotion_detail``) is enqueued, all in the caller's
    transaction. Of any number of concurrent calls for
    one order exactly one succeeds; the others raise PaymentError("already_paid"). When ``paid_from``
    may not go below zero and holds too little, PaymentError("insufficient_funds"); the caller rolls
    back (Database.session() does on the exception) and nothing is written."""
    order = await _payable(session, prepay_id, user_id)
    off = discount.amount if discount is not None else 0
    # The payer pays at least 1 fen, as WeChat requires of a discounted order.
    if not 0 <= off < order.amount_total:
        raise PaymentError("invalid_discount", f"a discount of {off} fen on {order.amount_total}")
    now = ids.now()
    promotion: dict[str, Any] = {}
    if discount is not None:
        promotion = {
            "promotion_detail": [{**discount.promotion_detail, "amount": off}],
            "discount_total": off,
            "discount_from": discount.funded_from,
        }
    won = await orders.transition(
        session,
        order,
        "SUCCESS",
        success_time=now,
        bank_type=bank_type,
        payer_total=order.amount_total - off,
        paid_from=paid_from,
        **promotion,
    )
    if not won:
        raise PaymentError(
            "already_paid" if order.trade_state in PAID_STATES else "not_payable",
            f"the order is {order.trade_state}",
        )
    merchant = await session.get(Merchant, order.merchant_id)
    assert merchant is not None
    postings = [(paid_from, off - order.amount_total), (merchant_pending(merchant.mchid), order.amount_total)]
    if discount is not None:
        postings.append((discount.funded_from, -off))
    try:
        await ledger.post(
            session,
            f"payment:{order.transaction_id}",
            f"{merchant.mchid} {order.out_trade_no}: {order.description}",
            postings,
        )
    except ledger.InsufficientFunds as error:
        if discount is not None and error.account == discount.funded_from:
            raise PaymentError("discount_unfunded", str(error)) from error
        raise PaymentError("insufficient_funds", str(error)) from error
    if order.notify_url:  # a counter payment may come without one (its till polls instead)
        await notify.enqueue_transaction(session, order, "TRANSACTION.SUCCESS", "支付成功")
    # GMV and orders in the app's analytics (docs/analytics.md), in this same transaction.
    await events.emit(
        session,
        order.app_id,
        "payment",
        {
            "out_trade_no": order.out_trade_no,
            "mchid": merchant.mchid,
            "transaction_id": order.transaction_id,
            "trade_type": order.trade_type,
        },
        f"user:{user_id}" if user_id is not None else "",
        value=order.amount_total,
    )
    return order


async def mark_userpaying(session: AsyncSession, prepay_id: str) -> Order:
    """The user is confirming (counter payments above the PIN-free limit): NOTPAY → USERPAYING."""
    order = await _payable(session, prepay_id, None)
    await orders.transition(session, order, "USERPAYING")
    return order


async def mark_payerror(session: AsyncSession, prepay_id: str) -> Order:
    """The payment failed for good (declined): NOTPAY/USERPAYING → PAYERROR; no money moved."""
    order = await _payable(session, prepay_id, None)
    await orders.transition(session, order, "PAYERROR")
    return order
