"""Customer service conversations and messages, temporary media, push settings, and feedback.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "support_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_from", sa.String(length=1024), nullable=False),
        sa.Column("last_user_message_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_entered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("user_read_id", sa.Integer(), nullable=False),
        sa.Column("agent_read_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_support_conversations_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_support_conversations_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_conversations")),
        sa.UniqueConstraint("app_id", "user_id", name=op.f("uq_support_conversations_app_id")),
    )
    with op.batch_alter_table("support_conversations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_conversations_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_conversations_updated_at"), ["updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_conversations_user_id"), ["user_id"], unique=False)

    op.create_table(
        "support_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("contact", sa.String(length=100), nullable=False),
        sa.Column("image_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_support_feedback_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_support_feedback_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_feedback")),
    )
    with op.batch_alter_table("support_feedback", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_feedback_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_support_feedback_user_id"), ["user_id"], unique=False)

    op.create_table(
        "support_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("media_id", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_support_media_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_media")),
        sa.UniqueConstraint("media_id", name=op.f("uq_support_media_media_id")),
    )
    with op.batch_alter_table("support_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_support_media_app_id"), ["app_id"], unique=False)

    op.create_table(
        "support_push_settings",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_support_push_settings_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("app_id", name=op.f("pk_support_push_settings")),
    )
    op.create_table(
        "support_feedback_images",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feedback_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["support_feedback.id"],
            name=op.f("fk_support_feedback_images_feedback_id_support_feedback"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_feedback_images")),
        sa.UniqueConstraint("feedback_id", "position", name=op.f("uq_support_feedback_images_feedback_id")),
    )
    with op.batch_alter_table("support_feedback_images", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_feedback_images_feedback_id"), ["feedback_id"], unique=False
        )

    op.create_table(
        "support_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=8), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["support_conversations.id"],
            name=op.f("fk_support_messages_conversation_id_support_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_support_messages")),
    )
    with op.batch_alter_table("support_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_support_messages_conversation_id"), ["conversation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("support_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_messages_conversation_id"))

    op.drop_table("support_messages")
    with op.batch_alter_table("support_feedback_images", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_feedback_images_feedback_id"))

    op.drop_table("support_feedback_images")
    op.drop_table("support_push_settings")
    with op.batch_alter_table("support_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_media_app_id"))

    op.drop_table("support_media")
    with op.batch_alter_table("support_feedback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_feedback_user_id"))
        batch_op.drop_index(batch_op.f("ix_support_feedback_app_id"))

    op.drop_table("support_feedback")
    with op.batch_alter_table("support_conversations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_support_conversations_user_id"))
        batch_op.drop_index(batch_op.f("ix_support_conversations_updated_at"))
        batch_op.drop_index(batch_op.f("ix_support_conversations_app_id"))

    op.drop_table("support_conversations")
