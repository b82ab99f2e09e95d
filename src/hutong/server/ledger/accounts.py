"""Account names and kinds. An account is ``kind`` or ``kind:owner``; a kind says whether its balance
may go below zero. People's and merchants' money may not; the platform's own positions and the
clearing accounts that face the outside world (a bank, a card network) may."""

from __future__ import annotations

import re

# kind → may its balance go below zero?
KINDS: dict[str, bool] = {
    "user_wallet": False,  # a user's balance (owner: user id)
    "merchant_pending": False,  # paid to a merchant, not yet settled (owner: mchid)
    "merchant_available": False,  # settled, withdrawable (owner: mchid)
    "merchant_marketing": False,  # a merchant's marketing (营销) account, funds its vouchers (owner: mchid)
    "coupon_budget": False,  # a started voucher stock's locked budget (owner: stock_id)
    "platform_fees": True,  # the platform's fee income
    "platform_marketing": True,  # what the platform's own promotions cost
    "funding_clearing": True,  # money in transit with a funding provider (owner: provider name)
    "payments_clearing": True,
    "refunds_clearing": True,
}
_NAME = re.compile(r"^([a-z][a-z_]{0,31})(?::([A-Za-z0-9_.@-]{1,64}))?$")


class UnknownAccount(ValueError):
    """The name is malformed or its kind is not in ``KINDS``."""


def account(kind: str, owner: str | int | None = None) -> str:
    """The account's name: ``account("user_wallet", 42)`` → ``"user_wallet:42"``."""
    name = kind if owner is None else f"{kind}:{owner}"
    kind_of(name)
    return name


def kind_of(name: str) -> str:
    match = _NAME.match(name)
    if match is None:
        raise UnknownAccount(f"{name!r} is not an account name (kind or kind:owner)")
    if match.group(1) not in KINDS:
        raise UnknownAccount(f"{name!r}: no account kind {match.group(1)!r} (see ledger.accounts.KINDS)")
    return match.group(1)


def may_go_negative(name: str) -> bool:
    return KINDS[kind_of(name)]
