"""analytics_active by visitor (app_id, audience, day): the visitors of a range that ends today are its
closed days' kept count plus today's visitors not seen on those days, an anti-join that probes this
index instead of recounting every active day of the range.

Revision ID: 0033
Revises: 0032
"""

from __future__ import annotations

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_analytics_active_app_audience_day",
        "analytics_active",
        ["app_id", "audience", "day"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_analytics_active_app_audience_day", table_name="analytics_active")
