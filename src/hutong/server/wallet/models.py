"""The payment PIN and the wallet's own record of what it paid (the ledger holds the money)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped, utcnow


class WalletPin(Base):
    """A user's 6-digit payment PIN, Argon2id-hashed like passwords. ``failures`` counts wrong tries
    since the last right one; at 5 the PIN is locked until reset with the account password."""

    __tablename__ = "wallet_pins"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WalletPayment(Timestamped, Base):
    """One order paid from a wallet: what the history shows (merchant, mini program, amount)."""

    __tablename__ = "wallet_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    prepay_id: Mapped[str] = mapped_column(String(64), unique=True)  # an order is paid at most once
    appid: Mapped[str] = mapped_column(String(64))
    app_name: Mapped[str] = mapped_column(String(200))
    mchid: Mapped[str] = mapped_column(String(32))
    merchant_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(200))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    journal_key: Mapped[str] = mapped_column(String(128))


class PayCode(Base):
    """A payment code the shell shows at a counter (QR and barcode): 18 digits, single use, valid about
    a minute. Stored as its SHA-256, like other short-lived secrets."""

    __tablename__ = "wallet_pay_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class WalletSettings(Base):
    """A user's own wallet choices. ``counter_pin_free_fen``: the largest counter (payment code) payment
    taken without asking for the PIN; 0 asks every time; None follows the platform's limit. The lower of
    the user's and the platform's limit applies."""

    __tablename__ = "wallet_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    counter_pin_free_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
