"""Coupons remember when their owner was reminded that they expire (once per coupon).

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coupons") as batch:
        batch.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_coupons_valid_until", ["valid_until"])


def downgrade() -> None:
    with op.batch_alter_table("coupons") as batch:
        batch.drop_index("ix_coupons_valid_until")
        batch.drop_column("reminded_at")
