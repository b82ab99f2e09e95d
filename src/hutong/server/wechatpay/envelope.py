"""Notifications as WeChat Pay sends them: the event envelope with its ``resource`` encrypted under the
merchant's APIv3 key (AEAD_AES_256_GCM, associated data = the resource's original type), the body
signed like a response (``Wechatpay-Signature/-Timestamp/-Nonce/-Serial``)."""

from __future__ import annotations

import json
from typing import Any

from hutong.server.wechatpay import crypto
from hutong.server.wechatpay.keys import KeyRing
from hutong.server.wechatpay.responses import signature_headers


def body(
    notify_id: str,
    create_time: str,
    event_type: str,
    summary: str,
    resource: dict[str, Any],
    original_type: str,
    apiv3_key: bytes,
) -> bytes:
    plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
    nonce, ciphertext = crypto.aes_gcm_encrypt(apiv3_key, plaintext, original_type)
    envelope = {
        "id": notify_id,
        "create_time": create_time,
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": {
            "original_type": original_type,
            "algorithm": "AEAD_AES_256_GCM",
            "ciphertext": ciphertext,
            "associated_data": original_type,
            "nonce": nonce,
        },
    }
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()


def headers(ring: KeyRing, payload: bytes, public_key_mode: bool) -> dict[str, str]:
    sent = signature_headers(ring, payload, public_key_mode)
    sent["Content-Type"] = "application/json"
    return sent
