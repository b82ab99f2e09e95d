"""Payments: merchants and their apps, orders, refunds, bill files and the notification log.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "payment_merchants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mchid", sa.String(length=32), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("serial_no", sa.String(length=40), nullable=True),
        sa.Column("public_key_pem", sa.Text(), nullable=True),
        sa.Column("apiv3_key", sa.String(length=32), nullable=True),
        sa.Column("notify_prefixes", sa.JSON(), nullable=False),
        sa.Column("refund_roles", sa.JSON(), nullable=False),
        sa.Column("platform_key_mode", sa.String(length=16), nullable=False),
        sa.Column("service_provider_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_payment_merchants_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_provider_id"],
            ["payment_merchants.id"],
            name=op.f("fk_payment_merchants_service_provider_id_payment_merchants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_merchants")),
        sa.UniqueConstraint("mchid", name=op.f("uq_payment_merchants_mchid")),
    )
    with op.batch_alter_table("payment_merchants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_merchants_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "payment_bill_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("gzipped", sa.Boolean(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_payment_bill_files_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_bill_files")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_payment_bill_files_token_hash")),
    )
    with op.batch_alter_table("payment_bill_files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_bill_files_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_bill_files_merchant_id"), ["merchant_id"], unique=False)

    op.create_table(
        "payment_merchant_apps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_payment_merchant_apps_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_payment_merchant_apps_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_merchant_apps")),
        sa.UniqueConstraint("merchant_id", "app_id", name=op.f("uq_payment_merchant_apps_merchant_id")),
    )
    with op.batch_alter_table("payment_merchant_apps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_merchant_apps_app_id"), ["app_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payment_merchant_apps_merchant_id"), ["merchant_id"], unique=False
        )

    op.create_table(
        "payment_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notify_id", sa.String(length=64), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=256), nullable=False),
        sa.Column("job_key", sa.String(length=128), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_payment_notifications_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_notifications")),
        sa.UniqueConstraint("notify_id", name=op.f("uq_payment_notifications_notify_id")),
    )
    with op.batch_alter_table("payment_notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_payment_notifications_merchant_id"), ["merchant_id"], unique=False
        )

    op.create_table(
        "payment_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("sp_merchant_id", sa.Integer(), nullable=True),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("sp_appid", sa.String(length=64), nullable=True),
        sa.Column("sub_appid", sa.String(length=64), nullable=True),
        sa.Column("out_trade_no", sa.String(length=32), nullable=False),
        sa.Column("transaction_id", sa.String(length=32), nullable=False),
        sa.Column("trade_type", sa.String(length=16), nullable=False),
        sa.Column("trade_state", sa.String(length=16), nullable=False),
        sa.Column("description", sa.String(length=127), nullable=False),
        sa.Column("attach", sa.String(length=128), nullable=True),
        sa.Column("goods_tag", sa.String(length=32), nullable=True),
        sa.Column("notify_url", sa.String(length=256), nullable=False),
        sa.Column("amount_total", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=8), nullable=False),
        sa.Column("payer_total", sa.Integer(), nullable=True),
        sa.Column("payer_openid", sa.String(length=128), nullable=True),
        sa.Column("payer_openid_kind", sa.String(length=8), nullable=False),
        sa.Column("payer_user_id", sa.Integer(), nullable=True),
        sa.Column("prepay_id", sa.String(length=64), nullable=True),
        sa.Column("prepay_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_url", sa.String(length=128), nullable=True),
        sa.Column("time_expire", sa.DateTime(timezone=True), nullable=True),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("success_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bank_type", sa.String(length=32), nullable=True),
        sa.Column("paid_from", sa.String(length=128), nullable=True),
        sa.Column("refunded_total", sa.Integer(), nullable=False),
        sa.Column("refund_count", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_payment_orders_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_payment_orders_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payer_user_id"],
            ["users.id"],
            name=op.f("fk_payment_orders_payer_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sp_merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_payment_orders_sp_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_orders")),
        sa.UniqueConstraint("code_url", name=op.f("uq_payment_orders_code_url")),
        sa.UniqueConstraint("merchant_id", "out_trade_no", name=op.f("uq_payment_orders_merchant_id")),
        sa.UniqueConstraint("prepay_id", name=op.f("uq_payment_orders_prepay_id")),
        sa.UniqueConstraint("transaction_id", name=op.f("uq_payment_orders_transaction_id")),
    )
    with op.batch_alter_table("payment_orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_orders_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_orders_merchant_id"), ["merchant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_orders_payer_user_id"), ["payer_user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_payment_orders_sp_merchant_id"), ["sp_merchant_id"], unique=False
        )

    op.create_table(
        "payment_refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refund_id", sa.String(length=32), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("out_refund_no", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=True),
        sa.Column("notify_url", sa.String(length=256), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("user_received_account", sa.String(length=64), nullable=False),
        sa.Column("success_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_payment_refunds_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["payment_orders.id"],
            name=op.f("fk_payment_refunds_order_id_payment_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_refunds")),
        sa.UniqueConstraint("merchant_id", "out_refund_no", name=op.f("uq_payment_refunds_merchant_id")),
        sa.UniqueConstraint("refund_id", name=op.f("uq_payment_refunds_refund_id")),
    )
    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_payment_refunds_merchant_id"), ["merchant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_payment_refunds_order_id"), ["order_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("payment_refunds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_refunds_order_id"))
        batch_op.drop_index(batch_op.f("ix_payment_refunds_merchant_id"))

    op.drop_table("payment_refunds")
    with op.batch_alter_table("payment_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_orders_sp_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_payment_orders_payer_user_id"))
        batch_op.drop_index(batch_op.f("ix_payment_orders_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_payment_orders_app_id"))

    op.drop_table("payment_orders")
    with op.batch_alter_table("payment_notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_notifications_merchant_id"))

    op.drop_table("payment_notifications")
    with op.batch_alter_table("payment_merchant_apps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_merchant_apps_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_payment_merchant_apps_app_id"))

    op.drop_table("payment_merchant_apps")
    with op.batch_alter_table("payment_bill_files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_bill_files_merchant_id"))
        batch_op.drop_index(batch_op.f("ix_payment_bill_files_expires_at"))

    op.drop_table("payment_bill_files")
    with op.batch_alter_table("payment_merchants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_payment_merchants_organization_id"))

    op.drop_table("payment_merchants")
