"""Checks on merchants' request bodies, failing the way WeChat Pay fails: 400 PARAM_ERROR naming the
field. Amounts must be JSON integers (fen); a float or a string is refused, never rounded."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from hutong.server.wechatpay.errors import param_error

OUT_NO = re.compile(r"^[0-9A-Za-z_\-|*]{6,32}$")
OUT_REFUND_NO = re.compile(r"^[0-9A-Za-z_\-|*@]{1,64}$")


def obj(body: Any, name: str) -> dict[str, Any]:
    value = body.get(name) if isinstance(body, dict) else None
    if not isinstance(value, dict):
        raise param_error(f"缺少参数 {name} (an object is required)", name)
    return value


def text(
    body: dict[str, Any], name: str, max_length: int, *, required: bool = True, min_length: int = 1
) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise param_error(f"缺少参数 {name}", name)
        return None
    if not isinstance(value, str) or not min_length <= len(value) <= max_length:
        raise param_error(f"{name} 格式错误 (a string of {min_length} to {max_length} characters)", name)
    return value


def fen(body: dict[str, Any], name: str, field: str) -> int:
    value = body.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise param_error(f"{field} 必须是整数 (an integer number of fen)", field)
    if value <= 0 or value > 100_000_000_00:
        raise param_error(f"{field} 超出范围 (more than 0 fen)", field)
    return value


def currency(body: dict[str, Any], field: str) -> str:
    value = body.get("currency", "CNY")
    if value != "CNY":
        raise param_error(f"{field} 仅支持 CNY", field)
    return "CNY"


def out_trade_no(value: Any, field: str = "out_trade_no") -> str:
    if not isinstance(value, str) or not OUT_NO.match(value):
        raise param_error(f"{field} 格式错误 (6 to 32 letters, digits, _-|*)", field)
    return value


def store_info_id(body: dict[str, Any]) -> str | None:
    """``scene_info.store_info.id`` (门店编号, up to 32 characters) when the order names its store."""
    scene = body.get("scene_info")
    if scene is None:
        return None
    if not isinstance(scene, dict):
        raise param_error("scene_info 须为对象", "scene_info")
    store = scene.get("store_info")
    if store is None:
        return None
    if not isinstance(store, dict):
        raise param_error("scene_info.store_info 须为对象", "scene_info.store_info")
    value = store.get("id")
    if not isinstance(value, str) or not 1 <= len(value) <= 32:
        raise param_error("scene_info.store_info.id 须为 1 到 32 个字符", "scene_info.store_info.id")
    return value


def notify_url(value: Any, prefixes: list[str], allow_plain_http: bool, field: str = "notify_url") -> str:
    if not isinstance(value, str) or len(value) > 255:
        raise param_error(f"{field} 格式错误", field)
    parts = urlsplit(value)
    schemes = ("https", "http") if allow_plain_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname or parts.query or parts.fragment or parts.username:
        raise param_error(f"{field} 须为不带参数的 https 地址 (an https URL without a query)", field)
    if prefixes and not any(value.startswith(prefix) for prefix in prefixes):
        raise param_error(
            f"{field} 不符合商户的回调地址规则 (not under the merchant's notify prefixes)", field
        )
    return value
