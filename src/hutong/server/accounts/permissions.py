"""Who may do what in an organization, in one table (after WeChat's admin / developer / analyst split)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    READ = "read"  # see the org, its apps, versions and history
    MANAGE_MEMBERS = "manage_members"
    EDIT_APP = "edit_app"  # name, icon, category, description, keywords, allowed domains
    ROTATE_SECRET = "rotate_secret"  # noqa: S105 (an action name, not a secret)
    UPLOAD = "upload"  # development versions
    SET_TRIAL = "set_trial"
    USE_TRIAL = "use_trial"
    SUBMIT_REVIEW = "submit_review"
    RELEASE = "release"  # release, phase, pause, complete, roll back
    CUSTOMER_SERVICE = "customer_service"  # read users' messages and feedback, reply
    MANAGE_PAYMENTS = "manage_payments"  # merchant accounts: keys, APIv3 key, bound apps, rules
    VIEW_PAYMENTS = "view_payments"  # orders, refunds, bills, notifications (refunds: per merchant)
    MANAGE_SIGNING_KEYS = "manage_signing_keys"  # the developer keys uploads must be signed with
    VIEW_ANALYTICS = "view_analytics"  # visits, retention, scenes, pages, events, funnels, money
    VIEW_CODE_ANALYTICS = "view_code_analytics"  # errors with their stacks, performance, requests
    AUTHORIZE_PROVIDERS = "authorize_providers"  # let a service provider act for the org's apps


ALLOWED: dict[Action, frozenset[str]] = {
    Action.READ: frozenset({"owner", "developer", "tester", "analyst"}),
    Action.MANAGE_MEMBERS: frozenset({"owner"}),
    Action.EDIT_APP: frozenset({"owner", "developer"}),
    Action.ROTATE_SECRET: frozenset({"owner"}),
    Action.UPLOAD: frozenset({"owner", "developer"}),
    Action.SET_TRIAL: frozenset({"owner", "developer"}),
    Action.USE_TRIAL: frozenset({"owner", "developer", "tester"}),
    Action.SUBMIT_REVIEW: frozenset({"owner", "developer"}),
    Action.RELEASE: frozenset({"owner"}),
    # What users write to an app is theirs: only those who answer for the app read it.
    Action.CUSTOMER_SERVICE: frozenset({"owner", "developer"}),
    # Merchant credentials move money: only owners hold them. Who refunds is each merchant's setting.
    Action.MANAGE_PAYMENTS: frozenset({"owner"}),
    Action.VIEW_PAYMENTS: frozenset({"owner", "developer", "analyst"}),
    # A registered key uploads code in the organization's name: owners decide whose.
    Action.MANAGE_SIGNING_KEYS: frozenset({"owner"}),
    # The business figures are the analyst's (a merchant's staff); the code's are the developers'.
    Action.VIEW_ANALYTICS: frozenset({"owner", "developer", "analyst"}),
    Action.VIEW_CODE_ANALYTICS: frozenset({"owner", "developer"}),
    # A provider's authorization lets it upload, submit and release in the app's name: owners only.
    Action.AUTHORIZE_PROVIDERS: frozenset({"owner"}),
}


def allows(role: str | None, action: Action) -> bool:
    return role is not None and role in ALLOWED[action]
