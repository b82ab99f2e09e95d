"""Password hashing with Argon2id (argon2-cffi), and random secrets stored as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults (RFC 9106's second recommendation: t=3, 64 MiB, p=4). Only the test suite
# swaps in cheaper parameters (use_cheap_parameters_for_tests); nothing in the platform does.
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 8


@lru_cache(maxsize=1)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verifying against this when the email is unknown keeps sign-in timing the same either way.
    Made on first use, not at import: every CLI command imports this module."""
    return hasher.hash("not a real password")


def use_cheap_parameters_for_tests() -> None:
    """Hash with the cheapest Argon2id parameters: a suite that signs up hundreds of users would
    otherwise spend minutes of CPU in the hash. Called by tests/conftest.py only."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    hasher = _hasher
    try:
        return hasher.verify(password_hash or _dummy_hash(hasher), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(password_hash)


def new_secret(prefix: str = "") -> str:
    """A random secret with a readable prefix (``hut_`` tokens are easy to spot in a leak scan)."""
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """High-entropy secrets need no slow hash: SHA-256 makes the stored form useless to a thief."""
    return hashlib.sha256(secret.encode()).hexdigest()
