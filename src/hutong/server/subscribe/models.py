"""Subscription message tables: the public library (categories, titles, keywords), each app's
templates, the users' grants and kept choices, their main switch per app, and the messages sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server.db.base import Base, Timestamped, utcnow


class Category(Base):
    """A service category of the library; apps are in it when their category text has one of ``words``."""

    __tablename__ = "subscribe_categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(64))
    words: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Long-term titles are usable only where the operator allows them (public services).
    long_term: Mapped[bool] = mapped_column(Boolean, default=False)


class Title(Timestamped, Base):
    """A public template title (WeChat's tid). ``status``: approved (listed), pending (proposed, waiting
    for an operator), banned (its templates answer "ban" and cannot be sent)."""

    __tablename__ = "subscribe_titles"

    tid: Mapped[int] = mapped_column(Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("subscribe_categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(64))
    type: Mapped[int] = mapped_column(Integer)  # 2 one-time, 3 long-term
    status: Mapped[str] = mapped_column(String(10), default="approved")
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("apps.id", ondelete="SET NULL"), nullable=True)


class Keyword(Base):
    __tablename__ = "subscribe_keywords"
    __table_args__ = (UniqueConstraint("tid", "kid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tid: Mapped[int] = mapped_column(ForeignKey("subscribe_titles.tid", ondelete="CASCADE"), index=True)
    kid: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(32))
    rule: Mapped[str] = mapped_column(String(20))
    example: Mapped[str] = mapped_column(String(64), default="")
    enum_values: Mapped[list[str]] = mapped_column(JSON, default=list)


class Template(Timestamped, Base):
    """A template an app added from the library (WeChat's priTmplId) with its chosen keywords, each
    ``{kid, name, rule, example, enum_values}`` in the order chosen."""

    __tablename__ = "subscribe_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    pri_tmpl_id: Mapped[str] = mapped_column(String(64), unique=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    tid: Mapped[int] = mapped_column(ForeignKey("subscribe_titles.tid"), index=True)
    title: Mapped[str] = mapped_column(String(64))
    type: Mapped[int] = mapped_column(Integer)
    scene_desc: Mapped[str] = mapped_column(String(32), default="")
    keywords: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Grant(Base):
    """What one user allowed one template: ``credits`` one-time sends left (each acceptance adds one,
    each send takes one), ``long_term`` for long-term templates, and ``kept`` ("accept"/"reject" or
    empty) when they ticked "always keep this choice", which is then asked no more."""

    __tablename__ = "subscribe_grants"
    __table_args__ = (UniqueConstraint("user_id", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("subscribe_templates.id", ondelete="CASCADE"), index=True
    )
    credits: Mapped[int] = mapped_column(Integer, default=0)
    long_term: Mapped[bool] = mapped_column(Boolean, default=False)
    kept: Mapped[str] = mapped_column(String(8), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Switch(Base):
    """The user's main switch for one app's messages (on unless they turned it off)."""

    __tablename__ = "subscribe_switches"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), primary_key=True)
    main_switch: Mapped[bool] = mapped_column(Boolean, default=True)


class Notification(Timestamped, Base):
    """A message sent to a user: what the host inbox shows. ``data`` is ``[{key, name, value}]`` in the
    template's order, so the inbox shows it even after the template is deleted."""

    __tablename__ = "subscribe_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    pri_tmpl_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(64))
    page: Mapped[str] = mapped_column(String(1024), default="")
    state: Mapped[str] = mapped_column(String(10), default="formal")  # developer, trial, formal
    lang: Mapped[str] = mapped_column(String(8), default="zh_CN")
    data: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    read: Mapped[bool] = mapped_column(Boolean, default=False)


class PushSubscription(Timestamped, Base):
    """A browser's Web Push subscription for a user (the shell's service worker): where the push
    service takes messages, and the keys their payloads are encrypted to (RFC 8291)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(128))
    auth: Mapped[str] = mapped_column(String(64))
