"""Secrets the platform must read back, sealed at rest with envelope encryption.

Every sealed value has a data key of its own (AES-256-GCM) that encrypts the secret, and that data
key is itself encrypted ("wrapped") by a master key from the settings. The stored text is

    hs1.<master key id>.<wrapped data key>.<ciphertext>        (base64url, no padding)

The ciphertext is bound to a *purpose* as AES-GCM associated data: the table, the column and the
row's natural key (``"identity_session_keys.session_key:3:17"``), so a value copied into another
row, or into another column, does not open there. Rotating the master key re-wraps only the data
keys: it never needs the purposes, and the ciphertexts stay as they are.

The API, for every domain that keeps a secret it reads back (session keys, message-push tokens,
merchant APIv3 keys, provider secrets)::

    keyring = sealing.keyring_of(session)          # the keyring of the session's Database
    value = keyring.seal(secret, purpose=f"{table}.{column}:{row key}")
    secret = keyring.unseal_text(value, purpose=...)  # or unseal(...) -> bytes

and ``sealing.register(Model.__table__.c.column)`` beside the model, so that ``hutong keys rewrap``
(and the server's background re-wrap) find the column. Secrets the platform only checks (AppSecrets,
API tokens, passwords, PINs) are hashed, never sealed.

Master keys come from the settings: ``HUTONG_MASTER_KEY`` (base64 of 32 bytes) or
``HUTONG_MASTER_KEY_FILE`` (a file readable by its owner only). Either may list several keys,
separated by commas or new lines: the first seals, all of them unseal. With neither, a key is
generated into ``<data dir>/master-key`` (0600) on first use, which suits ``make demo``; production
sets one explicitly (docs/security.md has the rotation steps).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import secrets
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Column, ColumnElement, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from hutong.server.db import Database
    from hutong.settings import Settings

log = logging.getLogger(__name__)

VERSION = "hs1"
KEY_BYTES = 32
NONCE_BYTES = 12
_DATA_KEY_AAD = b"hutong data key:"
_PURPOSE_AAD = b"hutong sealed:"


class SealingError(Exception):
    """A value that cannot be sealed or opened: unknown master key, tampered, or the wrong purpose."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(key: bytes) -> str:
    """A master key's public name: 8 hex digits of a hash of it (says which key, reveals nothing)."""
    return hashlib.sha256(b"hutong master key id:" + key).hexdigest()[:8]


def generate_master_key() -> str:
    """A new master key, as the settings take it (base64 of 32 random bytes)."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def parse_master_keys(text: str) -> list[bytes]:
    """Keys separated by commas or white space, each base64 of 32 bytes; the first is the current."""
    keys: list[bytes] = []
    for item in re.split(r"[,\s]+", text.strip()):
        if not item:
            continue
        try:
            key = base64.b64decode(item, validate=True)
        except (binascii.Error, ValueError):
            raise SealingError("a master key is not valid base64") from None
        if len(key) != KEY_BYTES:
            raise SealingError(f"a master key must be {KEY_BYTES} bytes (base64 of {len(key)} given)")
        keys.append(key)
    if not keys:
        raise SealingError("no master key given")
    return keys


def read_key_file(path: Path) -> list[bytes]:
    """The keys in ``path``, which must be readable and writable by its owner only (0600 or 0400)."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise SealingError(f"{path} is readable by others (mode {mode:o}); chmod 600 it")
    return parse_master_keys(path.read_text())


def create_key_file(path: Path) -> None:
    """Write a new master key to ``path`` with mode 0600 from the first byte (never world-readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(generate_master_key() + "\n")


@dataclass(frozen=True)
class Keyring:
    """Master keys by id; ``current`` wraps new data keys, every listed key opens old ones."""

    keys: dict[str, bytes]
    current: str

    @classmethod
    def of(cls, keys: Sequence[bytes]) -> Keyring:
        if not keys:
            raise SealingError("no master key given")
        return cls({key_id(key): key for key in keys}, key_id(keys[0]))

    @classmethod
    def from_settings(cls, settings: Settings) -> Keyring:
        if settings.master_key is not None:
            return cls.of(parse_master_keys(settings.master_key.get_secret_value()))
        path = settings.master_key_file or settings.data_dir / "master-key"
        if settings.master_key_file is None and not path.exists():
            # make demo and tests: a key of the data dir's own, generated once.
            try:
                create_key_file(path)
                log.warning("generated a master key at %s (set HUTONG_MASTER_KEY in production)", path)
            except FileExistsError:
                pass  # another process made it first
        return cls.of(read_key_file(path))

    def seal(self, plaintext: str | bytes, *, purpose: str) -> str:
        """``plaintext`` sealed for ``purpose`` (the table, column and row key it is stored under)."""
        data = plaintext.encode() if isinstance(plaintext, str) else plaintext
        data_key = AESGCM.generate_key(bit_length=KEY_BYTES * 8)
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = nonce + AESGCM(data_key).encrypt(nonce, data, _PURPOSE_AAD + purpose.encode())
        return ".".join((VERSION, self.current, self._wrap(data_key, self.current), _b64(sealed)))

    def unseal(self, value: str, *, purpose: str) -> bytes:
        """The secret in ``value``; SealingError if it was sealed for another purpose or altered."""
        kid, wrapped, sealed = _parts(value)
        data_key = self._unwrap(kid, wrapped)
        try:
            raw = _unb64(sealed)
            return AESGCM(data_key).decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _PURPOSE_AAD + purpose.encode()
            )
        except (InvalidTag, ValueError, binascii.Error):
            raise SealingError("the sealed value does not open for this purpose") from None

    def unseal_text(self, value: str, *, purpose: str) -> str:
        return self.unseal(value, purpose=purpose).decode()

    def rewrap(self, value: str) -> str:
        """``value`` with its data key wrapped by the current master key (the ciphertext unchanged)."""
        kid, wrapped, sealed = _parts(value)
        if kid == self.current:
            return value
        data_key = self._unwrap(kid, wrapped)
        return ".".join((VERSION, self.current, self._wrap(data_key, self.current), sealed))

    def _wrap(self, data_key: bytes, kid: str) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return _b64(nonce + AESGCM(self.keys[kid]).encrypt(nonce, data_key, _DATA_KEY_AAD + kid.encode()))

    def _unwrap(self, kid: str, wrapped: str) -> bytes:
        master = self.keys.get(kid)
        if master is None:
            raise SealingError(f"sealed under master key {kid}, which is not configured")
        try:
            raw = _unb64(wrapped)
            return AESGCM(master).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _DATA_KEY_AAD + kid.encode())
        except (InvalidTag, ValueError, binascii.Error):
            raise SealingError("the sealed value's data key does not open") from None


def _parts(value: str) -> tuple[str, str, str]:
    parts = value.split(".")
    if len(parts) != 4 or parts[0] != VERSION:
        raise SealingError("not a sealed value")
    return parts[1], parts[2], parts[3]


def master_key_of(value: str) -> str:
    """The id of the master key that wraps ``value``'s data key."""
    return _parts(value)[0]


def keyring_of(session: AsyncSession) -> Keyring:
    """The keyring of the Database that made ``session`` (hutong.server.db.Database)."""
    keyring = session.info.get("keyring")
    if not isinstance(keyring, Keyring):
        raise SealingError("this database session has no keyring (Database(url, keyring=...))")
    return keyring


# The columns that hold sealed values, for re-wrapping ---------------------------------------------

_SEALED: list[Column[str]] = []


def register(column: ColumnElement[Any]) -> None:
    """Declare that ``column`` (``Model.__table__.c.name``) holds sealed values (nullable allowed)."""
    if not isinstance(column, Column):
        raise TypeError("register a table column: Model.__table__.c.name")
    if column not in _SEALED:
        _SEALED.append(column)


def sealed_columns() -> list[Column[str]]:
    import hutong.server.db.models  # noqa: F401  every model registers its sealed columns on import

    return list(_SEALED)


@dataclass
class RewrapReport:
    rewrapped: int
    by_master_key: dict[str, int]  # sealed values per master key id, after the re-wrap


async def rewrap_all(connection: AsyncConnection, keyring: Keyring, batch: int = 500) -> RewrapReport:
    """Re-wrap every sealed value under the current master key, a batch per transaction.

    Safe while the platform serves: each row is written only if it still holds the value read
    (a secret replaced meanwhile is already under the current key), and every process can open
    both the old and the new wraps throughout."""
    rewrapped = 0
    for column in sealed_columns():
        keys = list(column.table.primary_key.columns)
        last: tuple[object, ...] | None = None
        while True:
            query = select(*keys, column).where(column.is_not(None)).order_by(*keys).limit(batch)
            if last is not None:
                query = query.where(tuple_(*keys) > tuple_(*last))
            rows = (await connection.execute(query)).all()
            if not rows:
                break
            for row in rows:
                value = row[-1]
                fresh = keyring.rewrap(value)
                if fresh != value:
                    where = [key == row[index] for index, key in enumerate(keys)]
                    await connection.execute(
                        update(column.table).where(*where, column == value).values({column.name: fresh})
                    )
                    rewrapped += 1
            await connection.commit()
            last = tuple(rows[-1][: len(keys)])
    return RewrapReport(rewrapped, await count_by_master_key(connection))


async def count_by_master_key(connection: AsyncConnection) -> dict[str, int]:
    counts: dict[str, int] = {}
    for column in sealed_columns():
        values: Iterable[str] = (
            await connection.execute(select(column).where(column.is_not(None)))
        ).scalars()
        for value in values:
            kid = master_key_of(value)
            counts[kid] = counts.get(kid, 0) + 1
    return counts


async def background_rewrap(database: Database) -> None:
    """The server's re-wrap at start during a rotation; any number of processes may run it at once."""
    if database.keyring is None:
        return
    try:
        async with database.engine.connect() as connection:
            report = await rewrap_all(connection, database.keyring)
    except Exception:
        log.exception("background re-wrap failed; run `hutong keys rewrap`")
        return
    log.info("re-wrapped %d sealed values; now per master key: %s", report.rewrapped, report.by_master_key)
