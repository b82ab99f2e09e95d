"""The primitives WeChat Pay v3 is built from: SHA256withRSA (PKCS#1 v1.5) over newline-joined lines,
and AEAD_AES_256_GCM under a merchant's 32-byte APIv3 key with a 12-character nonce."""

from __future__ import annotations

import base64
import binascii
import secrets
import string
from collections.abc import Callable
from functools import lru_cache

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_ALPHABET = string.ascii_letters + string.digits


class DecryptError(ValueError):
    """AES-GCM refused the ciphertext: a wrong APIv3 key, nonce or associated data ("Tag mismatch")."""


def new_nonce(length: int = 32) -> str:
    return "".join(secrets.choice(NONCE_ALPHABET) for _ in range(length))


def lines(*parts: str) -> str:
    """What WeChat signs: each part followed by a newline, the last one too."""
    return "".join(part + "\n" for part in parts)


def request_message(method: str, path_and_query: str, timestamp: str, nonce: str, body: str) -> str:
    return lines(method.upper(), path_and_query, timestamp, nonce, body)


def response_message(timestamp: str, nonce: str, body: str) -> str:
    """Responses and notifications: the raw body, exactly as sent."""
    return lines(timestamp, nonce, body)


def pay_sign_message(appid: str, timestamp: str, nonce: str, package: str) -> str:
    """wx.requestPayment's paySign covers these four lines."""
    return lines(appid, timestamp, nonce, package)


def rsa_sign(private_key: rsa.RSAPrivateKey, message: str) -> str:
    signature = private_key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def rsa_verify(public_key: rsa.RSAPublicKey, message: str, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        public_key.verify(raw, message.encode(), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True


def aes_gcm_encrypt(
    key: bytes, plaintext: str, associated_data: str, nonce: str | None = None
) -> tuple[str, str]:
    """(nonce, base64 ciphertext with the 16-byte tag at its end), as WeChat's resources carry them."""
    nonce = nonce or new_nonce(12)
    sealed = AESGCM(key).encrypt(nonce.encode(), plaintext.encode(), associated_data.encode())
    return nonce, base64.b64encode(sealed).decode()


def aes_gcm_decrypt(key: bytes, nonce: str, ciphertext: str, associated_data: str) -> str:
    try:
        sealed = base64.b64decode(ciphertext, validate=True)
        return AESGCM(key).decrypt(nonce.encode(), sealed, associated_data.encode()).decode()
    except (InvalidTag, binascii.Error, ValueError) as error:
        raise DecryptError("AEAD_AES_256_GCM could not open the resource") from error


def load_rsa_public_key(text: str) -> rsa.RSAPublicKey:
    """A PEM public key, a bare base64 one (as WeChat's console shows it), or a certificate's key.
    Only RSA of at least 2048 bits, which is what the scheme's name promises."""
    from cryptography import x509

    text = text.strip()
    key: object
    if "BEGIN CERTIFICATE" in text:
        key = x509.load_pem_x509_certificate(text.encode()).public_key()
    elif "BEGIN" in text:
        key = serialization.load_pem_public_key(text.encode())
    else:
        key = serialization.load_der_public_key(base64.b64decode("".join(text.split())))
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size < 2048:
        raise ValueError("an RSA public key of at least 2048 bits is needed")
    return key


def public_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def private_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


@lru_cache(maxsize=64)
def load_rsa_private_key(pem: str) -> rsa.RSAPrivateKey:
    """The key of a PEM, kept for the next call with the same text (keys are immutable). Only keys
    this platform generated reach here, unsealed from the database (sealing is authenticated), so
    OpenSSL's consistency check on loading (primality tests: ~40 ms, as much as dozens of
    signatures, for every key a process meets) is skipped, as cryptography allows for trusted keys."""
    key = serialization.load_pem_private_key(pem.encode(), password=None, unsafe_skip_rsa_key_validation=True)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


# Only the test suite sets another source of new keys (use_key_source_for_tests); nothing in the
# platform does.
_key_source: Callable[[], rsa.RSAPrivateKey] | None = None


def use_key_source_for_tests(source: Callable[[], rsa.RSAPrivateKey]) -> None:
    """Make new RSA keys with ``source``: generating a 2048-bit key costs about 0.1 s of CPU, and the
    suite makes a merchant and a platform key for hundreds of tests. Called by tests/conftest.py."""
    global _key_source
    _key_source = source


def new_rsa_key() -> rsa.RSAPrivateKey:
    if _key_source is not None:
        return _key_source()
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
