"""The platform's Ed25519 key: signs every launch manifest; its public half is published as a JWK set."""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


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
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole beside the target, then linked into place: two processes starting at once never
        # see half a key, and the first link wins (the other loads the winner's key).
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            try:
                os.link(temporary, path)
            except FileExistsError:
                return cls.load_or_create(path)
        finally:
            os.unlink(temporary)
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
