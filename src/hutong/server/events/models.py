"""The event store (one row per event, partitioned by day) and what is kept beside it: each app's users
with the day they were first seen, who was active on which day, the materialized daily rollups and the
release guard's settings.

``analytics_events`` is a Core table with no primary key: rows are only ever inserted in bulk, read by
aggregate and dropped a day at a time. On PostgreSQL it is declared ``PARTITION BY RANGE (day)`` (the
migration, and ``store.ensure_partitions``); on SQLite it is one table pruned by ``day``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped

# Kinds of event. The host reports page, error, perf, request, share and custom ones; the launch is
# recorded by the platform when it answers the launch manifest; server domains emit "server" ones.
KINDS = ("launch", "page", "error", "perf", "request", "share", "custom", "server")

events = Table(
    "analytics_events",
    Base.metadata,
    Column("day", Date, nullable=False),  # in the analytics time zone (settings.analytics_timezone)
    Column("hour", SmallInteger, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("app_id", Integer, nullable=False),  # no foreign key: the store is pruned, never cascaded
    Column("release_id", Integer, nullable=True),
    Column("audience", String(80), nullable=False),  # "user:<id>" or "device:<id>"
    Column("session", String(32), nullable=False),  # one launch (a visit), from the events token
    Column("kind", String(16), nullable=False),
    Column("name", String(128), nullable=False),  # page path, event name, error message, domain…
    Column("scene", Integer, nullable=True),
    Column("value", BigInteger, nullable=True),  # stay or timing in ms, an amount in fen
    Column("data", JSON, nullable=True),
    # Every read is one app's day(s) of one kind; hour and audience make today's hourly chart (visits,
    # page views, visitors by hour) an index-only count over the hours still counted live.
    Index("ix_analytics_events_app_day_kind_hour", "app_id", "day", "kind", "hour", "audience"),
)


class AnalyticsUser(Base):
    """Everyone an app has seen, with the day it first saw them (new users, totals, retention)."""

    __tablename__ = "analytics_users"
    __table_args__ = (Index("ix_analytics_users_app_first", "app_id", "first_day"),)

    app_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    audience: Mapped[str] = mapped_column(String(80), primary_key=True)
    first_day: Mapped[date] = mapped_column(Date)


class AnalyticsActive(Base):
    """Who visited an app on a day (uv, retention): at most one row per user, app and day."""

    __tablename__ = "analytics_active"
    # A visitor's days: a range's visitors who were not already counted on its closed days.
    __table_args__ = (Index("ix_analytics_active_app_audience_day", "app_id", "audience", "day"),)

    app_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    audience: Mapped[str] = mapped_column(String(80), primary_key=True)


class AnalyticsRollup(Base):
    """One figure of one app's closed day: (metric, key) → value, e.g. ("page_pv", "pages/index/index")."""

    __tablename__ = "analytics_rollups"

    app_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    metric: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class ReleaseGuard(Timestamped, Base):
    """An app's thresholds for stopping a phased release by itself (absent: the defaults)."""

    __tablename__ = "release_guards"

    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    action: Mapped[str] = mapped_column(String(10), default="rollback")  # or "pause"
    min_sessions: Mapped[int] = mapped_column(Integer, default=20)
    max_ratio: Mapped[float] = mapped_column(Float, default=2.0)
    min_margin: Mapped[float] = mapped_column(Float, default=0.05)


class SavedFunnel(Timestamped, Base):
    """A funnel an app's member named and kept, its steps as the console's ``funnel`` parameter
    (``page:<path>,event:<name>,…``); counted afresh over whatever range is asked."""

    __tablename__ = "analytics_funnels"
    __table_args__ = (UniqueConstraint("app_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    steps: Mapped[str] = mapped_column(String(2000))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
