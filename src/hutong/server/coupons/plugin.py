"""The send-coupon plugin (小程序发券插件, provider ``wxf3f436ba9bd4be7b``): a mini program's
``<send-coupon send_coupon_params sign send_coupon_merchant>`` asks the host, the host asks here.

The merchant's server signs the parameters with WeChat Pay's v2 rule: the fields ``stock_id{i}``,
``out_request_no{i}`` and ``send_coupon_merchant``, sorted, ``k=v`` joined with ``&``, then
``&key=<key>``, HMAC-SHA256 under the same key, uppercase hex. Hutong merchants have one key, the
APIv3 key (32 characters, as a v2 key is), so that is the key. The sign holds no openid: whoever the
signed parameters reach may claim with them, so an ``out_request_no`` belongs to the first user who
claims with it, and another user's claim with the same number is refused without revealing the
coupon (WeChat keeps ``out_request_no`` unique per merchant the same way)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.coupons import issuing
from hutong.server.coupons.models import Coupon, Stock
from hutong.server.identity import service as identity
from hutong.server.payments import merchants
from hutong.server.payments.models import Merchant
from hutong.server.problems import Problem

PROVIDER = "wxf3f436ba9bd4be7b"
REQUEST_NO_USED = "out_request_no 已被其他用户使用 (another user claimed with this out_request_no)"
MAX_COUPONS = 10  # WeChat's plugin sends at most ten stocks' coupons per tap


def sign(params: list[dict[str, str]], merchant: str, key: str) -> str:
    """WeChat Pay's v2 HMAC-SHA256 sign over the plugin's fields (what the merchant's server computes)."""
    fields = {"send_coupon_merchant": merchant}
    for i, param in enumerate(params):
        fields[f"stock_id{i}"] = param["stock_id"]
        fields[f"out_request_no{i}"] = param["out_request_no"]
    text = "&".join(f"{name}={value}" for name, value in sorted(fields.items()) if value) + f"&key={key}"
    return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def parse(body: Any) -> tuple[list[dict[str, str]], str, str]:
    """(send_coupon_params, send_coupon_merchant, sign) from the host's request, or 422."""
    if not isinstance(body, dict):
        raise Problem(422, "invalid_send_coupon", "a JSON object is needed")
    raw = body.get("send_coupon_params")
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_COUPONS:
        raise Problem(422, "invalid_send_coupon", f"send_coupon_params: 1 to {MAX_COUPONS} items")
    params = []
    for item in raw:
        stock_id = item.get("stock_id") if isinstance(item, dict) else None
        number = item.get("out_request_no") if isinstance(item, dict) else None
        if not isinstance(stock_id, str) or not isinstance(number, str) or not stock_id or not number:
            raise Problem(422, "invalid_send_coupon", "each item needs stock_id and out_request_no")
        if len(stock_id) > 20 or len(number) > 128:
            raise Problem(422, "invalid_send_coupon", "stock_id or out_request_no is too long")
        params.append({"stock_id": stock_id, "out_request_no": number})
    merchant, signature = body.get("send_coupon_merchant"), body.get("sign")
    if not isinstance(merchant, str) or not merchant or not isinstance(signature, str) or not signature:
        raise Problem(422, "invalid_send_coupon", "send_coupon_merchant and sign are required")
    return params, merchant, signature


@dataclass(frozen=True)
class Signed:
    """Parameters whose sign checked out, with the stocks they name (None for one not this merchant's)."""

    merchant: Merchant
    app: App
    params: list[dict[str, str]]
    stocks: list[Stock | None]


async def verify(session: AsyncSession, appid: str, body: Any) -> Signed:
    """The signed request of ``appid``'s page, or a problem: an unknown merchant and a wrong sign are
    both ``sign_error`` (no oracle for which merchants exist), an app the merchant has not bound
    ``app_not_bound``."""
    params, mchid, signature = parse(body)
    merchant = await merchants.by_mchid(session, mchid)
    key = merchants.apiv3_key(session, merchant) if merchant is not None else None
    if merchant is None or not key or not hmac.compare_digest(sign(params, mchid, key), signature.upper()):
        raise Problem(403, "sign_error", "签名错误 (the sign does not match send_coupon_merchant's key)")
    app = await merchants.bound_app(session, merchant, appid)
    if app is None:
        raise Problem(403, "app_not_bound", "the mini program is not bound to send_coupon_merchant")
    stocks: list[Stock | None] = []
    for param in params:
        stock = await session.scalar(
            select(Stock).where(Stock.stock_id == param["stock_id"], Stock.merchant_id == merchant.id)
        )
        if stock is not None:
            await issuing.refresh_state(session, stock)
        stocks.append(stock)
    return Signed(merchant, app, params, stocks)


REASONS = {  # issuing.ClaimRefused's reasons as WeChat's documented send_coupon_result codes
    "exhausted": "NOTENOUGH",  # 总预算用完
    "expired": "EXPIRED",  # 该批次已过期
    "not_running": "NOTRUNNING",  # 批次状态非运营中
    "not_started": "NOTRUNNING",
    "user_limit": "MAXQUOTA",  # 用户领取张数达到上限
    "day_limit": "DAYLIMIT",  # 单天发放上限
    "no_codes": "NOTENOUGH",
    "code_taken": "FAILED",  # 该张券发券失败, the reason in message
}


async def claim(session: AsyncSession, signed: Signed, user_id: int) -> list[dict[str, Any]]:
    """One claim per item, each in its own savepoint (one refused coupon does not undo the others):
    WeChat's ``send_coupon_result`` items, ``code`` ``SUCCESS`` or why not."""
    openid = await identity.openid_for(session, signed.app, user_id)
    claimant = issuing.Claimant(user_id, signed.app.id, signed.app.appid, openid)
    out: list[dict[str, Any]] = []
    for param, stock in zip(signed.params, signed.stocks, strict=True):
        item: dict[str, Any] = {"stock_id": param["stock_id"], "out_request_no": param["out_request_no"]}
        if stock is None:
            out.append({**item, "code": "FAILED", "message": "批次不存在 (no such stock of this merchant)"})
            continue
        taken = await session.scalar(
            select(Coupon.user_id).where(
                Coupon.stock_pk == stock.id, Coupon.out_request_no == param["out_request_no"]
            )
        )
        if taken is not None and taken != user_id:
            out.append({**item, "code": "FAILED", "message": REQUEST_NO_USED})
            continue
        try:
            async with session.begin_nested():
                coupon, _ = await issuing.claim(
                    session, stock, signed.merchant, claimant,
                    out_request_no=param["out_request_no"], channel="MINIAPP",
                )  # fmt: skip
        except issuing.ClaimRefused as refused:
            await session.refresh(stock)
            out.append({**item, "code": REASONS.get(refused.reason, "FAILED"), "message": refused.message})
            continue
        if coupon.user_id != user_id:  # a twin of another user's claim won the race for this number
            out.append({**item, "code": "FAILED", "message": REQUEST_NO_USED})
            continue
        named = {"coupon_code": coupon.coupon_code} if stock.family == "busifavor" else {}
        out.append({**item, **named, "coupon_id": coupon.coupon_id, "code": "SUCCESS", "message": ""})
    return out
