"""Saved funnels: an app's members name a funnel's steps and keep them (analytics_funnels).

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "analytics_funnels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("steps", sa.String(length=2000), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_analytics_funnels_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_analytics_funnels_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analytics_funnels")),
        sa.UniqueConstraint("app_id", "name", name=op.f("uq_analytics_funnels_app_id")),
    )
    op.create_index(op.f("ix_analytics_funnels_app_id"), "analytics_funnels", ["app_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_analytics_funnels_app_id"), table_name="analytics_funnels")
    op.drop_table("analytics_funnels")
