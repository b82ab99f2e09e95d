"""A mini program (App), its immutable compiled releases, and the pointers that say who gets which."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    literal_column,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hutong.server import sealing
from hutong.server.db.base import Base, Timestamped

# "proxy" marks request/upload/download origins the host reaches through the platform's egress proxy
# (their server sends no CORS headers); it allows nothing by itself.
DOMAIN_KINDS = ("request", "upload", "download", "socket", "webview", "proxy")


class App(Timestamped, Base):
    __tablename__ = "apps"

    id: Mapped[int] = mapped_column(primary_key=True)
    appid: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True, nullable=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    icon: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[str] = mapped_column(String(100), default="")
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    secret_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # HMAC-SHA256(key="HutongLaunchData", msg=AppSecret), hex: the key that signs launch data. Derived
    # when the secret is made, since only the secret's hash is kept, and sealed (server/sealing.py,
    # purpose ``launch_key_purpose``): the platform reads it back, so it cannot be hashed
    # (identity/launch.py).
    launch_key: Mapped[str | None] = mapped_column(Text, nullable=True)
    # kind (DOMAIN_KINDS) -> list of origins the runtime lets the app reach
    domains: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="active")  # or "taken_down"
    status_reason: Mapped[str] = mapped_column(Text, default="")
    # WeChat's 暂停服务 (change_visitstatus close): nobody can open the released app until it opens again.
    visit_closed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    # Everyone gets current_release unless a phased rollout picks them for rollout_release.
    current_release_id: Mapped[int | None] = mapped_column(
        ForeignKey("releases.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )
    trial_release_id: Mapped[int | None] = mapped_column(
        ForeignKey("releases.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )
    rollout_release_id: Mapped[int | None] = mapped_column(
        ForeignKey("releases.id", use_alter=True, ondelete="SET NULL"), nullable=True
    )
    rollout_percentage: Mapped[int] = mapped_column(Integer, default=0)
    rollout_allowlist: Mapped[list[str]] = mapped_column(JSON, default=list)
    rollout_paused: Mapped[bool] = mapped_column(Boolean, default=False)
    # Goes up by one in the database on every change to the row: the search index of every server
    # process compares the sum over all apps with the one it was built from (no clocks involved).
    revision: Mapped[int] = mapped_column(Integer, default=0, onupdate=literal_column("revision + 1"))

    releases: Mapped[list[Release]] = relationship(
        back_populates="app", foreign_keys="Release.app_id", cascade="all, delete-orphan"
    )


def launch_key_purpose(appid: str) -> str:
    """What an app's sealed launch key is bound to (its row, by the appid that never changes)."""
    return f"apps.launch_key:{appid}"


sealing.register(App.__table__.c.launch_key)


class Release(Timestamped, Base):
    """A compiled upload of an app; its bundles are content-addressed blobs and never change."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("app_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    version: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    uploader_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # The uploaded project zip, kept so the platform can recompile it with a newer compiler.
    source_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A signed upload: the developer key that signed it, and the package with the platform's
    # countersignature added (in the private sources store), as released.
    signing_key_id: Mapped[int | None] = mapped_column(
        ForeignKey("developer_keys.id", ondelete="SET NULL"), nullable=True, index=True
    )
    package_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # bundle name -> {"sha256": ..., "size": ...}
    bundles: Mapped[dict[str, Any]] = mapped_column(JSON)
    review_state: Mapped[str] = mapped_column(String(20), default="none")  # pending, approved, rejected
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    app: Mapped[App] = relationship(back_populates="releases", foreign_keys=[app_id])


class DeveloperKey(Timestamped, Base):
    """An organization's registered Ed25519 public key for signing uploads (``hutong keygen``). An
    organization may hold several; a revoked one signs nothing more, and its past uploads stay
    recorded with it."""

    __tablename__ = "developer_keys"
    __table_args__ = (UniqueConstraint("organization_id", "public_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    public_key: Mapped[str] = mapped_column(String(64))  # raw key, hex
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the raw key, hex
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
