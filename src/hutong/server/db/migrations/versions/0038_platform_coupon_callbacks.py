"""Where the platform's own voucher callbacks go: a platform-funded stock's COUPON.USE is sent to the
URL an operator set, encrypted under the APIv3 key the operator gave (sealed at rest), as a merchant's
are to the merchant (one row).

Revision ID: 0038
Revises: 0037
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coupon_platform_callbacks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("favor_url", sa.Text(), nullable=True),
        sa.Column("apiv3_key", sa.Text(), nullable=True),
        sa.Column("public_key_mode", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("coupon_platform_callbacks")
