"""Contacts, chats and their messages; shares, their opens and per-app group ids (docs/sharing.md).

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_blocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("blocked_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["blocked_id"], ["users.id"], name=op.f("fk_chat_blocks_blocked_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chat_blocks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_blocks")),
        sa.UniqueConstraint("user_id", "blocked_id", name=op.f("uq_chat_blocks_user_id")),
    )
    with op.batch_alter_table("chat_blocks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_blocks_blocked_id"), ["blocked_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_blocks_user_id"), ["user_id"], unique=False)

    op.create_table(
        "chat_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["users.id"], name=op.f("fk_chat_contacts_contact_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chat_contacts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_contacts")),
        sa.UniqueConstraint("user_id", "contact_id", name=op.f("uq_chat_contacts_user_id")),
    )
    with op.batch_alter_table("chat_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_contacts_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_contacts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "chat_friend_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=False),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_user_id"],
            ["users.id"],
            name=op.f("fk_chat_friend_requests_from_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"],
            ["users.id"],
            name=op.f("fk_chat_friend_requests_to_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_friend_requests")),
        sa.UniqueConstraint("from_user_id", "to_user_id", name=op.f("uq_chat_friend_requests_from_user_id")),
    )
    with op.batch_alter_table("chat_friend_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chat_friend_requests_from_user_id"), ["from_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_chat_friend_requests_to_user_id"), ["to_user_id"], unique=False)

    op.create_table(
        "chat_profiles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("friend_code", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chat_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_chat_profiles")),
        sa.UniqueConstraint("friend_code", name=op.f("uq_chat_profiles_friend_code")),
    )
    op.create_table(
        "chats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("direct_key", sa.String(length=40), nullable=True),
        sa.Column("invite_code", sa.String(length=32), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_chats_created_by_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chats")),
        sa.UniqueConstraint("direct_key", name=op.f("uq_chats_direct_key")),
        sa.UniqueConstraint("invite_code", name=op.f("uq_chats_invite_code")),
    )
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chats_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "chat_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("read_seq", sa.Integer(), nullable=False),
        sa.Column("from_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_chat_members_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_chat_members_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_members")),
        sa.UniqueConstraint("chat_id", "user_id", name=op.f("uq_chat_members_chat_id")),
    )
    with op.batch_alter_table("chat_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_members_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_chat_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "chat_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_chat_messages_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"], name=op.f("fk_chat_messages_sender_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_messages")),
        sa.UniqueConstraint("chat_id", "seq", name=op.f("uq_chat_messages_chat_id")),
    )
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chat_messages_chat_id"), ["chat_id"], unique=False)

    op.create_table(
        "share_group_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.Integer(), nullable=False),
        sa.Column("open_gid", sa.String(length=28), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_share_group_ids_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_share_group_ids_chat_id_chats"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_group_ids")),
        sa.UniqueConstraint("app_id", "chat_id", name=op.f("uq_share_group_ids_app_id")),
        sa.UniqueConstraint("open_gid", name=op.f("uq_share_group_ids_open_gid")),
    )
    with op.batch_alter_table("share_group_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_group_ids_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_share_group_ids_chat_id"), ["chat_id"], unique=False)

    op.create_table(
        "shares",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.String(length=24), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("sharer_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.Integer(), nullable=True),
        sa.Column("path", sa.String(length=512), nullable=False),
        sa.Column("query", sa.JSON(), nullable=False),
        sa.Column("title", sa.String(length=128), nullable=False),
        sa.Column("image_url", sa.String(length=1024), nullable=False),
        sa.Column("ticket", sa.String(length=48), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_shares_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["chat_id"], ["chats.id"], name=op.f("fk_shares_chat_id_chats"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["sharer_id"], ["users.id"], name=op.f("fk_shares_sharer_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shares")),
        sa.UniqueConstraint("share_id", name=op.f("uq_shares_share_id")),
        sa.UniqueConstraint("ticket", name=op.f("uq_shares_ticket")),
    )
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shares_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shares_chat_id"), ["chat_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_shares_sharer_id"), ["sharer_id"], unique=False)

    op.create_table(
        "share_opens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_pk", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("scene", sa.Integer(), nullable=False),
        sa.Column("new_user", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["share_pk"], ["shares.id"], name=op.f("fk_share_opens_share_pk_shares"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_share_opens_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_opens")),
    )
    with op.batch_alter_table("share_opens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_opens_share_pk"), ["share_pk"], unique=False)
        batch_op.create_index(batch_op.f("ix_share_opens_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("share_opens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_opens_user_id"))
        batch_op.drop_index(batch_op.f("ix_share_opens_share_pk"))

    op.drop_table("share_opens")
    with op.batch_alter_table("shares", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shares_sharer_id"))
        batch_op.drop_index(batch_op.f("ix_shares_chat_id"))
        batch_op.drop_index(batch_op.f("ix_shares_app_id"))

    op.drop_table("shares")
    with op.batch_alter_table("share_group_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_group_ids_chat_id"))
        batch_op.drop_index(batch_op.f("ix_share_group_ids_app_id"))

    op.drop_table("share_group_ids")
    with op.batch_alter_table("chat_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_messages_chat_id"))

    op.drop_table("chat_messages")
    with op.batch_alter_table("chat_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_members_user_id"))
        batch_op.drop_index(batch_op.f("ix_chat_members_chat_id"))

    op.drop_table("chat_members")
    with op.batch_alter_table("chats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chats_updated_at"))

    op.drop_table("chats")
    op.drop_table("chat_profiles")
    with op.batch_alter_table("chat_friend_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_friend_requests_to_user_id"))
        batch_op.drop_index(batch_op.f("ix_chat_friend_requests_from_user_id"))

    op.drop_table("chat_friend_requests")
    with op.batch_alter_table("chat_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_contacts_user_id"))
        batch_op.drop_index(batch_op.f("ix_chat_contacts_contact_id"))

    op.drop_table("chat_contacts")
    with op.batch_alter_table("chat_blocks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chat_blocks_user_id"))
        batch_op.drop_index(batch_op.f("ix_chat_blocks_blocked_id"))

    op.drop_table("chat_blocks")
