"""Coupons and stores: stores and their staff, coupon stocks, merchant-uploaded codes, coupons, the
per-user and per-day claim counts, and where coupon callbacks go.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coupon_callbacks",
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("busifavor_url", sa.Text(), nullable=True),
        sa.Column("favor_url", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_coupon_callbacks_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("merchant_id", name=op.f("pk_coupon_callbacks")),
    )
    op.create_table(
        "coupon_stocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stock_id", sa.String(length=20), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("family", sa.String(length=12), nullable=False),
        sa.Column("out_request_no", sa.String(length=128), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("goods_name", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.String(length=64), nullable=False),
        sa.Column("stock_type", sa.String(length=12), nullable=False),
        sa.Column("amount_off", sa.Integer(), nullable=True),
        sa.Column("discount_percent", sa.Integer(), nullable=True),
        sa.Column("max_discount", sa.Integer(), nullable=True),
        sa.Column("exchange_price", sa.Integer(), nullable=True),
        sa.Column("transaction_minimum", sa.Integer(), nullable=False),
        sa.Column("begins_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("days_after_claim", sa.Integer(), nullable=True),
        sa.Column("week_days", sa.JSON(), nullable=False),
        sa.Column("day_times", sa.JSON(), nullable=False),
        sa.Column("store_ids", sa.JSON(), nullable=False),
        sa.Column("goods_tags", sa.JSON(), nullable=False),
        sa.Column("max_coupons", sa.Integer(), nullable=False),
        sa.Column("max_coupons_per_user", sa.Integer(), nullable=False),
        sa.Column("max_coupons_by_day", sa.Integer(), nullable=True),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("code_mode", sa.String(length=16), nullable=False),
        sa.Column("use_method", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("funded_by", sa.String(length=12), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_coupon_stocks_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_stocks")),
        sa.UniqueConstraint(
            "merchant_id", "family", "out_request_no", name=op.f("uq_coupon_stocks_merchant_id")
        ),
        sa.UniqueConstraint("stock_id", name=op.f("uq_coupon_stocks_stock_id")),
    )
    with op.batch_alter_table("coupon_stocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_stocks_merchant_id"), ["merchant_id"], unique=False)

    op.create_table(
        "coupon_stores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("merchant_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=256), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("hours", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["payment_merchants.id"],
            name=op.f("fk_coupon_stores_merchant_id_payment_merchants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_stores")),
    )
    with op.batch_alter_table("coupon_stores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_stores_merchant_id"), ["merchant_id"], unique=False)

    op.create_table(
        "coupon_claim_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stock_pk", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stock_pk"],
            ["coupon_stocks.id"],
            name=op.f("fk_coupon_claim_counts_stock_pk_coupon_stocks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_claim_counts")),
        sa.UniqueConstraint("stock_pk", "scope", name=op.f("uq_coupon_claim_counts_stock_pk")),
    )
    with op.batch_alter_table("coupon_claim_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_claim_counts_stock_pk"), ["stock_pk"], unique=False)

    op.create_table(
        "coupon_store_staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["coupon_stores.id"],
            name=op.f("fk_coupon_store_staff_store_id_coupon_stores"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_coupon_store_staff_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_store_staff")),
        sa.UniqueConstraint("store_id", "user_id", name=op.f("uq_coupon_store_staff_store_id")),
    )
    with op.batch_alter_table("coupon_store_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_store_staff_store_id"), ["store_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_store_staff_user_id"), ["user_id"], unique=False)

    op.create_table(
        "coupon_uploaded_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stock_pk", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("taken", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stock_pk"],
            ["coupon_stocks.id"],
            name=op.f("fk_coupon_uploaded_codes_stock_pk_coupon_stocks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_uploaded_codes")),
        sa.UniqueConstraint("stock_pk", "code", name=op.f("uq_coupon_uploaded_codes_stock_pk")),
    )
    with op.batch_alter_table("coupon_uploaded_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_uploaded_codes_stock_pk"), ["stock_pk"], unique=False)

    op.create_table(
        "coupons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.String(length=20), nullable=False),
        sa.Column("coupon_code", sa.String(length=32), nullable=False),
        sa.Column("stock_pk", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("openid", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("out_request_no", sa.String(length=128), nullable=True),
        sa.Column("send_channel", sa.String(length=16), nullable=False),
        sa.Column("scene", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("use_request_no", sa.String(length=64), nullable=True),
        sa.Column("used_store_id", sa.Integer(), nullable=True),
        sa.Column("used_by", sa.String(length=32), nullable=True),
        sa.Column("first_visit", sa.Boolean(), nullable=False),
        sa.Column("transaction_id", sa.String(length=32), nullable=True),
        sa.Column("order_total", sa.Integer(), nullable=True),
        sa.Column("discount", sa.Integer(), nullable=True),
        sa.Column("return_request_no", sa.String(length=64), nullable=True),
        sa.Column("deactivate_request_no", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_coupons_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["stock_pk"],
            ["coupon_stocks.id"],
            name=op.f("fk_coupons_stock_pk_coupon_stocks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["used_store_id"],
            ["coupon_stores.id"],
            name=op.f("fk_coupons_used_store_id_coupon_stores"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_coupons_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupons")),
        sa.UniqueConstraint("coupon_id", name=op.f("uq_coupons_coupon_id")),
        sa.UniqueConstraint("stock_pk", "coupon_code", name="uq_coupons_stock_code"),
        sa.UniqueConstraint("stock_pk", "out_request_no", name="uq_coupons_stock_out_request_no"),
        sa.UniqueConstraint("stock_pk", "use_request_no", name="uq_coupons_stock_use_request_no"),
    )
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupons_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupons_claimed_at"), ["claimed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupons_stock_pk"), ["stock_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupons_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coupons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupons_user_id"))
        batch_op.drop_index(batch_op.f("ix_coupons_stock_pk"))
        batch_op.drop_index(batch_op.f("ix_coupons_claimed_at"))
        batch_op.drop_index(batch_op.f("ix_coupons_app_id"))

    op.drop_table("coupons")
    with op.batch_alter_table("coupon_uploaded_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_uploaded_codes_stock_pk"))

    op.drop_table("coupon_uploaded_codes")
    with op.batch_alter_table("coupon_store_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_store_staff_user_id"))
        batch_op.drop_index(batch_op.f("ix_coupon_store_staff_store_id"))

    op.drop_table("coupon_store_staff")
    with op.batch_alter_table("coupon_claim_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_claim_counts_stock_pk"))

    op.drop_table("coupon_claim_counts")
    with op.batch_alter_table("coupon_stores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_stores_merchant_id"))

    op.drop_table("coupon_stores")
    with op.batch_alter_table("coupon_stocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_stocks_merchant_id"))

    op.drop_table("coupon_stocks")
    op.drop_table("coupon_callbacks")
