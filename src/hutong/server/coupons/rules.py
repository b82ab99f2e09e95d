"""A stock's rules read from WeChat Pay's request bodies (busifavor and favor) and written back in
WeChat's shapes; and the arithmetic of what a coupon takes off an order. Bad input is WeChat's
``400 PARAM_ERROR`` naming the field; amounts are JSON integers of fen, never rounded."""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hutong.server.coupons.models import Coupon, Stock
from hutong.server.payments.ids import BEIJING, aware, parse_rfc3339, rfc3339
from hutong.server.wechatpay.errors import param_error

STOCK_TYPES = ("NORMAL", "DISCOUNT", "EXCHANGE")
CODE_MODES = ("WECHATPAY_MODE", "MERCHANT_API", "MERCHANT_UPLOAD")
USE_METHODS = ("OFF_LINE", "MINI_PROGRAMS", "PAYMENT_CODE", "SELF_CONSUME")
MAX_VALIDITY = timedelta(days=365)
# 26 decimal digits: 10**26 ≈ 2**86.4, above the 80 bits of randomness an unguessable code needs, and
# digits only, so the code fits a Code 128 barcode compactly and a cashier can type it.
CODE_DIGITS = 26


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def new_stock_id() -> str:
    return "12" + "".join(secrets.choice("0123456789") for _ in range(14))


def new_coupon_id() -> str:
    return "1" + "".join(secrets.choice("0123456789") for _ in range(11))


def request_hash(family: str, body: Any) -> str:
    canonical = json.dumps([family, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _obj(body: dict[str, Any], name: str, field: str, required: bool = True) -> dict[str, Any]:
    value = body.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise param_error(f"缺少参数 {field} (an object is required)", field)
    return value


def _text(body: dict[str, Any], name: str, field: str, max_length: int, required: bool = True) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not 1 <= len(value) <= max_length:
        raise param_error(f"{field} 格式错误 (a string of 1 to {max_length} characters)", field)
    return value


def _int(
    body: dict[str, Any], name: str, field: str, low: int, high: int, required: bool = True
) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise param_error(f"{field} 须为 {low} 到 {high} 的整数 (an integer)", field)
    return value


def _time(body: dict[str, Any], name: str, field: str) -> datetime:
    value = body.get(name)
    try:
        return parse_rfc3339(str(value)) if isinstance(value, str) else _no_time(field)
    except ValueError:
        raise param_error(f"{field} 格式错误 (RFC 3339 with a time zone)", field) from None


def _no_time(field: str) -> datetime:
    raise param_error(f"缺少参数 {field}", field)


def _int_list(value: Any, field: str, low: int, high: int) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, list) or any(
        isinstance(item, bool) or not isinstance(item, int) or not low <= item <= high for item in value
    ):
        raise param_error(f"{field} 须为整数列表", field)
    return sorted(set(value))


def _str_list(value: Any, field: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or any(not isinstance(item, str) or not item for item in value):
        raise param_error(f"{field} 须为字符串列表", field)
    return list(dict.fromkeys(value))


def _window(available: dict[str, Any], field: str) -> tuple[list[int], list[list[int]]]:
    week = _obj(available, "available_week", f"{field}.available_week", required=False)
    # WeChat numbers weekdays 0 (Sunday) to 6; 7 is read as Sunday too.
    days = [day % 7 for day in _int_list(week.get("week_day"), f"{field}.available_week.week_day", 0, 7)]
    times: list[list[int]] = []
    spans = week.get("available_day_time") or []
    if not isinstance(spans, list):
        raise param_error("available_day_time 须为列表", f"{field}.available_week.available_day_time")
    for span in spans:
        if not isinstance(span, dict):
            raise param_error("available_day_time 格式错误", f"{field}.available_week.available_day_time")
        begin = _int(span, "begin_time", "begin_time", 0, 86399)
        end = _int(span, "end_time", "end_time", 1, 86400)
        assert begin is not None and end is not None
        if begin >= end:
            raise param_error("begin_time 须早于 end_time", f"{field}.available_week.available_day_time")
        times.append([begin, end])
    return sorted(set(days)), times


def _dates(begins: datetime, ends: datetime, field: str) -> None:
    if ends <= begins:
        raise param_error("结束时间须晚于开始时间 (the end comes after the beginning)", field)
    if ends - begins > MAX_VALIDITY:
        raise param_error("有效期不能超过一年 (at most a year)", field)


def _value(stock_type: str, rule: dict[str, Any]) -> dict[str, Any]:
    """The coupon's worth, from the busifavor coupon_use_rule (fixed_normal_coupon, discount_coupon
    with Hutong's optional ``max_discount_amount`` cap, or exchange_coupon)."""
    if stock_type == "NORMAL":
        fixed = _obj(rule, "fixed_normal_coupon", "coupon_use_rule.fixed_normal_coupon")
        amount = _int(fixed, "discount_amount", "fixed_normal_coupon.discount_amount", 1, 10_000_000)
        minimum = _int(fixed, "transaction_minimum", "fixed_normal_coupon.transaction_minimum", 0, 10**9)
        assert amount is not None and minimum is not None
        if minimum and minimum < amount:
            raise param_error("门槛须不低于面额", "fixed_normal_coupon.transaction_minimum")
        return {"amount_off": amount, "transaction_minimum": minimum}
    if stock_type == "DISCOUNT":
        discount = _obj(rule, "discount_coupon", "coupon_use_rule.discount_coupon")
        percent = _int(discount, "discount_percent", "discount_coupon.discount_percent", 1, 99)
        minimum = _int(discount, "transaction_minimum", "discount_coupon.transaction_minimum", 0, 10**9)
        cap = _int(discount, "max_discount_amount", "discount_coupon.max_discount_amount", 1, 10**9, False)
        assert minimum is not None
        return {"discount_percent": percent, "transaction_minimum": minimum, "max_discount": cap}
    exchange = _obj(rule, "exchange_coupon", "coupon_use_rule.exchange_coupon")
    price = _int(exchange, "exchange_price", "exchange_coupon.exchange_price", 0, 10**9)
    minimum = _int(exchange, "transaction_minimum", "exchange_coupon.transaction_minimum", 0, 10**9)
    assert minimum is not None
    return {"exchange_price": price, "transaction_minimum": minimum}


def busifavor_fields(body: Any) -> dict[str, Any]:
    """``POST /v3/marketing/busifavor/stocks``'s body as Stock columns."""
    if not isinstance(body, dict):
        raise param_error("请求体须为 JSON 对象")
    stock_type = body.get("stock_type")
    if stock_type not in STOCK_TYPES:
        raise param_error("stock_type 须为 NORMAL、DISCOUNT 或 EXCHANGE", "stock_type")
    code_mode = body.get("coupon_code_mode")
    if code_mode not in CODE_MODES:
        raise param_error("coupon_code_mode 取值错误", "coupon_code_mode")
    rule = _obj(body, "coupon_use_rule", "coupon_use_rule")
    available = _obj(rule, "coupon_available_time", "coupon_use_rule.coupon_available_time")
    begins = _time(available, "available_begin_time", "available_begin_time")
    ends = _time(available, "available_end_time", "available_end_time")
    _dates(begins, ends, "coupon_use_rule.coupon_available_time")
    after = _int(available, "available_day_after_receive", "available_day_after_receive", 1, 365, False)
    days, times = _window(available, "coupon_use_rule.coupon_available_time")
    use_method = rule.get("use_method", "OFF_LINE")
    if use_method not in USE_METHODS:
        raise param_error("use_method 取值错误", "coupon_use_rule.use_method")
    send = _obj(body, "stock_send_rule", "stock_send_rule")
    max_coupons = _int(send, "max_coupons", "stock_send_rule.max_coupons", 1, 100_000_000)
    per_user = _int(send, "max_coupons_per_user", "stock_send_rule.max_coupons_per_user", 1, 100)
    by_day = _int(send, "max_coupons_by_day", "stock_send_rule.max_coupons_by_day", 1, 100_000_000, False)
    return {
        "name": _text(body, "stock_name", "stock_name", 21),
        "goods_name": _text(body, "goods_name", "goods_name", 15),
        "comment": _text(body, "comment", "comment", 20, required=False),
        "stock_type": stock_type,
        **_value(stock_type, rule),
        "begins_at": begins,
        "ends_at": ends,
        "days_after_claim": after,
        "week_days": days,
        "day_times": times,
        "goods_tags": _str_list(rule.get("goods_tag"), "coupon_use_rule.goods_tag"),
        "store_ids": _int_list(rule.get("available_stores"), "coupon_use_rule.available_stores", 1, 2**31),
        "max_coupons": max_coupons,
        "max_coupons_per_user": per_user,
        "max_coupons_by_day": by_day,
        "code_mode": code_mode,
        "use_method": use_method,
        "appid": rule.get("mini_programs_appid")
        if isinstance(rule.get("mini_programs_appid"), str)
        else None,
    }


def favor_fields(body: Any) -> dict[str, Any]:
    """``POST /v3/marketing/favor/coupon-stocks``'s body (代金券, applied at payment) as Stock columns."""
    if not isinstance(body, dict):
        raise param_error("请求体须为 JSON 对象")
    if body.get("stock_type", "NORMAL") != "NORMAL":
        raise param_error("stock_type 仅支持 NORMAL", "stock_type")
    if body.get("no_cash", False) is not False:
        # Only pre-funded vouchers (预充值, CASH): the merchant's marketing account pays the discount.
        raise param_error("暂不支持免充值代金券 (no_cash: only pre-funded vouchers)", "no_cash")
    begins = _time(body, "available_begin_time", "available_begin_time")
    ends = _time(body, "available_end_time", "available_end_time")
    _dates(begins, ends, "available_end_time")
    if ends - begins > timedelta(days=90):
        raise param_error("代金券批次有效期不能超过 90 天", "available_end_time")
    use = _obj(body, "stock_use_rule", "stock_use_rule")
    max_coupons = _int(use, "max_coupons", "stock_use_rule.max_coupons", 1, 100_000_000)
    per_user = _int(use, "max_coupons_per_user", "stock_use_rule.max_coupons_per_user", 1, 60)
    rule = _obj(body, "coupon_use_rule", "coupon_use_rule")
    fixed = _obj(rule, "fixed_normal_coupon", "coupon_use_rule.fixed_normal_coupon")
    amount = _int(fixed, "coupon_amount", "fixed_normal_coupon.coupon_amount", 1, 10_000_000)
    minimum = _int(fixed, "transaction_minimum", "fixed_normal_coupon.transaction_minimum", 0, 10**9)
    assert amount is not None and max_coupons is not None
    max_amount = _int(use, "max_amount", "stock_use_rule.max_amount", 1, 10**12, required=False)
    if max_amount is not None and max_amount != amount * max_coupons:
        raise param_error("max_amount 须等于面额乘以 max_coupons", "stock_use_rule.max_amount")
    return {
        "name": _text(body, "stock_name", "stock_name", 20),
        "goods_name": "",
        "comment": _text(body, "comment", "comment", 20, required=False),
        "stock_type": "NORMAL",
        "amount_off": amount,
        "transaction_minimum": minimum,
        "begins_at": begins,
        "ends_at": ends,
        "goods_tags": _str_list(rule.get("goods_tag"), "coupon_use_rule.goods_tag"),
        # Hutong's addition, as on merchant coupons: only orders paid at these stores (the order's
        # scene_info.store_info.id); none: any order.
        "store_ids": _int_list(rule.get("available_stores"), "coupon_use_rule.available_stores", 1, 2**31),
        "max_coupons": max_coupons,
        "max_coupons_per_user": per_user,
        "code_mode": "WECHATPAY_MODE",
        "use_method": "MINI_PROGRAMS",
        "funded_by": "merchant",
    }


# ---- the answers, in WeChat's shapes -------------------------------------------------------------

BUSIFAVOR_STATE = {
    "draft": "UNAUDIT",
    "running": "RUNNING",
    "paused": "PAUSED",
    "stopped": "STOPED",
    "exhausted": "STOPED",
    "expired": "STOPED",
}
FAVOR_STATE = {
    "draft": "unactivated",
    "running": "running",
    "paused": "paused",
    "stopped": "stoped",
    "exhausted": "stoped",
    "expired": "stoped",
}


def _available_time(stock: Stock) -> dict[str, Any]:
    available: dict[str, Any] = {
        "available_begin_time": rfc3339(stock.begins_at),
        "available_end_time": rfc3339(stock.ends_at),
    }
    if stock.days_after_claim:
        available["available_day_after_receive"] = stock.days_after_claim
    if stock.week_days or stock.day_times:
        week: dict[str, Any] = {}
        if stock.week_days:
            week["week_day"] = stock.week_days
        if stock.day_times:
            week["available_day_time"] = [{"begin_time": b, "end_time": e} for b, e in stock.day_times]
        available["available_week"] = week
    return available


def coupon_use_rule(stock: Stock) -> dict[str, Any]:
    rule: dict[str, Any] = {"coupon_available_time": _available_time(stock), "use_method": stock.use_method}
    if stock.stock_type == "NORMAL":
        rule["fixed_normal_coupon"] = {
            "discount_amount": stock.amount_off,
            "transaction_minimum": stock.transaction_minimum,
        }
    elif stock.stock_type == "DISCOUNT":
        discount: dict[str, Any] = {
            "discount_percent": stock.discount_percent,
            "transaction_minimum": stock.transaction_minimum,
        }
        if stock.max_discount:
            discount["max_discount_amount"] = stock.max_discount
        rule["discount_coupon"] = discount
    else:
        rule["exchange_coupon"] = {
            "exchange_price": stock.exchange_price,
            "transaction_minimum": stock.transaction_minimum,
        }
    if stock.goods_tags:
        rule["goods_tag"] = stock.goods_tags
    if stock.store_ids:
        rule["available_stores"] = stock.store_ids
    if stock.appid:
        rule["mini_programs_appid"] = stock.appid
    return rule


def busifavor_stock(stock: Stock, mchid: str) -> dict[str, Any]:
    send_rule: dict[str, Any] = {
        "max_coupons": stock.max_coupons,
        "max_coupons_per_user": stock.max_coupons_per_user,
        "natural_person_limit": False,
        "prevent_api_abuse": False,
        "transferable": False,
        "shareable": False,
    }
    if stock.max_coupons_by_day:
        send_rule["max_coupons_by_day"] = stock.max_coupons_by_day
    if stock.stock_type == "NORMAL" and stock.amount_off:
        send_rule["max_amount"] = stock.amount_off * stock.max_coupons
    return {
        "stock_name": stock.name,
        "belong_merchant": mchid,
        "comment": stock.comment,
        "goods_name": stock.goods_name,
        "stock_type": stock.stock_type,
        "coupon_use_rule": coupon_use_rule(stock),
        "stock_send_rule": send_rule,
        "coupon_code_mode": stock.code_mode,
        "stock_id": stock.stock_id,
        "stock_state": BUSIFAVOR_STATE[stock.state],
        "send_count_information": {"total_send_num": stock.issued, "total_send_amount": _sent_amount(stock)},
    }


def _sent_amount(stock: Stock) -> int:
    return stock.issued * (stock.amount_off or 0)


def favor_stock(stock: Stock, mchid: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stock_id": stock.stock_id,
        "stock_creator_mchid": mchid,
        "stock_name": stock.name,
        "status": FAVOR_STATE[stock.state],
        "create_time": rfc3339(stock.created_at),
        "description": stock.comment,
        "stock_use_rule": {
            "max_coupons": stock.max_coupons,
            "max_amount": (stock.amount_off or 0) * stock.max_coupons,
            "max_coupons_per_user": stock.max_coupons_per_user,
            "fixed_normal_coupon": {
                "coupon_amount": stock.amount_off,
                "transaction_minimum": stock.transaction_minimum,
            },
            "goods_tag": stock.goods_tags,
        },
        "available_begin_time": rfc3339(stock.begins_at),
        "available_end_time": rfc3339(stock.ends_at),
        "distributed_coupons": stock.issued,
        "no_cash": False,
        "singleitem": False,
        "stock_type": "NORMAL",
    }
    if stock.store_ids:  # Hutong's addition: the stores whose orders it applies to
        body["coupon_use_rule"] = {"available_stores": stock.store_ids}
    return body


def busifavor_coupon(coupon: Coupon, stock: Stock, mchid: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "belong_merchant": mchid,
        "stock_name": stock.name,
        "comment": stock.comment,
        "goods_name": stock.goods_name,
        "stock_type": stock.stock_type,
        "transferable": False,
        "shareable": False,
        "coupon_state": coupon.state,
        "coupon_use_rule": coupon_use_rule(stock),
        "coupon_code": coupon.coupon_code,
        "stock_id": stock.stock_id,
        "available_start_time": rfc3339(coupon.valid_from),
        "expire_time": rfc3339(coupon.valid_until),
        "receive_time": rfc3339(coupon.claimed_at),
    }
    if coupon.out_request_no:
        body["send_request_no"] = coupon.out_request_no
    if coupon.use_request_no and coupon.state == "USED":
        body["use_request_no"] = coupon.use_request_no
        body["use_time"] = rfc3339(coupon.used_at)
    return body


FAVOR_COUPON_STATE = {"SENDED": "SENDED", "USED": "USED", "EXPIRED": "EXPIRED", "DEACTIVATED": "EXPIRED"}


def favor_coupon(
    coupon: Coupon, stock: Stock, mchid: str, consume_mchid: str | None = None
) -> dict[str, Any]:
    """The voucher as WeChat's favor query shows it; ``mchid`` is the stock's creator (``""`` for a
    platform-funded stock), ``consume_mchid`` the merchant paid (the creator unless given)."""
    body: dict[str, Any] = {
        "stock_creator_mchid": mchid,
        "stock_id": stock.stock_id,
        "coupon_id": coupon.coupon_id,
        "coupon_name": stock.name,
        "status": FAVOR_COUPON_STATE[coupon.state],
        "description": stock.comment,
        "create_time": rfc3339(coupon.claimed_at),
        "coupon_type": "NORMAL",
        "no_cash": False,
        "available_begin_time": rfc3339(coupon.valid_from),
        "available_end_time": rfc3339(coupon.valid_until),
        "singleitem": False,
        "normal_coupon_information": {
            "coupon_amount": stock.amount_off,
            "transaction_minimum": stock.transaction_minimum,
        },
    }
    if coupon.state == "USED":
        body["consume_information"] = {
            "consume_time": rfc3339(coupon.used_at),
            "consume_mchid": consume_mchid if consume_mchid is not None else mchid,
            "transaction_id": coupon.transaction_id or "",
        }
    return body


# ---- validity and worth --------------------------------------------------------------------------


def validity(stock: Stock, claimed_at: datetime) -> tuple[datetime, datetime]:
    """From when until when a coupon claimed at ``claimed_at`` may be used."""
    ends = aware(stock.ends_at)
    if stock.days_after_claim:
        ends = min(ends, claimed_at + timedelta(days=stock.days_after_claim))
    return max(aware(stock.begins_at), claimed_at), ends


@dataclass(frozen=True)
class Refusal:
    code: str  # expired, not_yet_valid, wrong_day, wrong_time, wrong_store, below_minimum, goods_tag
    message: str


def usable_now(stock: Stock, coupon: Coupon, at: datetime, store_id: int | None) -> Refusal | None:
    """Why ``coupon`` cannot be used at ``at`` (Beijing weekday and time) in ``store_id``, or None."""
    if at < aware(coupon.valid_from):
        return Refusal("not_yet_valid", "券尚未生效 (not valid yet)")
    if at >= aware(coupon.valid_until):
        return Refusal("expired", "券已过期 (the coupon has expired)")
    local = aware(at).astimezone(BEIJING)
    if stock.week_days and (local.isoweekday() % 7) not in stock.week_days:
        return Refusal("wrong_day", "今日不可用 (not usable on this weekday)")
    second = local.hour * 3600 + local.minute * 60 + local.second
    if stock.day_times and not any(begin <= second < end for begin, end in stock.day_times):
        return Refusal("wrong_time", "当前时段不可用 (not usable at this time of day)")
    if store_id is not None and stock.store_ids and store_id not in stock.store_ids:
        return Refusal("wrong_store", "本门店不可用 (not usable in this store)")
    return None


def discount_for(stock: Stock, total: int, goods_tag: str | None = None) -> int | None:
    """Fen this stock's coupon takes off an order of ``total`` fen (None: it does not apply)."""
    if total < stock.transaction_minimum or total <= 0:
        return None
    if stock.goods_tags and goods_tag not in stock.goods_tags:
        return None
    if stock.stock_type == "NORMAL":
        # The payer pays at least 1 fen, as WeChat requires of a discounted order.
        return min(stock.amount_off or 0, total - 1) or None
    if stock.stock_type == "DISCOUNT":
        off = total * (100 - (stock.discount_percent or 100)) // 100
        if stock.max_discount:
            off = min(off, stock.max_discount)
        return min(off, total - 1) or None
    price = stock.exchange_price or 0
    return (total - price) if total > price else None
