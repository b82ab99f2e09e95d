"""WeChat's encrypted open data (getShareInfo, getGroupEnterInfo): the JSON, PKCS#7-padded, AES-128-CBC
under the user's session_key (base64 of 16 bytes) with a random 16-byte iv; both sent in base64. A
developer's server opens it with the WXBizDataCrypt code WeChat publishes (or wechatpy's
WeChatWxaCrypto), which also checks ``watermark.appid``."""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def seal(session_key: str, data: dict[str, Any], appid: str, now: float | None = None) -> tuple[str, str]:
    """(encryptedData, iv) for ``data`` plus WeChat's watermark."""
    payload = {
        **data,
        "watermark": {"timestamp": int(now if now is not None else time.time()), "appid": appid},
    }
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plain) + padder.finalize()
    iv = secrets.token_bytes(16)
    encryptor = Cipher(algorithms.AES(base64.b64decode(session_key)), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padded) + encryptor.finalize()
    return base64.b64encode(encrypted).decode(), base64.b64encode(iv).decode()
