"""Coupon claim codes and links for posters and flyers (a stock, an app, a scene).

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coupon_claim_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("stock_pk", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("scene", sa.String(length=32), nullable=False),
        sa.Column("path", sa.String(length=256), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_coupon_claim_links_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["stock_pk"],
            ["coupon_stocks.id"],
            name=op.f("fk_coupon_claim_links_stock_pk_coupon_stocks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coupon_claim_links")),
        sa.UniqueConstraint("token", name=op.f("uq_coupon_claim_links_token")),
    )
    with op.batch_alter_table("coupon_claim_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_claim_links_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_claim_links_stock_pk"), ["stock_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coupon_claim_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_claim_links_stock_pk"))
        batch_op.drop_index(batch_op.f("ix_coupon_claim_links_app_id"))

    op.drop_table("coupon_claim_links")
