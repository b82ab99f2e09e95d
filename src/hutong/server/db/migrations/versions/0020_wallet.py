"""Funding transfers (top-ups, withdrawals), payment PINs, the wallet's payments and payment codes.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "funding_transfers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=64), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("account", sa.String(length=96), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("client_key", sa.String(length=128), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("party_hint", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("failure_code", sa.String(length=40), nullable=False),
        sa.Column("provider_id", sa.String(length=64), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_funding_transfers_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_transfers")),
        sa.UniqueConstraint("reference", name=op.f("uq_funding_transfers_reference")),
        sa.UniqueConstraint("user_id", "client_key", name=op.f("uq_funding_transfers_user_id")),
    )
    with op.batch_alter_table("funding_transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_funding_transfers_user_id"), ["user_id"], unique=False)
    op.create_table(
        "wallet_pins",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_wallet_pins_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_wallet_pins")),
    )
    op.create_table(
        "wallet_payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("prepay_id", sa.String(length=64), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("app_name", sa.String(length=200), nullable=False),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("merchant_name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("journal_key", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_wallet_payments_user_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_payments")),
        sa.UniqueConstraint("prepay_id", name=op.f("uq_wallet_payments_prepay_id")),
    )
    with op.batch_alter_table("wallet_payments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wallet_payments_user_id"), ["user_id"], unique=False)
    op.create_table(
        "wallet_pay_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_wallet_pay_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_pay_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_wallet_pay_codes_code_hash")),
    )
    with op.batch_alter_table("wallet_pay_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wallet_pay_codes_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("wallet_pay_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wallet_pay_codes_user_id"))
    op.drop_table("wallet_pay_codes")
    with op.batch_alter_table("wallet_payments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wallet_payments_user_id"))
    op.drop_table("wallet_payments")
    op.drop_table("wallet_pins")
    with op.batch_alter_table("funding_transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_funding_transfers_user_id"))
    op.drop_table("funding_transfers")
