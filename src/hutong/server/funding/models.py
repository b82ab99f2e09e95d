"""Transfers through a funding provider: one row per top-up or withdrawal, open until decided."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped


class FundingTransfer(Timestamped, Base):
    """A charge (money in) or payout (money out) for one ledger account. ``state`` moves once, from
    ``pending`` to ``succeeded`` or ``failed``, by a conditional UPDATE: a duplicate callback finds
    nothing pending and changes nothing."""

    __tablename__ = "funding_transfers"
    __table_args__ = (UniqueConstraint("user_id", "client_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(64), unique=True)  # ours, sent to the provider
    provider: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))  # charge | payout
    account: Mapped[str] = mapped_column(String(96))  # the ledger account credited or debited
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    # The caller's Idempotency-Key: the same key again is the same transfer.
    client_key: Mapped[str] = mapped_column(String(128))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    party_hint: Mapped[str] = mapped_column(String(8))  # last four digits of the card or account
    state: Mapped[str] = mapped_column(String(12), default="pending")
    failure_code: Mapped[str] = mapped_column(String(40), default="")
    provider_id: Mapped[str] = mapped_column(String(64), default="")
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
