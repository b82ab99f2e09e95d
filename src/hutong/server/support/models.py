"""Customer service conversations (one per app and user) with their messages, and feedback.

A message is from the user or from the app's agent (the console, or the developer's server through
/cgi-bin/message/custom/send). Each side's read state is a message id per conversation: what the
other side sent after the last message it saw is unread."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server import sealing
from hutong.server.db.base import Base, Timestamped, utcnow


class Conversation(Timestamped, Base):
    __tablename__ = "support_conversations"
    __table_args__ = (UniqueConstraint("app_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The button's session-from the last time the user opened the session (shown to the agent).
    session_from: Mapped[str] = mapped_column(String(1024), default="")
    # The 48-hour rule: replies are allowed for a while after the user wrote or opened the session.
    last_user_message_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_entered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last message each side has seen (message ids only grow): later ones from the other are unread.
    user_read_id: Mapped[int] = mapped_column(Integer, default=0)
    agent_read_id: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class Message(Base):
    __tablename__ = "support_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("support_conversations.id", ondelete="CASCADE"), index=True
    )
    sender: Mapped[str] = mapped_column(String(8))  # "user" or "agent"
    # WeChat's msgtype: text, image, link, miniprogrampage
    kind: Mapped[str] = mapped_column(String(20))
    # text: {content}; image: {media_id}; link: {title, description, url, thumb_url};
    # miniprogrampage: {title, pagepath, thumb_media_id | thumb_url}
    body: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Media(Timestamped, Base):
    """Temporary media a developer's server uploaded (/cgi-bin/media/upload): 3 days, per app."""

    __tablename__ = "support_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    media_id: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Feedback(Timestamped, Base):
    __tablename__ = "support_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    content: Mapped[str] = mapped_column(Text)
    contact: Mapped[str] = mapped_column(String(100), default="")
    image_count: Mapped[int] = mapped_column(Integer, default=0)


class FeedbackImage(Base):
    __tablename__ = "support_feedback_images"
    __table_args__ = (UniqueConstraint("feedback_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("support_feedback.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class PushSettings(Base):
    """Where the platform posts the app's customer service messages (WeChat's 消息推送): the
    developer's URL and the token both sides sign with (sealed, purpose ``push_token_purpose``)."""

    __tablename__ = "support_push_settings"

    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True)
    url: Mapped[str] = mapped_column(String(500))
    token: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


sealing.register(PushSettings.__table__.c.token)


def push_token_purpose(app_id: int) -> str:
    return f"support_push_settings.token:{app_id}"
