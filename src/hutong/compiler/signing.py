"""Ed25519 signatures in a signing block before the ZIP central directory (APK Signature Scheme v2 style).

Layout of a signed package::

    [local file entries][signing block][central directory][end of central directory]

    signing block = u64 size | pairs | u64 size | 16-byte magic "Hutong Sig Blk 1"
    pair          = u64 length | u32 id | value          (length counts id and value)
    size          = bytes after the first size field (pairs, second size, magic)

The end-of-central-directory record points at the central directory's real offset, so every ZIP
reader still reads the file (zipfile does). The signed digest is SHA-256 over the entries, the central
directory and the end record with its offset field set back to where the block starts, i.e. over the
unsigned ZIP, so adding the platform's countersignature later does not disturb the developer's.

Pairs: ``DEVELOPER`` = u32 algorithm (1, Ed25519) | 32-byte public key | 64-byte signature over
``b"hutong-ma-v1\\0" + digest``; ``PLATFORM`` has the same shape and signs
``b"hutong-ma-platform-v1\\0" + digest + developer signature``.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

MAGIC = b"Hutong Sig Blk 1"
DEVELOPER = 0x48540001
PLATFORM = 0x48540002
ED25519 = 1
_EOCD = b"PK\x05\x06"
_DEVELOPER_CONTEXT = b"hutong-ma-v1\0"
_PLATFORM_CONTEXT = b"hutong-ma-platform-v1\0"


class SignatureError(Exception):
    """The package is not signed, or not signed as it claims."""


@dataclass(frozen=True)
class Signer:
    public_key: bytes
    signature: bytes

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw public key, hex, as shown to people."""
        return hashlib.sha256(self.public_key).hexdigest()


@dataclass(frozen=True)
class Verified:
    developer: Signer
    platform: Signer | None


@dataclass
class _Layout:
    entries_end: int  # where the central directory starts in the unsigned ZIP (= block start)
    cd_start: int
    eocd_start: int
    pairs: dict[int, bytes]


def _find_eocd(data: bytes) -> int:
    start = data.rfind(_EOCD, max(0, len(data) - 65557))
    if start < 0 or len(data) - start < 22:
        raise SignatureError("not a ZIP file: no end-of-central-directory record")
    return start


def _layout(data: bytes) -> _Layout:
    eocd = _find_eocd(data)
    cd_size, cd_offset = struct.unpack_from("<II", data, eocd + 12)
    if cd_offset + cd_size != eocd:
        raise SignatureError("the ZIP central directory is not where the end record says")
    pairs: dict[int, bytes] = {}
    entries_end = cd_offset
    if cd_offset >= 32 and data[cd_offset - 16 : cd_offset] == MAGIC:
        (size,) = struct.unpack_from("<Q", data, cd_offset - 24)
        block_start = cd_offset - size - 8
        if block_start < 0 or struct.unpack_from("<Q", data, block_start)[0] != size:
            raise SignatureError("the signing block is damaged")
        offset, end = block_start + 8, cd_offset - 24
        while offset < end:
            if offset + 12 > end:
                raise SignatureError("the signing block is damaged")
            (length,) = struct.unpack_from("<Q", data, offset)
            (pair_id,) = struct.unpack_from("<I", data, offset + 8)
            if length < 4 or offset + 8 + length > end:
                raise SignatureError("the signing block is damaged")
            pairs[pair_id] = data[offset + 12 : offset + 8 + length]
            offset += 8 + length
        entries_end = block_start
    return _Layout(entries_end, cd_offset, eocd, pairs)


def _digest(data: bytes, layout: _Layout) -> bytes:
    eocd = bytearray(data[layout.eocd_start :])
    struct.pack_into("<I", eocd, 16, layout.entries_end)
    digest = hashlib.sha256()
    digest.update(data[: layout.entries_end])
    digest.update(data[layout.cd_start : layout.eocd_start])
    digest.update(bytes(eocd))
    return digest.digest()


def _assemble(data: bytes, layout: _Layout, pairs: dict[int, bytes]) -> bytes:
    body = b"".join(
        struct.pack("<QI", len(value) + 4, pair_id) + value for pair_id, value in sorted(pairs.items())
    )
    size = len(body) + 8 + len(MAGIC)
    block = struct.pack("<Q", size) + body + struct.pack("<Q", size) + MAGIC
    eocd = bytearray(data[layout.eocd_start :])
    struct.pack_into("<I", eocd, 16, layout.entries_end + len(block))
    return data[: layout.entries_end] + block + data[layout.cd_start : layout.eocd_start] + bytes(eocd)


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _pair(key: Ed25519PrivateKey, message: bytes) -> bytes:
    return struct.pack("<I", ED25519) + _raw_public(key) + key.sign(message)


def _signer(value: bytes, what: str) -> Signer:
    if len(value) != 4 + 32 + 64 or struct.unpack_from("<I", value)[0] != ED25519:
        raise SignatureError(f"the {what} signature uses an unknown format")
    return Signer(value[4:36], value[36:])


def sign(data: bytes, key: Ed25519PrivateKey) -> bytes:
    """Sign a ZIP (or re-sign a signed one) as its developer; any countersignature is dropped."""
    layout = _layout(data)
    digest = _digest(data, layout)
    return _assemble(data, layout, {DEVELOPER: _pair(key, _DEVELOPER_CONTEXT + digest)})


def countersign(data: bytes, key: Ed25519PrivateKey) -> bytes:
    """Add the platform's signature over the package and its developer signature."""
    verified = verify(data)
    layout = _layout(data)
    message = _PLATFORM_CONTEXT + _digest(data, layout) + verified.developer.signature
    return _assemble(data, layout, {**layout.pairs, PLATFORM: _pair(key, message)})


def verify(data: bytes, platform_key: bytes | None = None) -> Verified:
    """Check the developer signature (and the platform's, if present); raises SignatureError."""
    layout = _layout(data)
    if DEVELOPER not in layout.pairs:
        raise SignatureError("the package is not signed")
    digest = _digest(data, layout)
    developer = _signer(layout.pairs[DEVELOPER], "developer")
    try:
        Ed25519PublicKey.from_public_bytes(developer.public_key).verify(
            developer.signature, _DEVELOPER_CONTEXT + digest
        )
    except InvalidSignature:
        raise SignatureError(
            "the package was modified after it was signed: its contents do not match the developer signature"
        ) from None
    platform = None
    if PLATFORM in layout.pairs:
        platform = _signer(layout.pairs[PLATFORM], "platform")
        try:
            Ed25519PublicKey.from_public_bytes(platform.public_key).verify(
                platform.signature, _PLATFORM_CONTEXT + digest + developer.signature
            )
        except InvalidSignature:
            raise SignatureError("the platform countersignature does not match the package") from None
    if platform_key is not None and (platform is None or platform.public_key != platform_key):
        raise SignatureError("the package is not countersigned by this platform")
    return Verified(developer, platform)


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise SignatureError(f"not a usable private key: {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SignatureError("the key is not an Ed25519 key")
    return key


def public_key_hex(key: Ed25519PrivateKey) -> str:
    return _raw_public(key).hex()
