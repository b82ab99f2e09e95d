"""The chat tables. Contacts are symmetric rows written together on acceptance; a request between two
users is one row whose state moves once (pending → accepted | refused). Messages are numbered per chat
(`seq` 1, 2, 3 …, unique with the chat): the number a client resumes from after a reconnect, and what
keeps delivery in order whichever process published first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped


class ChatProfile(Timestamped, Base):
    """A user's friend code: the token in their QR code and add-me link (replaceable)."""

    __tablename__ = "chat_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    friend_code: Mapped[str] = mapped_column(String(32), unique=True)


class FriendRequest(Timestamped, Base):
    __tablename__ = "chat_friend_requests"
    __table_args__ = (UniqueConstraint("from_user_id", "to_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(10))  # pending | accepted | refused
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Contact(Timestamped, Base):
    """``contact_id`` is in ``user_id``'s contacts (and the reverse row exists too)."""

    __tablename__ = "chat_contacts"
    __table_args__ = (UniqueConstraint("user_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Block(Timestamped, Base):
    """``user_id`` blocked ``blocked_id``: no requests, no one-to-one messages from them."""

    __tablename__ = "chat_blocks"
    __table_args__ = (UniqueConstraint("user_id", "blocked_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Chat(Timestamped, Base):
    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # direct | group
    name: Mapped[str] = mapped_column(String(64), default="")
    # A direct chat's two users, "<smaller id>:<larger id>": one chat per pair.
    direct_key: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    # A group's invitation token (link or code); replaceable by its owner.
    invite_code: Mapped[str | None] = mapped_column(String(32), unique=True, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # The newest message's number: the next is allocated by one conditional UPDATE.
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ChatMember(Timestamped, Base):
    __tablename__ = "chat_members"
    __table_args__ = (UniqueConstraint("chat_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(8), default="member")  # owner | member
    # Set when the member left: they keep what they saw until then, and receive nothing after.
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The member saw every message up to this number; later ones from others are unread.
    read_seq: Mapped[int] = mapped_column(Integer, default=0)
    # The first message this member may read (joining a group does not open its history).
    from_seq: Mapped[int] = mapped_column(Integer, default=1)


class ChatMessage(Base):
    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("chat_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # text {content} | image {blob, type, width?, height?} | miniprogram {share_id, appid, title, …}
    # | system {event, …}
    kind: Mapped[str] = mapped_column(String(12))
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
