"""Request bodies as WeChat reads them: JSON whatever the Content-Type says (SDKs such as wechatpy
send none), with WeChat's errors for an empty (44002) or malformed (47001) body."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from hutong.server.wechat.errors import WxError

BODY_MAX = 64 * 1024


async def json_body(request: Request, max_bytes: int = BODY_MAX) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        raise WxError(44002)
    if len(raw) > max_bytes:
        raise WxError(47001, f"data format error: the body is over {max_bytes} bytes")
    try:
        payload = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise WxError(47001) from None
    if not isinstance(payload, dict):
        raise WxError(47001)
    return payload
