"""Shares, their opens, and the per-app group ids.

One share is one card sent into one chat, or one link copied: each has its public id (``share_id``),
which rides on the card and the link, so every open is counted against the person who shared, the
page and the chat. A group share made with ``withShareTicket`` carries a ticket: a random token the
opener's mini program trades (with the user's session_key) for the group's ``openGId`` in that app."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped


class Share(Timestamped, Base):
    __tablename__ = "shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[str] = mapped_column(String(24), unique=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    sharer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, nullable=True
    )
    # The chat the card went to; None for a copied link.
    chat_id: Mapped[int | None] = mapped_column(
        ForeignKey("chats.id", ondelete="SET NULL"), index=True, nullable=True
    )
    path: Mapped[str] = mapped_column(String(512))  # the page route, no leading "/"
    query: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(128), default="")
    image_url: Mapped[str] = mapped_column(String(1024), default="")
    # Group shares made with withShareTicket only; opaque, random, never reused.
    ticket: Mapped[str | None] = mapped_column(String(48), unique=True, nullable=True)


class ShareOpen(Timestamped, Base):
    """Someone opened a share: ``new_user`` when the app had never seen them before this open."""

    __tablename__ = "share_opens"

    id: Mapped[int] = mapped_column(primary_key=True)
    share_pk: Mapped[int] = mapped_column(ForeignKey("shares.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, nullable=True
    )
    scene: Mapped[int] = mapped_column(Integer)
    new_user: Mapped[bool] = mapped_column(Boolean, default=False)


class GroupOpenId(Timestamped, Base):
    """A group chat as one app sees it (WeChat's openGId): random, made on first need, per app."""

    __tablename__ = "share_group_ids"
    __table_args__ = (UniqueConstraint("app_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    open_gid: Mapped[str] = mapped_column(String(28), unique=True)
