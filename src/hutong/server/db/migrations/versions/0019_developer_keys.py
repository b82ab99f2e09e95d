"""Developers' signing keys per organization; releases record the key that signed them and keep the
countersigned package.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "developer_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_developer_keys_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_developer_keys_added_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_developer_keys")),
        sa.UniqueConstraint("organization_id", "public_key", name=op.f("uq_developer_keys_organization_id")),
    )
    with op.batch_alter_table("developer_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_developer_keys_organization_id"), ["organization_id"], unique=False
        )
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("signing_key_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("package_sha256", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_releases_signing_key_id"), ["signing_key_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_releases_signing_key_id_developer_keys"),
            "developer_keys",
            ["signing_key_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("releases", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_releases_signing_key_id_developer_keys"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_releases_signing_key_id"))
        batch_op.drop_column("package_sha256")
        batch_op.drop_column("signing_key_id")
    with op.batch_alter_table("developer_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_developer_keys_organization_id"))
    op.drop_table("developer_keys")
