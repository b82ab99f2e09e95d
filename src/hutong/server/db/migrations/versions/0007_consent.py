"""Scope decisions per user and mini program, and the host profile (nickname, avatar).

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scope_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_scope_decisions_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_scope_decisions_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scope_decisions")),
        sa.UniqueConstraint("user_id", "app_id", "scope", name=op.f("uq_scope_decisions_user_id")),
    )
    with op.batch_alter_table("scope_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scope_decisions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scope_decisions_app_id"), ["app_id"], unique=False)
    op.create_table(
        "user_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("nickname", sa.String(length=64), nullable=False),
        sa.Column("avatar", sa.LargeBinary(), nullable=True),
        sa.Column("avatar_type", sa.String(length=32), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_profiles")),
    )


def downgrade() -> None:
    op.drop_table("user_profiles")
    with op.batch_alter_table("scope_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scope_decisions_app_id"))
        batch_op.drop_index(batch_op.f("ix_scope_decisions_user_id"))
    op.drop_table("scope_decisions")
