"""Service providers (third-party platforms): providers, merchants' authorizations, the token chain's
credentials, template library and commits.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("component_appid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("message_url", sa.String(length=1000), nullable=False),
        sa.Column("token_sealed", sa.Text(), nullable=False),
        sa.Column("aes_key_sealed", sa.Text(), nullable=False),
        sa.Column("funcscopes", sa.JSON(), nullable=False),
        sa.Column("dev_app_id", sa.Integer(), nullable=True),
        sa.Column("audit_quota", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dev_app_id"], ["apps.id"], name=op.f("fk_providers_dev_app_id_apps"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_providers_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_providers")),
        sa.UniqueConstraint("component_appid", name=op.f("uq_providers_component_appid")),
        sa.UniqueConstraint("organization_id", name=op.f("uq_providers_organization_id")),
    )
    op.create_table(
        "provider_authorizations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("func_info", sa.JSON(), nullable=False),
        sa.Column("refresh_token_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_token_sealed", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("authorized_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_provider_authorizations_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["authorized_by"],
            ["users.id"],
            name=op.f("fk_provider_authorizations_authorized_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_authorizations_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_authorizations")),
        sa.UniqueConstraint("provider_id", "app_id", name=op.f("uq_provider_authorizations_provider_id")),
        sa.UniqueConstraint("refresh_token_hash", name=op.f("uq_provider_authorizations_refresh_token_hash")),
    )
    with op.batch_alter_table("provider_authorizations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_authorizations_app_id"), ["app_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_provider_authorizations_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "provider_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("user_version", sa.String(length=64), nullable=False),
        sa.Column("user_desc", sa.Text(), nullable=False),
        sa.Column("template_type", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_templates_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f("fk_provider_templates_release_id_releases"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_templates")),
    )
    with op.batch_alter_table("provider_templates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_templates_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "provider_commits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("release_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("code_sha256", sa.String(length=64), nullable=False),
        sa.Column("ext_json", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.id"], name=op.f("fk_provider_commits_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_commits_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["release_id"],
            ["releases.id"],
            name=op.f("fk_provider_commits_release_id_releases"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["provider_templates.id"],
            name=op.f("fk_provider_commits_template_id_provider_templates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_commits")),
        sa.UniqueConstraint("release_id", name=op.f("uq_provider_commits_release_id")),
    )
    with op.batch_alter_table("provider_commits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_commits_app_id"), ["app_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_provider_commits_code_sha256"), ["code_sha256"], unique=False)
        batch_op.create_index(batch_op.f("ix_provider_commits_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "provider_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("authorization_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["authorization_id"],
            ["provider_authorizations.id"],
            name=op.f("fk_provider_tokens_authorization_id_provider_authorizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_tokens_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_provider_tokens_token_hash")),
    )
    with op.batch_alter_table("provider_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provider_tokens_authorization_id"), ["authorization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_provider_tokens_provider_id"), ["provider_id"], unique=False)

    op.create_table(
        "provider_deployments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("template_id", sa.Integer(), nullable=True),
        sa.Column("user_version", sa.String(length=64), nullable=False),
        sa.Column("user_desc", sa.Text(), nullable=False),
        sa.Column("submit", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_provider_deployments_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["provider_id"],
            ["providers.id"],
            name=op.f("fk_provider_deployments_provider_id_providers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["provider_templates.id"],
            name=op.f("fk_provider_deployments_template_id_provider_templates"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_deployments")),
    )
    with op.batch_alter_table("provider_deployments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provider_deployments_provider_id"), ["provider_id"], unique=False
        )

    op.create_table(
        "provider_deployment_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.Integer(), nullable=False),
        sa.Column("appid", sa.String(length=64), nullable=False),
        sa.Column("ext_json", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("errcode", sa.Integer(), nullable=False),
        sa.Column("errmsg", sa.Text(), nullable=False),
        sa.Column("auditid", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["deployment_id"],
            ["provider_deployments.id"],
            name=op.f("fk_provider_deployment_items_deployment_id_provider_deployments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_deployment_items")),
        sa.UniqueConstraint(
            "deployment_id", "appid", name=op.f("uq_provider_deployment_items_deployment_id")
        ),
    )
    with op.batch_alter_table("provider_deployment_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provider_deployment_items_deployment_id"), ["deployment_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("provider_deployment_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_deployment_items_deployment_id"))

    op.drop_table("provider_deployment_items")
    with op.batch_alter_table("provider_deployments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_deployments_provider_id"))

    op.drop_table("provider_deployments")

    with op.batch_alter_table("provider_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_tokens_provider_id"))
        batch_op.drop_index(batch_op.f("ix_provider_tokens_authorization_id"))

    op.drop_table("provider_tokens")
    with op.batch_alter_table("provider_commits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_commits_provider_id"))
        batch_op.drop_index(batch_op.f("ix_provider_commits_code_sha256"))
        batch_op.drop_index(batch_op.f("ix_provider_commits_app_id"))

    op.drop_table("provider_commits")
    with op.batch_alter_table("provider_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_templates_provider_id"))

    op.drop_table("provider_templates")
    with op.batch_alter_table("provider_authorizations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_authorizations_provider_id"))
        batch_op.drop_index(batch_op.f("ix_provider_authorizations_app_id"))

    op.drop_table("provider_authorizations")
    op.drop_table("providers")
