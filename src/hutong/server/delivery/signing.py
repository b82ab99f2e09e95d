"""The platform's Ed25519 key: signs every launch manifest; its public half is published as a JWK set."""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _write_new(path: Path, key: Ed25519PrivateKey) -> bool:
    """Write ``key`` to ``path`` (mode 0600) unless something is there already; True if written."""
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole beside the target, then linked into place: two processes starting at once never
    # see half a key, and the first link wins.
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        try:
            os.link(temporary, path)
        except FileExistsError:
            return False
    finally:
        os.unlink(temporary)
    return True


class Signer(Protocol):
    """What signs and checks for the platform: one PlatformKey, or the PlatformKeys set."""

    @property
    def kid(self) -> str: ...

    def sign(self, payload: bytes) -> str: ...

    def verify(self, payload: bytes, signature: str) -> bool: ...

    def signature_header(self, payload: bytes) -> str: ...


class PlatformKey:
    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private = private_key
        self.public_bytes = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.kid = hashlib.sha256(self.public_bytes).hexdigest()[:16]

    @classmethod
    def load_or_create(cls, path: Path) -> PlatformKey:
        """Read the key from ``path``, or make one there on first start (readable by the owner only)."""
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError(f"{path} does not hold an Ed25519 private key")
            return cls(key)
        key = Ed25519PrivateKey.generate()
        if not _write_new(path, key):
            return cls.load_or_create(path)  # another process made it first: theirs wins
        return cls(key)

    def sign(self, payload: bytes) -> str:
        return b64url(self._private.sign(payload))

    def verify(self, payload: bytes, signature: str) -> bool:
        public = Ed25519PublicKey.from_public_bytes(self.public_bytes)
        padded = signature + "=" * (-len(signature) % 4)
        try:
            public.verify(base64.urlsafe_b64decode(padded), payload)
        except Exception:
            return False
        return True

    def jwk(self) -> dict[str, Any]:
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": b64url(self.public_bytes),
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
        }

    def signature_header(self, payload: bytes) -> str:
        return f'keyid="{self.kid}", sig="{self.sign(payload)}"'

    def countersign(self, package: bytes) -> bytes:
        """``package`` (a developer-signed .ma) with the platform's countersignature added."""
        from hutong.compiler.signing import countersign

        return countersign(package, self._private)


class PlatformKeys:
    """The platform's key set: it signs with the newest key and accepts any listed one.

    The first key is ``legacy`` (the data dir's platform-signing-key.pem, generated on first start);
    ``hutong keys rotate`` adds newer ones to ``directory`` (``<nanoseconds>-<kid>.pem``), and
    ``hutong keys retire`` moves one into ``directory/retired``, after which nothing it signed is
    accepted. Every process notices a change by the folder's modification time, without a restart.
    """

    def __init__(self, directory: Path, legacy: Path) -> None:
        self.directory = directory
        self.legacy = legacy
        self._seen: tuple[float, float] | None = None
        self._keys: list[PlatformKey] = []
        self._refresh()

    def _stamp(self) -> tuple[float, float]:
        def mtime(path: Path) -> float:
            try:
                return path.stat().st_mtime_ns / 1e9
            except FileNotFoundError:
                return 0.0

        return mtime(self.directory), mtime(self.legacy)

    def _refresh(self) -> None:
        stamp = self._stamp()
        if stamp == self._seen and self._keys:
            return
        paths = [self.legacy] if self.legacy.exists() else []
        if self.directory.is_dir():
            paths += sorted(self.directory.glob("*.pem"))
        if not paths:
            paths = [self.legacy]  # first start: made by load_or_create
        self._keys = [PlatformKey.load_or_create(path) for path in paths]
        self._seen = self._stamp()

    @property
    def keys(self) -> list[PlatformKey]:
        """The listed keys, oldest first."""
        self._refresh()
        return list(self._keys)

    @property
    def current(self) -> PlatformKey:
        """The newest key: everything is signed with it."""
        return self.keys[-1]

    def get(self, kid: str) -> PlatformKey | None:
        return next((key for key in self.keys if key.kid == kid), None)

    def verify(self, payload: bytes, signature: str, kid: str | None = None) -> bool:
        """Signed by a listed key (the one named ``kid``, when given)?"""
        candidates = self.keys if kid is None else [key for key in self.keys if key.kid == kid]
        return any(key.verify(payload, signature) for key in candidates)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.keys]}

    # A Signer, like one PlatformKey: signs with the newest, accepts any listed key.
    @property
    def kid(self) -> str:
        return self.current.kid

    def sign(self, payload: bytes) -> str:
        return self.current.sign(payload)

    def signature_header(self, payload: bytes) -> str:
        return self.current.signature_header(payload)

    def countersign(self, package: bytes) -> bytes:
        return self.current.countersign(package)

    def rotate(self) -> PlatformKey:
        """Add a new newest key (the others stay listed until retired)."""
        private = Ed25519PrivateKey.generate()
        key = PlatformKey(private)
        _write_new(self.directory / f"{time.time_ns()}-{key.kid}.pem", private)
        self._seen = None
        return key

    def retire(self, kid: str) -> None:
        """Stop listing ``kid``: its signatures are refused from now on. Never the newest key."""
        keys = self.keys
        if kid == keys[-1].kid:
            raise ValueError(f"{kid} is the newest key: rotate first, then retire it")
        paths = [self.legacy] if self.legacy.exists() else []
        paths += sorted(self.directory.glob("*.pem")) if self.directory.is_dir() else []
        for path in paths:
            if PlatformKey.load_or_create(path).kid == kid:
                retired = self.directory / "retired"
                retired.mkdir(parents=True, exist_ok=True)
                os.rename(path, retired / f"{time.time_ns()}-{kid}.pem")
                os.utime(self.directory)  # the folder's time tells every process to reload
                self._seen = None
                return
        raise ValueError(f"no listed platform key has the id {kid}")
