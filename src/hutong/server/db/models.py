"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from hutong.server.apps.models import App, Release
from hutong.server.db.base import Base

metadata = Base.metadata

__all__ = ["App", "Release", "metadata"]
