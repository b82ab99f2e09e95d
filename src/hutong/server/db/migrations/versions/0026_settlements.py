"""T+1 settlement: each merchant's fee rate and one row per merchant and settled day.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_merchants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fee_rate_ppm", sa.Integer(), nullable=False, server_default="6000"))
    with op.batch_alter_table("payment_merchants", schema=None) as batch_op:
        batch_op.alter_column("fee_rate_ppm", server_default=None)
    op.create_table(
        "payment_settlements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("gross_fen", sa.BigInteger(), nullable=False),
        sa.Column("fee_fen", sa.BigInteger(), nullable=False),
        sa.Column("fee_carry_fen", sa.BigInteger(), nullable=False),
        sa.Column("fee_rate_ppm", sa.Integer(), nullable=False),
        sa.Column("cutoff", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_payment_settlements_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_settlements")),
        sa.UniqueConstraint("merchant_id", "day", name=op.f("uq_payment_settlements_merchant_id")),
    )
    with op.batch_alter_table("payment_settlements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_settlements_merchant_id"), ["merchant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("payment_settlements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_settlements_merchant_id"))
    op.drop_table("payment_settlements")
    with op.batch_alter_table("payment_merchants", schema=None) as batch_op:
        batch_op.drop_column("fee_rate_ppm")
