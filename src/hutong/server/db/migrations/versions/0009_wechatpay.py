"""WeChat Pay v3: the platform's payment signing keys and used request nonces.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "wechatpay_nonces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechatpay_nonces")),
        sa.UniqueConstraint("mchid", "nonce", name=op.f("uq_wechatpay_nonces_mchid")),
    )
    with op.batch_alter_table("wechatpay_nonces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wechatpay_nonces_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "wechatpay_platform_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("serial_no", sa.String(length=40), nullable=False),
        sa.Column("public_key_id", sa.String(length=64), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wechatpay_platform_keys")),
        sa.UniqueConstraint("public_key_id", name=op.f("uq_wechatpay_platform_keys_public_key_id")),
        sa.UniqueConstraint("serial_no", name=op.f("uq_wechatpay_platform_keys_serial_no")),
    )


def downgrade() -> None:

    op.drop_table("wechatpay_platform_keys")
    with op.batch_alter_table("wechatpay_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wechatpay_nonces_expires_at"))

    op.drop_table("wechatpay_nonces")
