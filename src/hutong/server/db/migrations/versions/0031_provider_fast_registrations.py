"""Fast registration (fastregisterweapp): a provider's requests to create a mini program for an
enterprise, waiting for the legal person's confirmation.

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

TABLE = "provider_fast_registrations"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("code_type", sa.Integer(), nullable=False),
        sa.Column("legal_persona_wechat", sa.String(length=320), nullable=False),
        sa.Column("legal_persona_name", sa.String(length=200), nullable=False),
        sa.Column("component_phone", sa.String(length=32), nullable=False),
        sa.Column("legal_user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f(f"fk_{TABLE}_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["legal_user_id"], ["users.id"], name=op.f(f"fk_{TABLE}_legal_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f(f"fk_{TABLE}_app_id_apps"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TABLE}")),
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_provider_id"), ["provider_id"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f(f"ix_{TABLE}_legal_user_id"), ["legal_user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_legal_user_id"))
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_code"))
        batch_op.drop_index(batch_op.f(f"ix_{TABLE}_provider_id"))
    op.drop_table(TABLE)
