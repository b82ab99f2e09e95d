"""The merchant's ``Authorization: WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",
timestamp="…",serial_no="…"`` header: parsed, its signature checked over
``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n`` with the merchant's public key, its timestamp within
five minutes of ours, its nonce never seen before."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from hutong.server.wechatpay import crypto
from hutong.server.wechatpay.errors import PayError, sign_error
from hutong.server.wechatpay.nonces import NonceStore

SCHEME = "WECHATPAY2-SHA256-RSA2048"
WINDOW_SECONDS = 300
NONCE_KEEP_SECONDS = 2 * WINDOW_SECONDS + 60  # longer than any timestamp we would still accept
_PAIR = re.compile(r'\s*([a-z_]+)="([^"]*)"\s*(?:,|$)')
_FIELDS = ("mchid", "nonce_str", "signature", "timestamp", "serial_no")


@dataclass(frozen=True)
class Credentials:
    mchid: str
    nonce_str: str
    signature: str
    timestamp: str
    serial_no: str


def parse(header: str | None) -> Credentials:
    if not header:
        raise sign_error("Authorization 头缺失 (the Authorization header is missing)")
    scheme, _, rest = header.strip().partition(" ")
    if scheme != SCHEME:
        raise sign_error(f"不支持的认证类型 (the scheme must be {SCHEME})")
    values: dict[str, str] = {}
    position = 0
    rest = rest.strip()
    while position < len(rest):
        match = _PAIR.match(rest, position)
        if match is None:
            raise sign_error("Authorization 头格式错误 (the Authorization header is malformed)")
        values[match.group(1)] = match.group(2)
        position = match.end()
    missing = [name for name in _FIELDS if not values.get(name)]
    if missing:
        raise sign_error(f"Authorization 头缺少 {', '.join(missing)}")
    if not values["timestamp"].isdigit() or len(values["nonce_str"]) > 64:
        raise sign_error("Authorization 头格式错误 (timestamp or nonce_str)")
    return Credentials(**{name: values[name] for name in _FIELDS})


KeyLookup = Callable[[str, str], Awaitable[rsa.RSAPublicKey | None]]


async def verify(
    header: str | None,
    method: str,
    path_and_query: str,
    body: bytes,
    merchant_key: KeyLookup,
    nonces: NonceStore,
    now: float | None = None,
) -> Credentials:
    """The caller's credentials, or PayError 401 SIGN_ERROR. ``merchant_key(mchid, serial_no)`` gives
    the merchant's public key for that certificate serial, or None when there is no such pair."""
    credentials = parse(header)
    now = time.time() if now is None else now
    if abs(now - int(credentials.timestamp)) > WINDOW_SECONDS:
        raise sign_error("请求时间戳超出5分钟 (the timestamp is more than five minutes from ours)")
    public_key = await merchant_key(credentials.mchid, credentials.serial_no)
    if public_key is None:
        raise sign_error("商户号或证书序列号无效 (unknown mchid or serial_no)")
    try:
        text = body.decode()
    except UnicodeDecodeError as error:
        raise PayError(400, "PARAM_ERROR", "请求体不是 UTF-8 (the body is not UTF-8)") from error
    message = crypto.request_message(
        method, path_and_query, credentials.timestamp, credentials.nonce_str, text
    )
    if not crypto.rsa_verify(public_key, message, credentials.signature):
        raise sign_error("签名错误 (the signature does not match)")
    # Checked after the signature, so that nobody can burn a merchant's nonces without its key.
    if not await nonces.first_use(credentials.mchid, credentials.nonce_str, NONCE_KEEP_SECONDS):
        raise sign_error("请求重放 (this nonce_str was already used)")
    return credentials
