"""analytics_events' one index widened from (app_id, day, kind) to (app_id, day, kind, hour, audience):
every read still uses its prefix, and today's hourly chart (visits, page views and distinct visitors
by hour over the hours still counted live) is read from the index alone. On PostgreSQL the index is
made on the partitioned table, so every day's partition gets its own.

Revision ID: 0042
Revises: 0041
"""

from __future__ import annotations

from alembic import op

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_analytics_events_app_day_kind_hour",
        "analytics_events",
        ["app_id", "day", "kind", "hour", "audience"],
        unique=False,
    )
    op.drop_index("ix_analytics_events_app_day_kind", table_name="analytics_events")


def downgrade() -> None:
    op.create_index("ix_analytics_events_app_day_kind", "analytics_events", ["app_id", "day", "kind"])
    op.drop_index("ix_analytics_events_app_day_kind_hour", table_name="analytics_events")
