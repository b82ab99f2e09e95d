"""Merchants (``mchid``), their apps, orders, refunds and the bill files handed out for download.
Amounts are integer fen everywhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server import sealing
from hutong.server.db.base import Base, Timestamped, utcnow


class Merchant(Timestamped, Base):
    """A merchant account of one organization. Its servers sign requests with a private key whose public
    half (and certificate serial) is here; notifications are encrypted with its APIv3 key."""

    __tablename__ = "payment_merchants"

    id: Mapped[int] = mapped_column(primary_key=True)
    mchid: Mapped[str] = mapped_column(String(32), unique=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(128))
    # The merchant API certificate's serial and public key (RSA-2048, PEM).
    serial_no: Mapped[str | None] = mapped_column(String(40), nullable=True)
    public_key_pem: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Sealed (server/sealing.py, purpose ``apiv3_key_purpose``): notifications are encrypted with it.
    apiv3_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    # notify_url must start with one of these (empty: any https URL without a query).
    notify_prefixes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Organization roles that may refund from the console (the API needs the merchant's key anyway).
    refund_roles: Mapped[list[str]] = mapped_column(JSON, default=lambda: ["owner"])
    # How notifications name the platform key: "public_key" (PUB_KEY_ID_…) or "certificate" (serial).
    platform_key_mode: Mapped[str] = mapped_column(String(16), default="public_key")
    # The platform's fee on this merchant's payments, in millionths (6000 = 0.6%), taken at settlement.
    fee_rate_ppm: Mapped[int] = mapped_column(Integer, default=6000)
    # A sub-merchant's service provider (partner mode), if any.
    service_provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="SET NULL"), nullable=True
    )


def apiv3_key_purpose(mchid: str) -> str:
    return f"payment_merchants.apiv3_key:{mchid}"


sealing.register(Merchant.__table__.c.apiv3_key)


class MerchantApp(Timestamped, Base):
    """An appid bound to a merchant: only bound apps' orders are accepted."""

    __tablename__ = "payment_merchant_apps"
    __table_args__ = (UniqueConstraint("merchant_id", "app_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), index=True
    )
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)


# The trade states of an order that was paid (WeChat Pay v3: REFUND is a paid order refunded in part or
# whole); the one place that says so.
PAID_STATES = ("SUCCESS", "REFUND")


class Order(Timestamped, Base):
    """One transaction. ``trade_state`` changes only by conditional updates (service.transition), so two
    racing changes cannot both happen."""

    __tablename__ = "payment_orders"
    __table_args__ = (UniqueConstraint("merchant_id", "out_trade_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), index=True
    )
    sp_merchant_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), nullable=True, index=True
    )
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(64))  # the appid the user pays in (paySign's appId)
    sp_appid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    sub_appid: Mapped[str | None] = mapped_column(String(64), nullable=True)
    out_trade_no: Mapped[str] = mapped_column(String(32))
    transaction_id: Mapped[str] = mapped_column(String(32), unique=True)
    trade_type: Mapped[str] = mapped_column(String(16))  # JSAPI or NATIVE
    trade_state: Mapped[str] = mapped_column(String(16), default="NOTPAY")
    description: Mapped[str] = mapped_column(String(127))
    attach: Mapped[str | None] = mapped_column(String(128), nullable=True)
    goods_tag: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # WeChat's scene_info.store_info.id: the merchant's store where it was paid (a Hutong store's id
    # when it names one of the merchant's stores; vouchers limited to stores look at it).
    store_info_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    notify_url: Mapped[str] = mapped_column(String(256))
    amount_total: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(8), default="CNY")
    payer_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    payer_openid: Mapped[str | None] = mapped_column(String(128), nullable=True)
    payer_openid_kind: Mapped[str] = mapped_column(String(8), default="openid")  # openid, sp, sub
    payer_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    prepay_id: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    prepay_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    code_url: Mapped[str | None] = mapped_column(String(128), unique=True, nullable=True)
    time_expire: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    success_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    bank_type: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # The ledger account the payer's money came from; refunds go back to it.
    paid_from: Mapped[str | None] = mapped_column(String(128), nullable=True)
    refunded_total: Mapped[int] = mapped_column(Integer, default=0)
    refund_count: Mapped[int] = mapped_column(Integer, default=0)
    # A voucher used on the payment (payments/promotions.py): WeChat's promotion_detail as answered, the
    # fen it took off (amount_total = payer_total + discount_total), the ledger account that paid the
    # discount, and how much of the discount went back with refunds.
    promotion_detail: Mapped[list[dict[str, object]] | None] = mapped_column(JSON, nullable=True)
    discount_total: Mapped[int] = mapped_column(Integer, default=0)
    discount_from: Mapped[str | None] = mapped_column(String(128), nullable=True)
    discount_refunded: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class Refund(Timestamped, Base):
    __tablename__ = "payment_refunds"
    __table_args__ = (UniqueConstraint("merchant_id", "out_refund_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_id: Mapped[str] = mapped_column(String(32), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("payment_orders.id", ondelete="CASCADE"), index=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), index=True
    )
    out_refund_no: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(80), nullable=True)
    notify_url: Mapped[str | None] = mapped_column(String(256), nullable=True)
    amount: Mapped[int] = mapped_column(Integer)
    # The part of ``amount`` that goes back to the voucher's funder, not to the payer (promotions.py).
    discount_refund: Mapped[int] = mapped_column(Integer, default=0)
    # Where that part goes (the stock's budget when the voucher went back to the payer, else the
    # merchant's marketing account); None without a discount.
    discount_to: Mapped[str | None] = mapped_column(String(128), nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="PROCESSING")
    request_hash: Mapped[str] = mapped_column(String(64))
    user_received_account: Mapped[str] = mapped_column(String(64), default="")
    success_time: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Who asked: "api" (the merchant's server) or "console:<user id>".
    requested_by: Mapped[str] = mapped_column(String(32), default="api")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class BillFile(Timestamped, Base):
    """A bill made for download: the exact bytes whose hash the bill API answered, for 5 minutes."""

    __tablename__ = "payment_bill_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), index=True
    )
    content: Mapped[bytes] = mapped_column(LargeBinary)
    gzipped: Mapped[bool] = mapped_column(default=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class NotifyLog(Timestamped, Base):
    """One notification the merchant was sent (its outbox job holds every attempt and answer)."""

    __tablename__ = "payment_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    notify_id: Mapped[str] = mapped_column(String(64), unique=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), index=True
    )
    event_type: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(64))  # transaction_id or refund_id
    url: Mapped[str] = mapped_column(String(256))
    job_key: Mapped[str] = mapped_column(String(128))
    detail: Mapped[str] = mapped_column(Text, default="")


class Reconciliation(Timestamped, Base):
    """One run of the reconciliation (payments/reconcile.py): what it compared and what differed."""

    __tablename__ = "payment_reconciliations"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[str] = mapped_column(String(10))  # the Beijing day looked at (YYYY-MM-DD), or "all"
    trigger: Mapped[str] = mapped_column(String(16))  # "daily" (the periodic job) or "command"
    orders_checked: Mapped[int] = mapped_column(Integer, default=0)
    refunds_checked: Mapped[int] = mapped_column(Integer, default=0)
    # [{kind, subject, detail}, …]; empty when everything matched.
    findings: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)


class Settlement(Timestamped, Base):
    """One merchant's settlement of one Beijing day (T+1): ``gross_fen`` moved from its pending to its
    available balance less ``fee_fen`` to the platform. The row is inserted first (unique per merchant
    and day), so of any number of concurrent runs exactly one settles the day."""

    __tablename__ = "payment_settlements"
    __table_args__ = (UniqueConstraint("merchant_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[str] = mapped_column(String(10))  # YYYY-MM-DD, Beijing time
    gross_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # Fee owed but not yet taken (a day whose refunds exceed its payments), carried to the next day.
    fee_carry_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_rate_ppm: Mapped[int] = mapped_column(Integer, default=0)
    # What was settled is what arrived before this moment (the day's end, or now for a day settled
    # before it ended); the next settlement takes what came after it.
    cutoff: Mapped[datetime] = mapped_column(DateTime(timezone=True))
