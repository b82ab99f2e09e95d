"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from hutong.server.accounts.models import ApiToken, Membership, Organization, Session, User
from hutong.server.apps.models import App, Release
from hutong.server.audit.models import AuditEntry
from hutong.server.consent.models import ScopeDecision, UserProfile
from hutong.server.db.base import Base
from hutong.server.discovery.models import LaunchEvent, PinnedApp, RecentApp, SceneCode
from hutong.server.events.models import AppEvent
from hutong.server.funding.models import FundingTransfer
from hutong.server.identity.models import AccessToken, OneTimeCode, OpenId, SessionKey, UnionId
from hutong.server.review.models import Review
from hutong.server.support.models import (
    Conversation,
    Feedback,
    FeedbackImage,
    Media,
    Message,
    PushSettings,
)
from hutong.server.wallet.models import WalletPayment, WalletPin
from hutong.server.wechatpay.models import PlatformKey, UsedNonce

metadata = Base.metadata

__all__ = [
    "AccessToken",
    "ApiToken",
    "App",
    "AppEvent",
    "AuditEntry",
    "Conversation",
    "Feedback",
    "FeedbackImage",
    "FundingTransfer",
    "LaunchEvent",
    "Media",
    "Membership",
    "Message",
    "OneTimeCode",
    "OpenId",
    "Organization",
    "PinnedApp",
    "PlatformKey",
    "PushSettings",
    "RecentApp",
    "Release",
    "Review",
    "SceneCode",
    "ScopeDecision",
    "Session",
    "SessionKey",
    "UnionId",
    "UsedNonce",
    "User",
    "UserProfile",
    "WalletPayment",
    "WalletPin",
    "metadata",
]
