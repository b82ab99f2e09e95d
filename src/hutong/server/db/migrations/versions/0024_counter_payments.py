"""Counter payments: each user's own PIN-free limit for payment-code payments.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wallet_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("counter_pin_free_fen", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_wallet_settings_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_wallet_settings")),
    )


def downgrade() -> None:
    op.drop_table("wallet_settings")
