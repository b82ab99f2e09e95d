"""Apps and their compiled releases.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "apps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("current_release_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_apps")),
        sa.UniqueConstraint("appid", name=op.f("uq_apps_appid")),
    )
    op.create_table(
        "releases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("bundles", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_releases_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_releases")),
        sa.UniqueConstraint("app_id", "version", name=op.f("uq_releases_app_id")),
    )
    op.create_index(op.f("ix_releases_app_id"), "releases", ["app_id"], unique=False)
    with op.batch_alter_table("apps") as batch:
        batch.create_foreign_key(
            op.f("fk_apps_current_release_id_releases"),
            "releases",
            ["current_release_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("apps") as batch:
        batch.drop_constraint(op.f("fk_apps_current_release_id_releases"), type_="foreignkey")
    op.drop_index(op.f("ix_releases_app_id"), table_name="releases")
    op.drop_table("releases")
    op.drop_table("apps")
