"""Trade and fund-flow bills in WeChat Pay's CSV format: every field prefixed with a backtick (so that
spreadsheets keep long numbers as text), amounts in yuan, refunds as rows of their own, the summary
last; the API answers the SHA-1 of the (uncompressed) bill and a download URL valid for 5 minutes."""

from __future__ import annotations

import gzip
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.payments import ids
from hutong.server.payments.models import BillFile, Merchant, Order, Refund
from hutong.server.wechatpay.errors import PayError, param_error

LINK_LIFETIME = timedelta(minutes=5)
HISTORY = timedelta(days=92)  # three months back, as WeChat keeps them
TRADE_HEADER = (
    "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,"
    "货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,"
    "商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注"
)
TRADE_SUMMARY = "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额"
FUND_HEADER = (
    "记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额（元）,账户结余（元）,"
    "资金变更提交申请人,备注,业务凭证号"
)
FUND_SUMMARY = "资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def yuan(fen: int) -> str:
    """Exact: integer arithmetic on fen, never a float."""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def _row(*fields: str) -> str:
    return ",".join("`" + field for field in fields)


def _local(moment: datetime | None) -> str:
    assert moment is not None
    return ids.aware(moment).astimezone(ids.BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def bill_day(text: str) -> date:
    """A past day within three months, in Beijing time; today's bill is not made yet."""
    if not _DATE.match(text):
        raise param_error("bill_date 格式错误 (YYYY-MM-DD)", "bill_date")
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise param_error("bill_date 格式错误 (YYYY-MM-DD)", "bill_date") from error
    today = ids.now().astimezone(ids.BEIJING).date()
    if day >= today:
        raise PayError(400, "STATEMENT_CREATING", "账单生成中 (a day's bill is ready the day after)")
    if today - day > HISTORY:
        raise PayError(400, "INVALID_REQUEST", "仅支持下载三个月内的账单 (only the last three months)")
    return day


def _bounds(day: date) -> tuple[datetime, datetime]:
    # In UTC: SQLite compares a bound's wall clock with the stored UTC text, ignoring its offset.
    start = datetime.combine(day, time(0), tzinfo=ids.BEIJING).astimezone(UTC)
    return start, start + timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    """Whose orders a bill covers: a merchant's direct orders, or a service provider's for one
    sub-merchant."""

    merchant: Merchant
    provider: Merchant | None

    def orders(self) -> ColumnElement[bool]:
        if self.provider is None:
            return and_(Order.merchant_id == self.merchant.id, Order.sp_merchant_id.is_(None))
        return and_(Order.merchant_id == self.merchant.id, Order.sp_merchant_id == self.provider.id)


async def trade_bill(session: AsyncSession, scope: Scope, day: date, bill_type: str) -> bytes:
    if bill_type not in ("ALL", "SUCCESS", "REFUND"):
        raise param_error("bill_type 取值 ALL、SUCCESS、REFUND", "bill_type")
    start, end = _bounds(day)
    rows: list[tuple[datetime, str]] = []
    sub_mchid = scope.merchant.mchid if scope.provider else "0"
    mchid = scope.provider.mchid if scope.provider else scope.merchant.mchid
    settle = refunded = ordered = applied = voucher_refunded = 0
    if bill_type in ("ALL", "SUCCESS"):
        paid = await session.scalars(
            select(Order).where(scope.orders(), Order.success_time >= start, Order.success_time < end)
        )
        for order in paid:
            settle += order.amount_total
            ordered += order.amount_total
            rows.append(
                (
                    ids.aware(order.success_time or start),
                    _row(
                        _local(order.success_time),
                        order.appid,
                        mchid,
                        sub_mchid,
                        "",
                        order.transaction_id,
                        order.out_trade_no,
                        order.payer_openid or "",
                        order.trade_type,
                        "SUCCESS",
                        order.bank_type or "OTHERS",
                        order.currency,
                        # 应结订单金额: the whole order (pre-funded vouchers are settled); 代金券金额.
                        yuan(order.amount_total),
                        yuan(order.discount_total),
                        "0",
                        "0",
                        "0.00",
                        "0.00",
                        "",
                        "",
                        order.description,
                        order.attach or "",
                        "0.00000",
                        "0.00%",
                        yuan(order.amount_total),
                        "0.00",
                        "",
                    ),
                )
            )
    if bill_type in ("ALL", "REFUND"):
        refunds = await session.execute(
            select(Refund, Order)
            .join(Order, Order.id == Refund.order_id)
            .where(
                scope.orders(),
                Refund.status == "SUCCESS",
                Refund.success_time >= start,
                Refund.success_time < end,
            )
        )
        for refund, order in refunds.all():
            refunded += refund.amount
            applied += refund.amount
            voucher_refunded += refund.discount_refund
            rows.append(
                (
                    ids.aware(refund.success_time or start),
                    _row(
                        _local(refund.success_time),
                        order.appid,
                        mchid,
                        sub_mchid,
                        "",
                        order.transaction_id,
                        order.out_trade_no,
                        order.payer_openid or "",
                        order.trade_type,
                        "REFUND",
                        order.bank_type or "OTHERS",
                        order.currency,
                        "0.00",
                        "0.00",
                        refund.refund_id,
                        refund.out_refund_no,
                        yuan(refund.amount),
                        yuan(refund.discount_refund),  # 充值券退款金额: the voucher's part
                        "ORIGINAL",
                        "SUCCESS",
                        order.description,
                        order.attach or "",
                        "0.00000",
                        "0.00%",
                        yuan(order.amount_total),
                        yuan(refund.amount),
                        "",
                    ),
                )
            )
    if not rows:
        raise PayError(400, "NO_STATEMENT_EXIST", "账单不存在 (no transactions that day)")
    rows.sort(key=lambda row: row[0])
    lines = [TRADE_HEADER, *(line for _, line in rows), TRADE_SUMMARY]
    lines.append(
        _row(
            str(len(rows)),
            yuan(settle),
            yuan(refunded),
            yuan(voucher_refunded),
            "0.00000",
            yuan(ordered),
            yuan(applied),
        )
    )
    return ("\r\n".join(lines) + "\r\n").encode()


async def fundflow_bill(session: AsyncSession, scope: Scope, day: date, account_type: str) -> bytes:
    """The merchant's basic account: money in from payments, out for refunds, with the balance after
    each movement (from all orders and refunds before it)."""
    if account_type not in ("BASIC", "OPERATION", "FEES"):
        raise param_error("account_type 取值 BASIC、OPERATION、FEES", "account_type")
    start, end = _bounds(day)
    movements: list[tuple[datetime, int, list[str]]] = []
    if account_type == "BASIC":
        paid = await session.scalars(
            select(Order).where(scope.orders(), Order.success_time >= start, Order.success_time < end)
        )
        for order in paid:
            when = ids.aware(order.success_time or start)
            movements.append(
                (
                    when,
                    order.amount_total,
                    [order.transaction_id, order.transaction_id + "01", "交易", "交易", "收入"],
                )
            )
        refunds = await session.execute(
            select(Refund, Order)
            .join(Order, Order.id == Refund.order_id)
            .where(
                scope.orders(),
                Refund.status == "SUCCESS",
                Refund.success_time >= start,
                Refund.success_time < end,
            )
        )
        for refund, order in refunds.all():
            when = ids.aware(refund.success_time or start)
            movements.append(
                (
                    when,
                    -refund.amount,
                    [order.transaction_id, refund.refund_id + "01", "退款", "退款", "支出", refund.refund_id],
                )
            )
    if not movements:
        raise PayError(400, "NO_STATEMENT_EXIST", "账单不存在 (no money moved that day)")
    movements.sort(key=lambda movement: movement[0])
    balance = await _balance_before(session, scope, start)
    lines = [FUND_HEADER]
    income = expense = income_fen = expense_fen = 0
    for when, amount, fields in movements:
        balance += amount
        if amount >= 0:
            income, income_fen = income + 1, income_fen + amount
        else:
            expense, expense_fen = expense + 1, expense_fen - amount
        voucher = fields[5] if len(fields) > 5 else fields[0]
        lines.append(
            _row(
                _local(when),
                fields[0],
                fields[1],
                fields[2],
                fields[3],
                fields[4],
                yuan(abs(amount)),
                yuan(balance),
                "system",
                "缺省",
                voucher,
            )
        )
    lines += [
        FUND_SUMMARY,
        _row(str(len(movements)), str(income), yuan(income_fen), str(expense), yuan(expense_fen)),
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


async def _balance_before(session: AsyncSession, scope: Scope, moment: datetime) -> int:
    paid = await session.scalar(
        select(func.coalesce(func.sum(Order.amount_total), 0)).where(
            scope.orders(), Order.success_time < moment
        )
    )
    refunded = await session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0))
        .join(Order, Order.id == Refund.order_id)
        .where(scope.orders(), Refund.status == "SUCCESS", Refund.success_time < moment)
    )
    return int(paid or 0) - int(refunded or 0)


@dataclass(frozen=True)
class Issued:
    hash_value: str
    token: str


async def issue(session: AsyncSession, merchant: Merchant, content: bytes, tar_type: str | None) -> Issued:
    """Keep the bill's bytes for 5 minutes behind a random token; the hash is of the plain CSV."""
    if tar_type not in (None, "", "GZIP"):
        raise param_error("tar_type 仅支持 GZIP", "tar_type")
    token = secrets.token_urlsafe(24)
    stored = gzip.compress(content, mtime=0) if tar_type == "GZIP" else content
    session.add(
        BillFile(
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            merchant_id=merchant.id,
            content=stored,
            gzipped=tar_type == "GZIP",
            expires_at=ids.now() + LINK_LIFETIME,
        )
    )
    await session.flush()
    return Issued(hashlib.sha1(content).hexdigest(), token)  # noqa: S324 (WeChat's bill hash is SHA-1)


async def download(session: AsyncSession, merchant: Merchant, token: str) -> BillFile:
    found = await session.scalar(
        select(BillFile).where(BillFile.token_hash == hashlib.sha256(token.encode()).hexdigest())
    )
    if found is None or found.merchant_id != merchant.id:
        raise PayError(404, "RESOURCE_NOT_EXISTS", "账单不存在 (no such bill link)")
    if ids.aware(found.expires_at) <= ids.now():
        raise PayError(400, "INVALID_REQUEST", "下载链接已过期 (the link lasts 5 minutes)")
    return found
