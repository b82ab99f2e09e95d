"""Every model, imported in one place so that Alembic and the tests see the whole schema."""

from hutong.server.accounts.models import ApiToken, Membership, Organization, Session, User
from hutong.server.addresses.models import InvoiceTitle, ShippingAddress
from hutong.server.apps.models import App, DeveloperKey, Release
from hutong.server.audit.models import AuditEntry
from hutong.server.chats.models import (
    Block,
    Chat,
    ChatMember,
    ChatMessage,
    ChatProfile,
    Contact,
    FriendRequest,
)
from hutong.server.consent.models import ScopeDecision, UserProfile
from hutong.server.coupons.models import (
    CallbackSettings,
    ClaimCount,
    ClaimLink,
    Coupon,
    Stock,
    Store,
    StoreStaff,
    UploadedCode,
)
from hutong.server.db.base import Base
from hutong.server.discovery.models import PinnedApp, RecentApp, SceneCode
from hutong.server.events.models import (
    AnalyticsActive,
    AnalyticsRollup,
    AnalyticsUser,
    ReleaseGuard,
    events,
)
from hutong.server.funding.models import FundingTransfer
from hutong.server.idempotency import IdempotencyRecord
from hutong.server.identity.models import AccessToken, OneTimeCode, OpenId, SessionKey, UnionId
from hutong.server.ledger.models import LedgerAccount, LedgerPosting, LedgerTransaction
from hutong.server.outbox.models import OutboxAttempt, OutboxJob
from hutong.server.payments.models import (
    BillFile,
    Merchant,
    MerchantApp,
    NotifyLog,
    Order,
    Reconciliation,
    Refund,
    Settlement,
)
from hutong.server.providers.models import Authorization as ProviderAuthorization
from hutong.server.providers.models import Commit as ProviderCommit
from hutong.server.providers.models import Deployment as ProviderDeployment
from hutong.server.providers.models import DeploymentItem as ProviderDeploymentItem
from hutong.server.providers.models import Provider, ProviderToken
from hutong.server.providers.models import ReviewMark as ProviderReviewMark
from hutong.server.providers.models import Template as ProviderTemplate
from hutong.server.review.models import Review
from hutong.server.sharing.models import GroupOpenId, Share, ShareOpen
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
from hutong.server.wallet.models import PayCode, WalletPayment, WalletPin, WalletSettings
from hutong.server.wechatpay.models import PlatformKey, UsedNonce

metadata = Base.metadata

__all__ = [
    "AccessToken",
    "AnalyticsActive",
    "AnalyticsRollup",
    "AnalyticsUser",
    "ApiToken",
    "App",
    "AuditEntry",
    "BillFile",
    "Block",
    "CallbackSettings",
    "Category",
    "Chat",
    "ChatMember",
    "ChatMessage",
    "ChatProfile",
    "ClaimCount",
    "ClaimLink",
    "Contact",
    "Conversation",
    "Coupon",
    "DeveloperKey",
    "Feedback",
    "FeedbackImage",
    "FriendRequest",
    "FundingTransfer",
    "Grant",
    "GroupOpenId",
    "IdempotencyRecord",
    "InvoiceTitle",
    "Keyword",
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
    "ProviderReviewMark",
    "ProviderTemplate",
    "ProviderToken",
    "PushSettings",
    "PushSubscription",
    "RecentApp",
    "Reconciliation",
    "Refund",
    "Release",
    "ReleaseGuard",
    "Review",
    "SceneCode",
    "ScopeDecision",
    "Session",
    "SessionKey",
    "Settlement",
    "Share",
    "ShareOpen",
    "ShippingAddress",
    "Stock",
    "Store",
    "StoreStaff",
    "Switch",
    "Template",
    "Title",
    "UnionId",
    "UploadedCode",
    "UsedNonce",
    "User",
    "UserProfile",
    "WalletPayment",
    "WalletPin",
    "WalletSettings",
    "events",
    "metadata",
]
