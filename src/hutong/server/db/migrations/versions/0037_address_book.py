"""The user's shipping addresses and invoice titles (wx.chooseAddress, wx.chooseInvoiceTitle).

Revision ID: 0037
Revises: 0036
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "shipping_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("tel_number", sa.String(length=32), nullable=False),
        sa.Column("province_name", sa.String(length=64), nullable=False),
        sa.Column("city_name", sa.String(length=64), nullable=False),
        sa.Column("county_name", sa.String(length=64), nullable=False),
        sa.Column("street_name", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.String(length=256), nullable=False),
        sa.Column("postal_code", sa.String(length=16), nullable=False),
        sa.Column("national_code", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_shipping_addresses_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_addresses")),
    )
    with op.batch_alter_table("shipping_addresses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipping_addresses_user_id"), ["user_id"], unique=False)
    op.create_table(
        "invoice_titles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("tax_number", sa.String(length=32), nullable=False),
        sa.Column("company_address", sa.String(length=256), nullable=False),
        sa.Column("telephone", sa.String(length=32), nullable=False),
        sa.Column("bank_name", sa.String(length=128), nullable=False),
        sa.Column("bank_account", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_invoice_titles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_titles")),
    )
    with op.batch_alter_table("invoice_titles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invoice_titles_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invoice_titles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoice_titles_user_id"))
    op.drop_table("invoice_titles")
    with op.batch_alter_table("shipping_addresses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipping_addresses_user_id"))
    op.drop_table("shipping_addresses")
