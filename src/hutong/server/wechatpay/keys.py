"""The platform's payment keys: made on first need, rotated with two valid at once, cached per process.

WeChat Pay publishes its platform certificates at GET /v3/certificates (each encrypted under the
calling merchant's APIv3 key) and, for merchants in public-key mode, a public key known by
``PUB_KEY_ID_…``. Both name the same key here: one RSA key, one self-signed certificate, one id."""

from __future__ import annotations

import asyncio
import secrets
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import sealing
from hutong.server.db import Database
from hutong.server.wechatpay import crypto
from hutong.server.wechatpay.models import PlatformKey, private_key_purpose

CERTIFICATE_LIFETIME = timedelta(days=5 * 365)
CACHE_SECONDS = 30.0  # another process's rotation is seen within this; both keys stay valid meanwhile


@dataclass(frozen=True)
class LoadedKey:
    serial_no: str
    public_key_id: str
    private_key: rsa.RSAPrivateKey
    certificate_pem: str
    not_before: datetime
    not_after: datetime

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()

    @property
    def public_key_pem(self) -> str:
        return crypto.public_pem(self.public_key)


@dataclass(frozen=True)
class KeyRing:
    """Every valid key, newest first; the first one signs."""

    keys: tuple[LoadedKey, ...]

    @property
    def signer(self) -> LoadedKey:
        return self.keys[0]

    def find(self, serial: str) -> LoadedKey | None:
        """By certificate serial (any case) or public key id."""
        for key in self.keys:
            if serial.upper() == key.serial_no or serial == key.public_key_id:
                return key
        return None


def _certificate(key: rsa.RSAPrivateKey, serial: int, now: datetime) -> x509.Certificate:
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Hutong"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Hutong Pay"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Hutong Pay platform certificate"),
        ]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + CERTIFICATE_LIFETIME)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )


def new_platform_key(keyring: sealing.Keyring, now: datetime | None = None) -> PlatformKey:
    """A new key, its private half sealed under the platform's master key."""
    now = now or datetime.now(UTC)
    key = crypto.new_rsa_key()
    serial = secrets.randbits(159) | (1 << 158)  # 40 hex digits, positive, as WeChat's serials are
    certificate = _certificate(key, serial, now)
    serial_no = f"{serial:040X}"
    return PlatformKey(
        serial_no=serial_no,
        public_key_id="PUB_KEY_ID_" + "".join(secrets.choice("0123456789") for _ in range(28)),
        private_key_pem=keyring.seal(crypto.private_pem(key), purpose=private_key_purpose(serial_no)),
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


async def valid_keys(session: AsyncSession) -> list[PlatformKey]:
    now = datetime.now(UTC)
    rows = (
        await session.scalars(
            select(PlatformKey).where(PlatformKey.retired_at.is_(None)).order_by(PlatformKey.id.desc())
        )
    ).all()
    return [row for row in rows if _aware(row.not_after) > now]


async def ensure_key(session: AsyncSession) -> None:
    """A first key when there is none (two processes racing both add one: harmless, newest signs)."""
    if not await valid_keys(session):
        session.add(new_platform_key(sealing.keyring_of(session)))
        await session.flush()


async def rotate(session: AsyncSession) -> PlatformKey:
    """Add a key that signs from now on; the previous ones stay valid until ``retire``."""
    key = new_platform_key(sealing.keyring_of(session))
    session.add(key)
    await session.flush()
    return key


async def retire(session: AsyncSession, serial_or_id: str) -> bool:
    """Stop publishing a key. The newest key cannot be retired (something must sign)."""
    rows = await valid_keys(session)
    for index, row in enumerate(rows):
        if serial_or_id in (row.serial_no, row.public_key_id) and index > 0:
            row.retired_at = datetime.now(UTC)
            return True
    return False


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _load(row: PlatformKey, keyring: sealing.Keyring) -> LoadedKey:
    pem = keyring.unseal_text(row.private_key_pem, purpose=private_key_purpose(row.serial_no))
    return LoadedKey(
        serial_no=row.serial_no,
        public_key_id=row.public_key_id,
        private_key=crypto.load_rsa_private_key(pem),
        certificate_pem=row.certificate_pem,
        not_before=_aware(row.not_before),
        not_after=_aware(row.not_after),
    )


class KeyCache:
    """One process's copy of the key ring, re-read every CACHE_SECONDS (or at once after a miss)."""

    @classmethod
    def of(cls, database: Database) -> KeyCache:
        """The cache of ``database`` (its engine and master keys), kept as long as that object is:
        what outbox handlers use, as they get the Database rather than the app."""
        cache = _caches.get(database)
        if cache is None:
            cache = _caches[database] = cls(database)
        return cache

    def __init__(self, database: Database) -> None:
        self._database = database
        self._ring: KeyRing | None = None
        self._loaded_at = 0.0
        self._lock = asyncio.Lock()

    async def ring(self, *, refresh: bool = False) -> KeyRing:
        if not refresh and self._ring is not None and time.monotonic() - self._loaded_at < CACHE_SECONDS:
            return self._ring
        async with self._lock:
            if not refresh and self._ring is not None and time.monotonic() - self._loaded_at < CACHE_SECONDS:
                return self._ring
            for _ in range(2):
                try:
                    async with self._database.session() as session:
                        await ensure_key(session)
                        rows = await valid_keys(session)
                        keyring = sealing.keyring_of(session)
                    break
                except IntegrityError:  # another process made the first key at the same moment
                    continue
            self._ring = KeyRing(tuple(_load(row, keyring) for row in rows))
            self._loaded_at = time.monotonic()
            return self._ring

    def forget(self) -> None:
        self._ring = None


_caches: weakref.WeakKeyDictionary[Database, KeyCache] = weakref.WeakKeyDictionary()
