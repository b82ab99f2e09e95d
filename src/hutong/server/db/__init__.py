"""The data layer: SQLAlchemy 2 (async) models and one Alembic migration history for SQLite and PostgreSQL."""

from hutong.server.db.base import Base
from hutong.server.db.engine import Database

__all__ = ["Base", "Database"]
