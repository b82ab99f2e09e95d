"""Identity: per-app openids, per-organization unionids, one-time codes, session keys, access tokens;
the launch-data key of each app and the optional phone number of each user.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_unionids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("unionid", sa.String(length=28), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_identity_unionids_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_identity_unionids_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_unionids")),
        sa.UniqueConstraint("organization_id", "user_id", name=op.f("uq_identity_unionids_organization_id")),
        sa.UniqueConstraint("unionid", name=op.f("uq_identity_unionids_unionid")),
    )
    with op.batch_alter_table("identity_unionids", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_unionids_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_identity_unionids_user_id"), ["user_id"], unique=False)

    op.create_table(
        "identity_access_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_identity_access_tokens_app_id_apps"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_access_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_identity_access_tokens_token_hash")),
    )
    with op.batch_alter_table("identity_access_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_access_tokens_app_id"), ["app_id"], unique=False)

    op.create_table(
        "identity_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_identity_codes_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_identity_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_identity_codes_code_hash")),
    )
    with op.batch_alter_table("identity_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_codes_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_codes_user_id"), ["user_id"], unique=False)

    op.create_table(
        "identity_openids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("openid", sa.String(length=28), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_identity_openids_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_identity_openids_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_openids")),
        sa.UniqueConstraint("app_id", "user_id", name=op.f("uq_identity_openids_app_id")),
        sa.UniqueConstraint("openid", name=op.f("uq_identity_openids_openid")),
    )
    with op.batch_alter_table("identity_openids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_openids_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_openids_user_id"), ["user_id"], unique=False)

    op.create_table(
        "identity_session_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("session_key", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_identity_session_keys_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_identity_session_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_session_keys")),
        sa.UniqueConstraint("app_id", "user_id", name=op.f("uq_identity_session_keys_app_id")),
    )
    with op.batch_alter_table("identity_session_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_identity_session_keys_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_identity_session_keys_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("launch_key", sa.String(length=64), nullable=True))

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_country_code", sa.String(length=4), nullable=True))
        batch_op.add_column(sa.Column("phone_number", sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("phone_number")
        batch_op.drop_column("phone_country_code")

    with op.batch_alter_table("apps", schema=None) as batch_op:
        batch_op.drop_column("launch_key")

    with op.batch_alter_table("identity_session_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_session_keys_user_id"))
        batch_op.drop_index(batch_op.f("ix_identity_session_keys_app_id"))

    op.drop_table("identity_session_keys")
    with op.batch_alter_table("identity_openids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_openids_user_id"))
        batch_op.drop_index(batch_op.f("ix_identity_openids_app_id"))

    op.drop_table("identity_openids")
    with op.batch_alter_table("identity_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_codes_user_id"))
        batch_op.drop_index(batch_op.f("ix_identity_codes_app_id"))

    op.drop_table("identity_codes")
    with op.batch_alter_table("identity_access_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_access_tokens_app_id"))

    op.drop_table("identity_access_tokens")
    with op.batch_alter_table("identity_unionids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_unionids_user_id"))
        batch_op.drop_index(batch_op.f("ix_identity_unionids_organization_id"))

    op.drop_table("identity_unionids")
