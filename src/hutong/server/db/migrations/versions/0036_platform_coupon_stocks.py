"""Platform-funded voucher stocks: a stock may belong to no merchant (the platform made it and its
marketing account pays), and names the merchants whose orders it may cut (none named: any).

Revision ID: 0036
Revises: 0035
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coupon_stocks") as batch:
        batch.alter_column("merchant_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("available_mchids", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.execute("DELETE FROM coupon_stocks WHERE merchant_id IS NULL")
    with op.batch_alter_table("coupon_stocks") as batch:
        batch.drop_column("available_mchids")
        batch.alter_column("merchant_id", existing_type=sa.Integer(), nullable=False)
