"""The ledger's tables: accounts with a cached balance, transactions (one per journal key) and their
postings. Postings and transactions are never updated or deleted (the migration adds triggers that
refuse it); a correction is a reversing transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped, utcnow


class LedgerAccount(Timestamped, Base):
    __tablename__ = "ledger_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "kind:owner" ("user_wallet:42", "merchant_pending:1900000001") or just "kind" ("platform_fees").
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    non_negative: Mapped[bool] = mapped_column(Boolean)
    # The sum of this account's postings, in fen, kept in the same database transaction as they are.
    balance: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LedgerTransaction(Timestamped, Base):
    __tablename__ = "ledger_transactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    journal_key: Mapped[str] = mapped_column(String(200), unique=True)
    memo: Mapped[str] = mapped_column(String(500))
    meta: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # A reversal names the transaction it undoes (once: the reversal's journal key is derived from it).
    reverses_id: Mapped[int | None] = mapped_column(
        ForeignKey("ledger_transactions.id"), nullable=True, unique=True
    )


class LedgerPosting(Base):
    __tablename__ = "ledger_postings"

    id: Mapped[int] = mapped_column(primary_key=True)
    transaction_id: Mapped[int] = mapped_column(ForeignKey("ledger_transactions.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)  # fen; positive credits the account's balance
