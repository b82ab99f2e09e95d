"""WeChat's message encryption for pushes to a provider (WXBizMsgCrypt, "安全模式"), which every
WeChat SDK decrypts (wechatpy's ``WeChatCrypto``):

- the AES key is the base64 of the 43-character EncodingAESKey plus "=" (32 bytes); the IV is its
  first 16 bytes; AES-256-CBC over ``random(16) + len(msg) (4 bytes, big-endian) + msg + appid``,
  padded PKCS#7 to a 32-byte block (WeChat's, not AES's 16);
- the body is ``<xml><AppId/><Encrypt/></xml>``; the query carries ``timestamp``, ``nonce``,
  ``encrypt_type=aes``, ``msg_signature`` (SHA-1 of the sorted token, timestamp, nonce and
  ciphertext) and ``signature`` (the same without the ciphertext)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
import struct
from xml.sax.saxutils import escape

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32
AES_KEY_LENGTH = 43


def valid_aes_key(encoding_aes_key: str) -> bool:
    if len(encoding_aes_key) != AES_KEY_LENGTH:
        return False
    try:
        return len(base64.b64decode(encoding_aes_key + "=", validate=True)) == 32
    except (binascii.Error, ValueError):
        return False


def new_aes_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()[:-1]


def _sha1(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()  # noqa: S324 (WeChat's scheme)


def encrypt(encoding_aes_key: str, appid: str, message: str) -> str:
    key = base64.b64decode(encoding_aes_key + "=")
    body = message.encode()
    plain = secrets.token_bytes(16) + struct.pack(">I", len(body)) + body + appid.encode()
    pad = BLOCK - len(plain) % BLOCK
    plain += bytes([pad]) * pad
    encryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()


def cdata(value: object) -> str:
    text = str(value)
    if isinstance(value, int):
        return text
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _element(name: str, value: object) -> str:
    if isinstance(value, list):
        # A list repeats its element, as a subscription event's <List> items.
        return "".join(_element(name, item) for item in value)
    inner = _elements(value) if isinstance(value, dict) else cdata(value)
    return f"<{escape(name)}>{inner}</{escape(name)}>"


def _elements(fields: dict[str, object]) -> str:
    return "".join(_element(name, value) for name, value in fields.items())


def xml_of(fields: dict[str, object]) -> str:
    """A push's inner XML, in WeChat's shape (numbers bare, text in CDATA, a dict nested, as
    notify_third_fasteregister's ``info``)."""
    return f"<xml>{_elements(fields)}</xml>"


def sealed_push(
    token: str, encoding_aes_key: str, appid: str, fields: dict[str, object], timestamp: int
) -> tuple[dict[str, str], bytes]:
    """(query parameters, body) of one encrypted push."""
    ciphertext = encrypt(encoding_aes_key, appid, xml_of(fields))
    nonce = str(secrets.randbelow(10**10))
    stamp = str(timestamp)
    query = {
        "signature": _sha1(token, stamp, nonce),
        "timestamp": stamp,
        "nonce": nonce,
        "encrypt_type": "aes",
        "msg_signature": _sha1(token, stamp, nonce, ciphertext),
    }
    body = f"<xml><AppId>{cdata(appid)}</AppId><Encrypt>{cdata(ciphertext)}</Encrypt></xml>"
    return query, body.encode()
