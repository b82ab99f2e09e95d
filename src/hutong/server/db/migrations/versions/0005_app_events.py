"""Events mini programs report (wx.reportEvent, wx.reportAnalytics).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_app_events_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_events")),
    )
    with op.batch_alter_table("app_events", schema=None) as batch_op:
        batch_op.create_index("ix_app_events_app_time", ["app_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("app_events", schema=None) as batch_op:
        batch_op.drop_index("ix_app_events_app_time")
    op.drop_table("app_events")
