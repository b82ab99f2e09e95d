"""The declarative base every model derives from, with constraint names Alembic can rely on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, MetaData, event, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


_AWARE: dict[type[Any], tuple[str, ...]] = {}


def _aware_columns(model: type[Any]) -> tuple[str, ...]:
    """The attributes of ``model`` declared DateTime(timezone=True)."""
    if model not in _AWARE:
        _AWARE[model] = tuple(
            attribute.key
            for attribute in inspect(model).column_attrs
            if isinstance(attribute.columns[0].type, DateTime) and attribute.columns[0].type.timezone
        )
    return _AWARE[model]


def _aware_on_load(target: Any, *_: Any) -> None:
    # SQLite hands timezone-aware columns back naive; every stored time is UTC. Said once here, so
    # that an API answer is always RFC 3339 with its offset, on SQLite as on PostgreSQL.
    for key in _aware_columns(type(target)):
        value = target.__dict__.get(key)
        if isinstance(value, datetime) and value.tzinfo is None:
            set_committed_value(target, key, value.replace(tzinfo=UTC))


event.listen(Base, "load", _aware_on_load, propagate=True)
event.listen(Base, "refresh", _aware_on_load, propagate=True)
