"""Providers' review speed-ups (speedupaudit, with a monthly quota) and delays (weapp_audit_delay),
and an app's visit status (change_visitstatus: a closed app cannot be opened).

Revision ID: 0039
Revises: 0038
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("speedup_quota", sa.Integer(), nullable=False, server_default="5"))
    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("visit_closed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "provider_review_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("speedup_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delayed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delay_reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["provider_id"], ["providers.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("review_id"),
    )
    op.create_index("ix_provider_review_marks_provider_id", "provider_review_marks", ["provider_id"])


def downgrade() -> None:
    op.drop_index("ix_provider_review_marks_provider_id", table_name="provider_review_marks")
    op.drop_table("provider_review_marks")
    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.drop_column("visit_closed")
    with op.batch_alter_table("providers", schema=None) as batch_op:
        batch_op.drop_column("speedup_quota")
