"""What discovery stores: launches (with their scene), each person's recent and pinned mini programs,
and the scene tokens that mini program codes carry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped, utcnow


class RecentApp(Base):
    """A mini program someone opened, most recent first on their home screen."""

    __tablename__ = "recent_apps"
    __table_args__ = (
        UniqueConstraint("audience", "app_id"),
        Index("ix_recent_apps_audience_time", "audience", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    audience: Mapped[str] = mapped_column(String(80))
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PinnedApp(Timestamped, Base):
    """A signed-in user's pinned mini program ("My mini programs" in WeChat)."""

    __tablename__ = "pinned_apps"
    __table_args__ = (UniqueConstraint("user_id", "app_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)


class SceneCode(Timestamped, Base):
    """A mini program code's scene token (≤ 32 characters) and the page and query it opens."""

    __tablename__ = "scene_codes"
    __table_args__ = (UniqueConstraint("app_id", "scene"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    scene: Mapped[str] = mapped_column(String(32))
    page: Mapped[str] = mapped_column(String(500), default="")
    query: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    creator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # "console" (a member made it) or "server" (the developer's server, with the AppSecret).
    source: Mapped[str] = mapped_column(String(20), default="console")
