"""The double-entry ledger (docs/ARCHITECTURE.md, "Ledger"): the one place balances are written.

await ledger.post(session, f"pay:{order.id}", "Tea order 42",
                  [(ledger.account("user_wallet", user.id), -1800),
                   (ledger.account("merchant_pending", mchid), 1800)])
"""

from hutong.server.ledger.accounts import KINDS, UnknownAccount, account, kind_of
from hutong.server.ledger.service import (
    Discrepancy,
    Entry,
    InsufficientFunds,
    JournalKeyReused,
    LedgerError,
    Posted,
    Postings,
    Unbalanced,
    balance,
    entries,
    post,
    reversal_key,
    reverse,
    verify,
)

__all__ = [
    "KINDS",
    "Discrepancy",
    "Entry",
    "InsufficientFunds",
    "JournalKeyReused",
    "LedgerError",
    "Posted",
    "Postings",
    "Unbalanced",
    "UnknownAccount",
    "account",
    "balance",
    "entries",
    "kind_of",
    "post",
    "reversal_key",
    "reverse",
    "verify",
]
