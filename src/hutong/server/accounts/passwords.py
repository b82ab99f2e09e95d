"""Password hashing with Argon2id (argon2-cffi), and random secrets stored as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps sign-in timing the same either way.
_DUMMY_HASH = _hasher.hash("not a real password")
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
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
