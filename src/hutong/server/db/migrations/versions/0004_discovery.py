"""Discovery: launches with their scene, recent and pinned mini programs, scene codes, app revisions.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pinned_apps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_pinned_apps_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_pinned_apps_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pinned_apps")),
        sa.UniqueConstraint("user_id", "app_id", name=op.f("uq_pinned_apps_user_id")),
    )
    with op.batch_alter_table("pinned_apps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pinned_apps_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_pinned_apps_user_id"), ["user_id"], unique=False)

    op.create_table(
        "recent_apps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=80), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_recent_apps_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recent_apps")),
        sa.UniqueConstraint("audience", "app_id", name=op.f("uq_recent_apps_audience")),
    )
    with op.batch_alter_table("recent_apps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recent_apps_app_id"), ["app_id"], unique=False)
        batch_op.create_index("ix_recent_apps_audience_time", ["audience", "opened_at"], unique=False)

    op.create_table(
        "scene_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("scene", sa.String(length=32), nullable=False),
        sa.Column("page", sa.String(length=500), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_scene_codes_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["creator_id"], ["users.id"], name=op.f("fk_scene_codes_creator_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scene_codes")),
        sa.UniqueConstraint("app_id", "scene", name=op.f("uq_scene_codes_app_id")),
    )
    with op.batch_alter_table("scene_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scene_codes_app_id"), ["app_id"], unique=False)

    op.create_table(
        "launch_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(length=80), nullable=False),
        sa.Column("scene", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_launch_events_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f("fk_launch_events_release_id_releases"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_launch_events")),
    )
    with op.batch_alter_table("launch_events", schema=None) as batch_op:
        batch_op.create_index("ix_launch_events_app_time", ["app_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_launch_events_release_id"), ["release_id"], unique=False)

    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.drop_column("revision")

    with op.batch_alter_table("launch_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_launch_events_release_id"))
        batch_op.drop_index("ix_launch_events_app_time")

    op.drop_table("launch_events")
    with op.batch_alter_table("scene_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scene_codes_app_id"))

    op.drop_table("scene_codes")
    with op.batch_alter_table("recent_apps", schema=None) as batch_op:
        batch_op.drop_index("ix_recent_apps_audience_time")
        batch_op.drop_index(batch_op.f("ix_recent_apps_app_id"))

    op.drop_table("recent_apps")
    with op.batch_alter_table("pinned_apps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pinned_apps_user_id"))
        batch_op.drop_index(batch_op.f("ix_pinned_apps_app_id"))

    op.drop_table("pinned_apps")
