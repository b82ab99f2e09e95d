"""Money entering and leaving the platform: the funding provider interface (provider.py), the sandbox
bank that plays a card processor on loopback (sandbox_bank.py) and the platform's client for it
(sandbox.py). Transfers and their ledger postings are in service.py; the providers' callbacks arrive
at routes.py."""
