"""One reported event: which app, who (as for phased release), its name and data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped


class AppEvent(Timestamped, Base):
    __tablename__ = "app_events"
    __table_args__ = (Index("ix_app_events_app_time", "app_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"))
    # "user:<id>" or "device:<id>": the launch's audience, from the events token.
    audience: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(128))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
