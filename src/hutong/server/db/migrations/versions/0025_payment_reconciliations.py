"""Reconciliation runs: what the daily job and `hutong pay reconcile` compared and found.

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_reconciliations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("orders_checked", sa.Integer(), nullable=False),
        sa.Column("refunds_checked", sa.Integer(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_reconciliations")),
    )


def downgrade() -> None:
    op.drop_table("payment_reconciliations")
