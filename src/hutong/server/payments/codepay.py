"""Counter payments (付款码): the till scans the 18-digit code the payer's wallet shows and submits it
with ``POST /v3/pay/transactions/codepay`` (WeChat Pay v3's code payment: ``payer.auth_code``,
``trade_type`` MICROPAY), polls the query API while the payer confirms, and may reverse
(``…/out-trade-no/{no}/reverse``, 撤销).

In one database transaction a submission inserts the order (``out_trade_no`` unique per merchant: two
submissions of one number make one order), spends the code (a conditional UPDATE: of any number of
submissions of one code exactly one gets its payer) and then either pays at once from the payer's
wallet (at or under the PIN-free limit: the lower of the platform's ``counter_pin_free_fen`` and the
payer's own) or leaves the order USERPAYING for the payer to confirm with the PIN in the shell. A code
that is not valid writes nothing. A wallet too poor leaves the order PAYERROR (the code is spent, as
WeChat's is; the till starts again with a new code and a new out_trade_no).

Reversal returns a paid counter order's money exactly once: the state moves SUCCESS → REVOKED by one
conditional UPDATE that also requires no refund to have been taken, and the ledger posting's journal
key is the transaction's. When the order's day was settled already, the fee taken on it is returned
to the merchant first (settlement.return_fee)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import events, ledger
from hutong.server.apps.models import App
from hutong.server.identity import service as identity
from hutong.server.payments import ids, orders, service, settlement, validate
from hutong.server.payments.models import PAID_STATES, Merchant, Order
from hutong.server.problems import Problem
from hutong.server.wallet import coupons, paycodes
from hutong.server.wallet.models import WalletPayment, WalletSettings
from hutong.server.wechatpay.errors import PayError, param_error

TRADE_TYPE = "MICROPAY"
# A payer who has not confirmed within this long cannot any more (the till reverses after ~45 s).
CONFIRM_WINDOW = timedelta(minutes=5)
# WeChat lets a till reverse a counter payment for 7 days; after that, refund it.
REVERSE_WINDOW = timedelta(days=7)


def wallet_account(user_id: int) -> str:
    return ledger.account("user_wallet", user_id)


async def pin_free_limit(session: AsyncSession, user_id: int, platform_limit: int) -> int:
    own = await session.scalar(
        select(WalletSettings.counter_pin_free_fen).where(WalletSettings.user_id == user_id)
    )
    return platform_limit if own is None else min(own, platform_limit)


async def _code_refused(session: AsyncSession, code: str) -> PayError:
    why = await paycodes.refusal(session, code)
    if why == "expired":
        return PayError(
            400, "AUTHCODEEXPIRE", "二维码已过期，请用户在微信上刷新后再试 (the code has expired)"
        )
    if why == "used":
        return PayError(
            400, "AUTHCODEEXPIRE", "每个二维码仅限使用一次，请刷新再试 (the code was already used)"
        )
    return PayError(
        400,
        "AUTH_CODE_INVALID",
        "请扫描微信支付授权码(以10、11、12、13、14、15开头的18位纯数字) (not a valid payment code)",
    )


async def _record(session: AsyncSession, order: Order, user_id: int) -> None:
    """The wallet's own line for the payment (its history shows the merchant and mini program)."""
    merchant = await session.get(Merchant, order.merchant_id)
    app = await session.get(App, order.app_id)
    assert merchant is not None and order.prepay_id is not None
    session.add(
        WalletPayment(
            user_id=user_id,
            prepay_id=order.prepay_id,
            appid=order.appid,
            app_name=app.name if app is not None else order.appid,
            mchid=merchant.mchid,
            merchant_name=merchant.name,
            description=order.description[:200],
            amount_fen=order.payer_total if order.payer_total is not None else order.amount_total,
            journal_key=f"payment:{order.transaction_id}",
        )
    )
    await session.flush()


async def pay_from_wallet(session: AsyncSession, order: Order, user_id: int) -> bool:
    """Pay ``order`` from the user's wallet now, less the payer's best applicable voucher (WeChat applies
    it at a counter as on the payment sheet: wallet/coupons.py); False (nothing moved) when the balance
    is short. A voucher that cannot be used after all (taken meanwhile, its budget short) is let go and
    the order paid whole. Raises service.PaymentError when the order cannot be paid (already paid,
    revoked, expired)."""
    assert order.prepay_id is not None
    prepay = await service.get_prepay(session, order.prepay_id)
    assert prepay is not None
    for with_voucher in (True, False):
        try:
            async with session.begin_nested():
                applied = await coupons.best(session, user_id, prepay) if with_voucher else None
                discount = None
                if applied is not None:
                    discount = service.Discount(
                        applied.discount_fen, applied.funded_from, applied.promotion_detail
                    )
                await service.mark_paid(
                    session,
                    order.prepay_id,
                    paid_from=wallet_account(user_id),
                    user_id=user_id,
                    discount=discount,
                )
            break
        except Problem as problem:
            if problem.code != "coupon_not_applicable" or not with_voucher:
                raise
        except service.PaymentError as error:
            if with_voucher and error.code in ("discount_unfunded", "invalid_discount"):
                continue
            if error.code != "insufficient_funds":
                raise
            return False
    await session.refresh(order)
    await _record(session, order, user_id)
    return True


async def submit(
    session: AsyncSession,
    caller: Merchant,
    body: Any,
    *,
    platform_pin_free_fen: int,
    allow_plain_http: bool = False,
) -> tuple[Order, bool]:
    """Take a counter payment. Answers (the order, whether it is an earlier submission's). The order is
    SUCCESS, USERPAYING or PAYERROR (the wallet was short)."""
    if not isinstance(body, dict):
        raise param_error("请求体须为 JSON 对象")
    parties = await orders.direct_parties(session, caller, body, jsapi=False)
    description = validate.text(body, "description", 127)
    out_trade_no = validate.out_trade_no(body.get("out_trade_no"))
    attach = validate.text(body, "attach", 128, required=False)
    goods_tag = validate.text(body, "goods_tag", 32, required=False)
    payer = validate.obj(body, "payer")
    auth_code = validate.text(payer, "auth_code", 128)
    assert description is not None and auth_code is not None
    amount = validate.obj(body, "amount")
    total = validate.fen(amount, "total", "amount.total")
    currency = validate.currency(amount, "amount.currency")
    store_info_id = validate.store_info_id(body)
    notify_url = ""  # optional here: a till usually polls; with one, TRANSACTION.SUCCESS is sent too
    if body.get("notify_url") is not None:
        notify_url = validate.notify_url(body["notify_url"], caller.notify_prefixes or [], allow_plain_http)
    digest = orders.request_hash("codepay", body)
    now = ids.now()

    values = dict(
        merchant_id=caller.id,
        app_id=parties.app.id,
        appid=parties.appid,
        out_trade_no=out_trade_no,
        transaction_id=ids.new_transaction_id(now),
        trade_type=TRADE_TYPE,
        trade_state="NOTPAY",
        description=description,
        attach=attach,
        goods_tag=goods_tag,
        store_info_id=store_info_id,
        notify_url=notify_url,
        amount_total=total,
        currency=currency,
        # Internal: the payer's confirmation goes through the same prepay as a mini program payment.
        prepay_id=ids.new_prepay_id(now),
        prepay_expires_at=now + CONFIRM_WINDOW,
        request_hash=digest,
        created_at=now,
    )
    # INSERT … ON CONFLICT DO NOTHING: two submissions of one number at once, the second waits for the
    # first and finds its order (no IntegrityError to recover from).
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    await session.execute(insert(Order).values(**values).on_conflict_do_nothing())
    order = await orders.by_out_trade_no(session, caller, out_trade_no)
    assert order is not None
    if order.transaction_id != values["transaction_id"]:
        if order.request_hash != digest:
            raise PayError(400, "INVALID_REQUEST", "201 商户订单号重复")
        return order, True

    # The order row exists in this transaction before the code is spent: an invalid code rolls both back.
    user_id = await paycodes.redeem(session, auth_code)
    if user_id is None:
        raise await _code_refused(session, auth_code)
    order.payer_user_id = user_id
    order.payer_openid = await identity.openid_for(session, parties.app, user_id)
    await session.flush()

    if total > await pin_free_limit(session, user_id, platform_pin_free_fen):
        await orders.transition(session, order, "USERPAYING")
        return order, False
    if not await pay_from_wallet(session, order, user_id):
        await orders.transition(session, order, "PAYERROR")
    return order, False


def answer(order: Order, merchant: Merchant, replayed: bool) -> tuple[int, dict[str, Any]]:
    """The HTTP status and body a till gets for a submission (or its replay)."""
    state = order.trade_state
    if state in PAID_STATES:
        return 200, orders.transaction(order, merchant, None)
    if state == "USERPAYING":
        return 202, {"code": "USERPAYING", "message": "用户支付中，需要输入密码 (query again in 5 seconds)"}
    if state == "PAYERROR" and not replayed:
        return 403, {
            "code": "NOT_ENOUGH",
            "message": "用户余额不足，请用户换卡支付 (the payer's balance is short)",
        }
    if state == "PAYERROR":
        return 400, {"code": "TRADE_ERROR", "message": "交易失败，请使用新的付款码和商户订单号重新下单"}
    return 400, {"code": "ORDER_CLOSED", "message": "订单已撤销或关闭 (the order was reversed or closed)"}


async def reverse(session: AsyncSession, caller: Merchant, out_trade_no: str, body: Any) -> None:
    """撤销: an unpaid counter order is revoked; a paid one (within 7 days, not refunded) is revoked and
    its money goes back to the payer, exactly once however many reversals arrive."""
    if not isinstance(body, dict):
        raise param_error("请求体须为 JSON 对象")
    appid = validate.text(body, "appid", 32)
    if validate.text(body, "mchid", 32) != caller.mchid:
        raise PayError(400, "MCH_NOT_EXISTS", "mchid 与请求认证的商户号不一致")
    order = await orders.find(session, caller, out_trade_no=out_trade_no)
    if order.trade_type != TRADE_TYPE or order.sp_merchant_id is not None:
        raise PayError(400, "INVALID_REQUEST", "仅付款码订单可撤销 (only counter orders are reversed)")
    if order.appid != appid:
        raise PayError(400, "APPID_MCHID_NOT_MATCH", "appid 与订单不一致")
    for _ in range(2):  # a payer may confirm between our read and our update: look once more
        if order.trade_state == "REVOKED":
            return
        if order.trade_state in ("NOTPAY", "USERPAYING", "PAYERROR"):
            if await orders.transition(session, order, "REVOKED"):
                return
            continue
        if order.trade_state == "SUCCESS":
            await _reverse_paid(session, caller, order)
            return
        break
    if order.trade_state == "REFUND":
        raise PayError(400, "INVALID_REQUEST", "订单已发生退款，不能撤销，请使用退款接口")
    raise PayError(400, "ORDER_CLOSED", "订单已关闭，不能撤销")


async def _reverse_paid(session: AsyncSession, merchant: Merchant, order: Order) -> None:
    assert order.success_time is not None and order.paid_from is not None
    if ids.now() - ids.aware(order.success_time) > REVERSE_WINDOW:
        raise PayError(400, "REVERSE_EXPIRE", "订单已超过撤销时限，请使用退款接口")
    # Before any ledger account: settlement takes this lock first too (no lock cycle), and with it
    # return_fee sees whether the order's day has been settled (and its fee taken).
    await settlement.lock_merchant(session, merchant)
    moved = await session.execute(
        update(Order)
        .where(Order.id == order.id, Order.trade_state == "SUCCESS", Order.refund_count == 0)
        .values(trade_state="REVOKED", updated_at=ids.now())
        .execution_options(synchronize_session=False)
    )
    await session.refresh(order)
    if not getattr(moved, "rowcount", 0):
        if order.trade_state == "REVOKED":
            return  # another reversal won: the money went back once, by it
        raise PayError(400, "INVALID_REQUEST", "订单已发生退款，不能撤销，请使用退款接口")
    try:
        # A fee a settlement took on it comes back first (it helps pay the reversal).
        await settlement.return_fee(session, merchant, order)
    except ledger.InsufficientFunds as error:  # platform_fees may go negative: not expected
        raise PayError(403, "NOT_ENOUGH", "商户余额不足，不能撤销") from error
    pending = ledger.account("merchant_pending", merchant.mchid)
    # From the merchant's unsettled money first, then from what was settled (as refunds do).
    from_pending = min(order.amount_total, max(await ledger.balance(session, pending), 0))
    postings = [(pending, -from_pending)] if from_pending else []
    if order.amount_total > from_pending:
        postings.append(
            (ledger.account("merchant_available", merchant.mchid), from_pending - order.amount_total)
        )
    # The payer gets back what they paid; a voucher's part goes back to the account that funded it.
    off = order.discount_total or 0
    postings.append((order.paid_from, order.amount_total - off))
    if off:
        assert order.discount_from is not None
        postings.append((order.discount_from, off))
    try:
        await ledger.post(
            session,
            f"reverse:{order.transaction_id}",
            f"{merchant.mchid} {order.out_trade_no} reversed",
            postings,
        )
    except ledger.InsufficientFunds as error:
        raise PayError(403, "NOT_ENOUGH", "商户余额不足，不能撤销") from error
    await events.emit(
        session,
        order.app_id,
        "payment_reversed",
        {"transaction_id": order.transaction_id, "trade_type": order.trade_type},
        audience=f"user:{order.payer_user_id}" if order.payer_user_id else "",
        value=order.amount_total,
    )


@dataclass(frozen=True)
class Pending:
    """A counter payment waiting for its payer's PIN (what the shell shows)."""

    transaction_id: str
    merchant_name: str
    description: str
    amount_fen: int
    created_at: datetime


async def pending_for(session: AsyncSession, user_id: int) -> list[Pending]:
    rows = (
        await session.execute(
            select(Order, Merchant.name)
            .join(Merchant, Merchant.id == Order.merchant_id)
            .where(
                Order.payer_user_id == user_id,
                Order.trade_type == TRADE_TYPE,
                Order.trade_state == "USERPAYING",
                Order.prepay_expires_at > ids.now(),
            )
            .order_by(Order.id.desc())
        )
    ).all()
    return [Pending(o.transaction_id, name, o.description, o.amount_total, o.created_at) for o, name in rows]


async def payers_order(session: AsyncSession, user_id: int, transaction_id: str) -> Order | None:
    found: Order | None = await session.scalar(
        select(Order).where(
            Order.transaction_id == transaction_id,
            Order.payer_user_id == user_id,
            Order.trade_type == TRADE_TYPE,
        )
    )
    return found


async def decline(session: AsyncSession, order: Order) -> bool:
    """The payer said no: USERPAYING → PAYERROR (the till's next query sees it)."""
    return await orders.transition(session, order, "PAYERROR")
