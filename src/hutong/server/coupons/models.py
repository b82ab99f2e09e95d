"""Stores, coupon stocks, coupons and the counters that hold a stock's budgets under concurrency.

Amounts are integer fen. A stock's ``issued`` and ``used`` counts and every per-user and per-day
count change only by conditional UPDATEs (see issuing.py), so racing claims cannot overspend a budget."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server import sealing
from hutong.server.db.base import Base, Timestamped, utcnow


class Store(Timestamped, Base):
    """A merchant's physical store: where its coupons may be redeemed and by whom."""

    __tablename__ = "coupon_stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(256), default="")
    latitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    longitude: Mapped[float | None] = mapped_column(Float, nullable=True)
    # [{"days": [1, 2, 3, 4, 5], "open": "09:00", "close": "21:00"}, …]; days 0 (Sunday) to 6.
    hours: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class StoreStaff(Timestamped, Base):
    """A host account that may redeem coupons at a store (a cashier need not belong to the organization)."""

    __tablename__ = "coupon_store_staff"
    __table_args__ = (UniqueConstraint("store_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("coupon_stores.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Stock(Timestamped, Base):
    """A coupon stock (批次): what a coupon is worth, when and where it may be used, how many exist."""

    __tablename__ = "coupon_stocks"
    __table_args__ = (UniqueConstraint("merchant_id", "family", "out_request_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_id: Mapped[str] = mapped_column(String(20), unique=True)
    # None for a platform-funded stock (platform.py): the platform made it, no merchant owns it.
    merchant_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), index=True, nullable=True
    )
    family: Mapped[str] = mapped_column(String(12))  # busifavor (商家券) or favor (代金券)
    out_request_no: Mapped[str] = mapped_column(String(128))
    request_hash: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(64))
    goods_name: Mapped[str] = mapped_column(String(64), default="")
    comment: Mapped[str] = mapped_column(String(64), default="")
    stock_type: Mapped[str] = mapped_column(String(12))  # NORMAL, DISCOUNT, EXCHANGE
    amount_off: Mapped[int | None] = mapped_column(Integer, nullable=True)  # NORMAL: fen off
    discount_percent: Mapped[int | None] = mapped_column(Integer, nullable=True)  # DISCOUNT: 88 = pay 88 %
    max_discount: Mapped[int | None] = mapped_column(Integer, nullable=True)  # DISCOUNT's cap, fen
    exchange_price: Mapped[int | None] = mapped_column(Integer, nullable=True)  # EXCHANGE: pay this
    transaction_minimum: Mapped[int] = mapped_column(Integer, default=0)
    begins_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    days_after_claim: Mapped[int | None] = mapped_column(Integer, nullable=True)
    week_days: Mapped[list[int]] = mapped_column(JSON, default=list)  # 0 Sunday … 6; empty: every day
    day_times: Mapped[list[list[int]]] = mapped_column(JSON, default=list)  # [[begin s, end s]]
    store_ids: Mapped[list[int]] = mapped_column(JSON, default=list)  # empty: every store
    goods_tags: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: any order
    max_coupons: Mapped[int] = mapped_column(Integer)
    max_coupons_per_user: Mapped[int] = mapped_column(Integer, default=1)
    max_coupons_by_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[int] = mapped_column(Integer, default=0)
    code_mode: Mapped[str] = mapped_column(String(16), default="WECHATPAY_MODE")
    use_method: Mapped[str] = mapped_column(String(16), default="OFF_LINE")
    # draft → running ⇄ paused → stopped; running → exhausted (budget spent) or expired (ends_at past).
    state: Mapped[str] = mapped_column(String(12), default="draft")
    funded_by: Mapped[str] = mapped_column(String(12), default="merchant")  # merchant or platform
    # A platform stock's merchants (mchids) whose orders it may cut; empty: every merchant.
    available_mchids: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    appid: Mapped[str | None] = mapped_column(String(64), nullable=True)  # the mini program it is for
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class UploadedCode(Base):
    """A code from a merchant-uploaded list (MERCHANT_UPLOAD); taken once, by a conditional UPDATE."""

    __tablename__ = "coupon_uploaded_codes"
    __table_args__ = (UniqueConstraint("stock_pk", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_pk: Mapped[int] = mapped_column(ForeignKey("coupon_stocks.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    taken: Mapped[bool] = mapped_column(Boolean, default=False)


class Coupon(Base):
    """One claimed coupon of one user. ``state`` moves SENDED → USED (→ SENDED again on a return),
    SENDED → EXPIRED | DEACTIVATED, each by a conditional UPDATE."""

    __tablename__ = "coupons"
    __table_args__ = (
        UniqueConstraint("stock_pk", "coupon_code", name="uq_coupons_stock_code"),
        UniqueConstraint("stock_pk", "out_request_no", name="uq_coupons_stock_out_request_no"),
        UniqueConstraint("stock_pk", "use_request_no", name="uq_coupons_stock_use_request_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    coupon_id: Mapped[str] = mapped_column(String(20), unique=True)
    coupon_code: Mapped[str] = mapped_column(String(32))
    stock_pk: Mapped[int] = mapped_column(ForeignKey("coupon_stocks.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(12), default="SENDED")
    out_request_no: Mapped[str | None] = mapped_column(String(128), nullable=True)
    send_channel: Mapped[str] = mapped_column(String(16))  # API, MINIAPP, CODE
    scene: Mapped[str | None] = mapped_column(String(32), nullable=True)  # campaign attribution
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # When the owner was told it expires soon (reminders.py): set once, by a conditional UPDATE.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    use_request_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    used_store_id: Mapped[int | None] = mapped_column(
        ForeignKey("coupon_stores.id", ondelete="SET NULL"), nullable=True
    )
    used_by: Mapped[str | None] = mapped_column(String(32), nullable=True)  # "api" or "staff:<user id>"
    first_visit: Mapped[bool] = mapped_column(Boolean, default=False)  # the user's first at that store
    transaction_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    order_total: Mapped[int | None] = mapped_column(Integer, nullable=True)  # fen, of the order it cut
    discount: Mapped[int | None] = mapped_column(Integer, nullable=True)  # fen it took off
    return_request_no: Mapped[str | None] = mapped_column(String(64), nullable=True)
    deactivate_request_no: Mapped[str | None] = mapped_column(String(64), nullable=True)


class ClaimCount(Base):
    """How many coupons of a stock one user (``user:<id>``) or one day (``day:YYYY-MM-DD``) has taken."""

    __tablename__ = "coupon_claim_counts"
    __table_args__ = (UniqueConstraint("stock_pk", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    stock_pk: Mapped[int] = mapped_column(ForeignKey("coupon_stocks.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(40))
    count: Mapped[int] = mapped_column(Integer, default=0)


class CallbackSettings(Base):
    """Where a merchant's coupon callbacks go (set with /v3/marketing/{busifavor,favor}/callbacks)."""

    __tablename__ = "coupon_callbacks"

    merchant_id: Mapped[int] = mapped_column(
        ForeignKey("payment_merchants.id", ondelete="CASCADE"), primary_key=True
    )
    busifavor_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    favor_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


class PlatformCallback(Base):
    """Where the platform's own (platform-funded) voucher stocks' COUPON.USE callbacks go, and the APIv3
    key they are encrypted under (sealed, server/sealing.py): one row, ``id`` 1, set by an operator."""

    __tablename__ = "coupon_platform_callbacks"

    id: Mapped[int] = mapped_column(primary_key=True)
    favor_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    apiv3_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Sign with the platform's public key id (PUB_KEY_ID_…) rather than its certificate serial.
    public_key_mode: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


PLATFORM_CALLBACK_KEY_PURPOSE = "coupon_platform_callbacks.apiv3_key:1"
sealing.register(PlatformCallback.__table__.c.apiv3_key)


class ClaimLink(Timestamped, Base):
    """A claim code or link for posters and flyers: scanning it in the shell claims one coupon of the
    stock for the signed-in user in ``appid``, attributed to ``scene`` (then optionally opens ``path``)."""

    __tablename__ = "coupon_claim_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    stock_pk: Mapped[int] = mapped_column(ForeignKey("coupon_stocks.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    appid: Mapped[str] = mapped_column(String(64))
    scene: Mapped[str] = mapped_column(String(32), default="")
    path: Mapped[str] = mapped_column(String(256), default="")
