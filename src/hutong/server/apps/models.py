"""A mini program (App) and its immutable compiled releases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hutong.server.db.base import Base, Timestamped


class App(Timestamped, Base):
    __tablename__ = "apps"

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    current_release_id: Mapped[int | None] = mapped_column(
        ForeignKey("releases.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )

    releases: Mapped[list[Release]] = relationship(
        back_populates="app", foreign_keys="Release.app_id", cascade="all, delete-orphan"
    )


class Release(Timestamped, Base):
    """A compiled version of an app; its bundles are content-addressed blobs and never change."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("app_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(64))
    # bundle name -> {"sha256": ..., "size": ...}
    bundles: Mapped[dict[str, Any]] = mapped_column(JSON)

    app: Mapped[App] = relationship(back_populates="releases", foreign_keys=[app_id])
