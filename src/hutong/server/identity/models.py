"""The identity tables: what a mini program (or its organization) knows a host user by, and the
short-lived credentials around it. Codes and access tokens are stored as their SHA-256 only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server import sealing
from hutong.server.db.base import Base, Timestamped


class OpenId(Timestamped, Base):
    """The user as one app sees them: random, made on first need, never changes."""

    __tablename__ = "identity_openids"
    __table_args__ = (UniqueConstraint("app_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    openid: Mapped[str] = mapped_column(String(28), unique=True)


class UnionId(Timestamped, Base):
    """The user as every app of one developer organization sees them."""

    __tablename__ = "identity_unionids"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    unionid: Mapped[str] = mapped_column(String(28), unique=True)


class OneTimeCode(Timestamped, Base):
    """A wx.login code (kind "login") or a getPhoneNumber code (kind "phone"): 5 minutes, one use."""

    __tablename__ = "identity_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SessionKey(Timestamped, Base):
    """The session_key of the user's latest login to an app (code2session replaces it). Sealed
    (server/sealing.py, purpose ``session_key_purpose``): the platform computes signatures with it
    (/wxa/checksession), as WeChat does, so it is read back rather than hashed."""

    __tablename__ = "identity_session_keys"
    __table_args__ = (UniqueConstraint("app_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_key: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


sealing.register(SessionKey.__table__.c.session_key)


def session_key_purpose(app_id: int, user_id: int) -> str:
    """What a session key is sealed for: its row, so it opens for no other user or app."""
    return f"identity_session_keys.session_key:{app_id}:{user_id}"


class AccessToken(Timestamped, Base):
    """An access token for the app's own server (kind "token" or "stable"), stored as its SHA-256.
    Expired rows stay a day so that a late caller hears "expired" (42001) rather than "invalid"."""

    __tablename__ = "identity_access_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Stable tokens only: the random input of the platform's deterministic signature that is the
    # token, so the same token can be answered again without storing it.
    nonce: Mapped[str | None] = mapped_column(String(64), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
