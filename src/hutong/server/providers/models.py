"""Providers, the credentials of their token chain, merchants' authorizations, templates and commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hutong.server import sealing
from hutong.server.db.base import Base, Timestamped

# What a provider_tokens row is: a component_verify_ticket, a component_access_token, a pre_auth_code,
# an authorization code (auth_code) or an authorizer_access_token.
TOKEN_KINDS = ("ticket", "component", "preauth", "authcode", "authorizer")


class Provider(Timestamped, Base):
    """An organization registered as a third-party platform. The AppSecret is only checked (hashed);
    the message token and EncodingAESKey are read back to sign and encrypt pushes (sealed)."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), unique=True
    )
    component_appid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(64))
    message_url: Mapped[str] = mapped_column(String(1000))
    # WeChat's 消息与事件接收 URL: where each authorized app's messages and events (weapp_audit_*) go,
    # "$APPID$" replaced by the app's appid. Without it they go to message_url.
    event_url: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    token_sealed: Mapped[str] = mapped_column(Text)
    aes_key_sealed: Mapped[str] = mapped_column(Text)
    # The permission sets (funcscope category ids) the provider asks merchants for.
    funcscopes: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The provider's own development app: its uploads are the drafts (WeChat's 开发小程序).
    dev_app_id: Mapped[int | None] = mapped_column(ForeignKey("apps.id", ondelete="SET NULL"), nullable=True)
    # Reviews a month, shared by every merchant app of the provider (queryquota's limit).
    audit_quota: Mapped[int] = mapped_column(Integer, default=20)
    # Review speed-ups a month (speedupaudit), shared the same way (queryquota's speedup_limit).
    speedup_quota: Mapped[int] = mapped_column(Integer, default=5, server_default="5")


sealing.register(Provider.__table__.c.token_sealed)
sealing.register(Provider.__table__.c.aes_key_sealed)


def token_purpose(provider_id: int) -> str:
    return f"providers.token_sealed:{provider_id}"


def aes_key_purpose(provider_id: int) -> str:
    return f"providers.aes_key_sealed:{provider_id}"


class Authorization(Timestamped, Base):
    """A merchant app's grant to a provider: the permission sets granted (a subset of those asked) and
    the hash of the refresh token. Re-authorizing replaces the refresh token; revoking ends every token."""

    __tablename__ = "provider_authorizations"
    __table_args__ = (UniqueConstraint("provider_id", "app_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    func_info: Mapped[list[int]] = mapped_column(JSON, default=list)
    refresh_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Sealed as well: api_get_authorizer_list gives a provider that lost it its refresh token back.
    refresh_token_sealed: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="authorized")  # or "revoked"
    authorized_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ProviderToken(Timestamped, Base):
    """Every short-lived credential of the chain, stored as its SHA-256 (TOKEN_KINDS)."""

    __tablename__ = "provider_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    authorization_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider_authorizations.id", ondelete="CASCADE"), nullable=True, index=True
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Template(Timestamped, Base):
    """A draft (an upload of the provider's development app) added to the template library."""

    __tablename__ = "provider_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"))
    user_version: Mapped[str] = mapped_column(String(64))
    user_desc: Mapped[str] = mapped_column(Text, default="")
    template_type: Mapped[int] = mapped_column(Integer, default=0)  # 0 ordinary, 1 standard


class Commit(Timestamped, Base):
    """A template committed to a merchant app with its ext_json: the merchant's release it became."""

    __tablename__ = "provider_commits"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    app_id: Mapped[int] = mapped_column(ForeignKey("apps.id", ondelete="CASCADE"), index=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), unique=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider_templates.id", ondelete="SET NULL"), nullable=True
    )
    # SHA-256 over the template's bundles (everything but app-config.json): identical code shares it,
    # and reviewers decide such commits together.
    code_sha256: Mapped[str] = mapped_column(String(64), index=True)
    ext_json: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


sealing.register(Authorization.__table__.c.refresh_token_sealed)


def refresh_purpose(authorization_id: int) -> str:
    return f"provider_authorizations.refresh_token_sealed:{authorization_id}"


class Deployment(Timestamped, Base):
    """A batch: one template version rolled to a list of merchants, each with its own ext_json,
    committed (and submitted for review) one merchant at a time by an outbox job."""

    __tablename__ = "provider_deployments"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int | None] = mapped_column(
        ForeignKey("provider_templates.id", ondelete="SET NULL"), nullable=True
    )
    user_version: Mapped[str] = mapped_column(String(64))
    user_desc: Mapped[str] = mapped_column(Text, default="")
    submit: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)


class DeploymentItem(Base):
    """One merchant of a deployment: pending → committed → submitted, or failed with WeChat's errcode."""

    __tablename__ = "provider_deployment_items"
    __table_args__ = (UniqueConstraint("deployment_id", "appid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(
        ForeignKey("provider_deployments.id", ondelete="CASCADE"), index=True
    )
    appid: Mapped[str] = mapped_column(String(64))
    ext_json: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    errcode: Mapped[int] = mapped_column(Integer, default=0)
    errmsg: Mapped[str] = mapped_column(Text, default="")
    auditid: Mapped[int | None] = mapped_column(Integer, nullable=True)


class FastRegistration(Timestamped, Base):
    """A provider's request (fastregisterweapp) to create a mini program for an enterprise that has
    none: pending until the legal person, a Hutong account named by ``legal_persona_wechat`` (its
    email stands in for the WeChat ID), confirms it in the console; then the app exists, owned by a
    new organization of theirs and authorized to the provider. Unconfirmed after 24 h it expires."""

    __tablename__ = "provider_fast_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(64), index=True)
    code_type: Mapped[int] = mapped_column(Integer)
    legal_persona_wechat: Mapped[str] = mapped_column(String(320))
    legal_persona_name: Mapped[str] = mapped_column(String(200))
    component_phone: Mapped[str] = mapped_column(String(32), default="")
    legal_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # confirmed, expired
    app_id: Mapped[int | None] = mapped_column(ForeignKey("apps.id", ondelete="SET NULL"), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # enterprise (fastregisterweapp), personal (fastregisterpersonalweapp: name = idname, the legal
    # person = wxuser), beta (fastregisterbetaweapp: the user of ``openid``), or verify (verifybetaweapp:
    # a trial app ``app_id`` made formal by its enterprise's legal person).
    kind: Mapped[str] = mapped_column(String(16), default="enterprise", server_default="enterprise")
    # What WeChat answers for the task: taskid (personal) or unique_id (beta).
    task_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True, index=True)


class ReviewMark(Timestamped, Base):
    """What a provider's review carries beyond the platform's review: a speed-up the provider asked for
    (speedupaudit, counted against its monthly speed-up quota) and a reviewer's delay (status 4,
    weapp_audit_delay) with its reason."""

    __tablename__ = "provider_review_marks"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), unique=True)
    speedup_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    delayed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    delay_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
