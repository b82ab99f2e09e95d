"""Every /v3 answer carries WeChat Pay's signature headers, made with the platform key the caller
knows: its public key id when the request named one in ``Wechatpay-Serial``, its certificate serial
otherwise (as WeChat does while merchants move from certificates to public keys)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from fastapi.responses import Response

from hutong.server.wechatpay import crypto
from hutong.server.wechatpay.errors import PayError
from hutong.server.wechatpay.keys import KeyRing, LoadedKey

SIGNATURE_TYPE = "WECHATPAY2-SHA256-RSA2048"


def serial_for(key: LoadedKey, public_key_mode: bool) -> str:
    return key.public_key_id if public_key_mode else key.serial_no


def signature_headers(ring: KeyRing, body: bytes, public_key_mode: bool) -> dict[str, str]:
    key = ring.signer
    timestamp = str(int(time.time()))
    nonce = crypto.new_nonce()
    signature = crypto.rsa_sign(key.private_key, crypto.response_message(timestamp, nonce, body.decode()))
    return {
        "Wechatpay-Nonce": nonce,
        "Wechatpay-Signature": signature,
        "Wechatpay-Timestamp": timestamp,
        "Wechatpay-Serial": serial_for(key, public_key_mode),
        "Wechatpay-Signature-Type": SIGNATURE_TYPE,
    }


def wants_public_key(request_serial: str | None) -> bool:
    return bool(request_serial and request_serial.startswith("PUB_KEY_ID_"))


def signed(
    ring: KeyRing, status: int, payload: Any, request_serial: str | None, media_type: str = "application/json"
) -> Response:
    """``payload`` None is an empty body (204); bytes go as they are; anything else as compact JSON."""
    if payload is None:
        body = b""
    elif isinstance(payload, bytes):
        body = payload
    else:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    headers = signature_headers(ring, body, wants_public_key(request_serial))
    headers["Request-ID"] = uuid.uuid4().hex
    return Response(body, status_code=status, media_type=media_type if body else None, headers=headers)


def signed_error(ring: KeyRing, error: PayError, request_serial: str | None) -> Response:
    return signed(ring, error.status, error.body(), request_serial)
