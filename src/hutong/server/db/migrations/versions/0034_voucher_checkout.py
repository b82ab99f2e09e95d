"""Paying with a voucher: an order records its promotion_detail, the discount and the ledger account
that paid it, and how much of the discount its refunds gave back; a refund records its discount part.

Revision ID: 0034
Revises: 0033
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promotion_detail", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("discount_total", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("discount_from", sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column("discount_refunded", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("discount_refund", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("discount_to", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.drop_column("discount_to")
        batch_op.drop_column("discount_refund")
    with op.batch_alter_table("payment_orders", schema=None) as batch_op:
        batch_op.drop_column("discount_refunded")
        batch_op.drop_column("discount_from")
        batch_op.drop_column("discount_total")
        batch_op.drop_column("promotion_detail")
