"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from hutong.server.accounts.models import ApiToken, Membership, Organization, Session, User
from hutong.server.apps.models import App, DeveloperKey, Release
from hutong.server.audit.models import AuditEntry
from hutong.server.consent.models import ScopeDecision, UserProfile
from hutong.server.db.base import Base
from hutong.server.discovery.models import LaunchEvent, PinnedApp, RecentApp, SceneCode
from hutong.server.events.models import AppEvent
from hutong.server.funding.models import FundingTransfer
from hutong.server.idempotency import IdempotencyRecord
from hutong.server.identity.models import AccessToken, OneTimeCode, OpenId, SessionKey, UnionId
from hutong.server.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from hutong.server.outbox.models import OutboxAttempt, OutboxJob
from hutong.server.payments.models import BillFile, Merchant, MerchantApp, NotifyLog, Order, Refund
from hutong.server.providers.models import Authorization as ProviderAuthorization
from hutong.server.providers.models import Commit as ProviderCommit
from hutong.server.providers.models import Deployment as ProviderDeployment
from hutong.server.providers.models import DeploymentItem as ProviderDeploymentItem
from hutong.server.providers.models import Provider, ProviderToken
from hutong.server.providers.models import Template as ProviderTemplate
from hutong.server.review.models import Review
from hutong.server.subscribe.models import (
    Category,
    Grant,
    Keyword,
    Notification,
    PushSubscription,
    Switch,
    Template,
    Title,
)
from hutong.server.support.models import (
    Conversation,
    Feedback,
    FeedbackImage,
    Media,
    Message,
    PushSettings,
)
from hutong.server.wallet.models import PayCode, WalletPayment, WalletPin
from hutong.server.wechatpay.models import PlatformKey, UsedNonce

metadata = Base.metadata

__all__ = [
    "AccessToken",
    "ApiToken",
    "App",
    "AppEvent",
    "AuditEntry",
    "BillFile",
    "Category",
    "Conversation",
    "DeveloperKey",
    "Feedback",
    "FeedbackImage",
    "FundingTransfer",
    "Grant",
    "IdempotencyRecord",
    "Keyword",
    "LaunchEvent",
    "LedgerAccount",
    "LedgerPosting",
    "LedgerTransaction",
    "Media",
    "Membership",
    "Merchant",
    "MerchantApp",
    "Message",
    "Notification",
    "NotifyLog",
    "OneTimeCode",
    "OpenId",
    "Order",
    "Organization",
    "OutboxAttempt",
    "OutboxJob",
    "PayCode",
    "PinnedApp",
    "PlatformKey",
    "Provider",
    "ProviderAuthorization",
    "ProviderCommit",
    "ProviderDeployment",
    "ProviderDeploymentItem",
    "ProviderTemplate",
    "ProviderToken",
    "PushSettings",
    "PushSubscription",
    "RecentApp",
    "Refund",
    "Release",
    "Review",
    "SceneCode",
    "ScopeDecision",
    "Session",
    "SessionKey",
    "Switch",
    "Template",
    "Title",
    "UnionId",
    "UsedNonce",
    "User",
    "UserProfile",
    "WalletPayment",
    "WalletPin",
    "metadata",
]
