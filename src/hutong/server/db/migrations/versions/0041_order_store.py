"""Orders record the store where they were paid: WeChat's ``scene_info.store_info.id`` from the order
body (JSAPI, Native, counter), so a voucher limited to stores applies there and its use counts as a
visit to that store.

Revision ID: 0041
Revises: 0040
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0041"
down_revision = "0040"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payment_orders") as batch:
        batch.add_column(sa.Column("store_info_id", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("payment_orders") as batch:
        batch.drop_column("store_info_id")
