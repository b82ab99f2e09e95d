"""The platform's payment signing keys and the request nonces already used (replay protection)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server import sealing
from hutong.server.db.base import Base, Timestamped


class PlatformKey(Timestamped, Base):
    """One RSA-2048 key the platform signs responses and notifications with, known to merchants by its
    certificate serial (certificate mode) or its public key id (``PUB_KEY_ID_…``, public-key mode).
    The newest unretired key signs; older unretired ones stay published so that a rotation never
    leaves a merchant with a signature it cannot check."""

    __tablename__ = "wechatpay_platform_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial_no: Mapped[str] = mapped_column(String(40), unique=True)
    public_key_id: Mapped[str] = mapped_column(String(64), unique=True)
    # Sealed (server/sealing.py, purpose ``private_key_purpose``): the platform signs with it.
    private_key_pem: Mapped[str] = mapped_column(Text)
    certificate_pem: Mapped[str] = mapped_column(Text)
    not_before: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


def private_key_purpose(serial_no: str) -> str:
    return f"wechatpay_platform_keys.private_key_pem:{serial_no}"


sealing.register(PlatformKey.__table__.c.private_key_pem)


class UsedNonce(Base):
    """A merchant request's nonce_str, kept past the clock window so that a replay is refused."""

    __tablename__ = "wechatpay_nonces"
    __table_args__ = (UniqueConstraint("mchid", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mchid: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
