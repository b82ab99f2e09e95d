"""Console pages for a merchant's coupons and stores: the stocks with their numbers, a form that makes
a stock (WeChat's merchant-coupon body built from a few fields), start/pause/restart/stop; a stock's
results by day and store with the CSV export; the stores with their opening hours and cashiers; and a
store's redemption page, where a cashier scans a coupon (a USB scanner types the code and Enter into
the focused field) and sees at once whether it was redeemed or why not; and for platform operators,
the platform-funded voucher stocks (make, start, pause, send, their budgets, the callback URL).

Like console/payments.py, every page and form calls the JSON API's handlers
(server/coupons/manage_routes.py) in process, so role checks and audit records live in one place."""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from hutong.console.analytics import CHARTS_VERSION
from hutong.console.payments import _do, _signed_in, yuan_to_fen
from hutong.console.routes import SIGN_IN, _back, _page
from hutong.server import ledger
from hutong.server.accounts.models import User
from hutong.server.coupons import manage_routes as api
from hutong.server.coupons import platform
from hutong.server.deps import database
from hutong.server.payments import manage_routes as payments_api
from hutong.server.payments.ids import BEIJING, now, rfc3339
from hutong.server.problems import Problem

router = APIRouter(prefix="/console", include_in_schema=False)


def _int(form: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = form.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise Problem(422, "invalid_stock", f"{name} is a whole number from {low} to {high}")
    return int(text)


def stock_body(form: dict[str, str], store_ids: list[int]) -> dict[str, Any]:
    """WeChat's busifavor stock body from the console's form (amounts typed in yuan)."""
    kind = form.get("kind", "NORMAL")
    minimum = yuan_to_fen(form["minimum"]) if form.get("minimum", "").strip() else 0
    rule: dict[str, Any]
    if kind == "DISCOUNT":
        rule = {
            "discount_coupon": {
                "discount_percent": _int(form, "percent", 90, 1, 99),
                "transaction_minimum": minimum,
            }
        }
        if form.get("cap", "").strip():
            rule["discount_coupon"]["max_discount_amount"] = yuan_to_fen(form["cap"])
    elif kind == "EXCHANGE":
        rule = {
            "exchange_coupon": {
                "exchange_price": yuan_to_fen(form.get("price", "") or "0.01"),
                "transaction_minimum": minimum,
            }
        }
    else:
        kind = "NORMAL"
        rule = {
            "fixed_normal_coupon": {
                "discount_amount": yuan_to_fen(form.get("amount", "")),
                "transaction_minimum": minimum,
            }
        }
    begins = now() - timedelta(minutes=1)
    try:
        ends = (
            datetime.fromisoformat(form.get("ends", "")).replace(tzinfo=BEIJING) if form.get("ends") else None
        )
    except ValueError:
        raise Problem(422, "invalid_stock", "the end date is YYYY-MM-DD") from None
    ends = ends + timedelta(days=1) if ends is not None else begins + timedelta(days=30)
    available: dict[str, Any] = {"available_begin_time": rfc3339(begins), "available_end_time": rfc3339(ends)}
    if form.get("days_after", "").strip():
        available["available_day_after_receive"] = _int(form, "days_after", 7, 1, 365)
    rule.update(coupon_available_time=available, use_method=form.get("use_method", "OFF_LINE"))
    if store_ids:
        rule["available_stores"] = store_ids
    if form.get("goods_tag", "").strip():
        rule["goods_tag"] = [tag.strip() for tag in form["goods_tag"].split(",") if tag.strip()]
    if form.get("appid", "").strip():
        rule["mini_programs_appid"] = form["appid"].strip()
    send_rule: dict[str, Any] = {
        "max_coupons": _int(form, "max_coupons", 100, 1, 100_000_000),
        "max_coupons_per_user": _int(form, "per_user", 1, 1, 100),
    }
    if form.get("per_day", "").strip():
        send_rule["max_coupons_by_day"] = _int(form, "per_day", 1, 1, 100_000_000)
    return {
        "stock_name": form.get("name", "").strip(),
        "goods_name": form.get("goods_name", "").strip() or "全场通用",
        "stock_type": kind,
        "coupon_use_rule": rule,
        "stock_send_rule": send_rule,
        "coupon_code_mode": "WECHATPAY_MODE",
    }


class _JsonRequest:
    """The API handler reads the stock body with ``request.json()``; the console hands it the form's."""

    def __init__(self, request: Request, body: dict[str, Any]) -> None:
        self._request = request
        self._body = body

    def __getattr__(self, name: str) -> Any:
        return getattr(self._request, name)

    async def json(self) -> Any:
        return self._body


@router.get("/merchants/{mchid}/coupons")
async def coupons_page(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await payments_api.get_merchant(request, mchid, user)
    stocks = await api.list_stocks(request, mchid, user)
    found = await api.list_stores(request, mchid, user)
    report = await api.merchant_results(request, mchid, user)
    assert isinstance(report, dict)
    return _page(
        request, "coupons.html", user, csrf, m=merchant, stocks=stocks, stores=found, overall=report["total"],
        days=report["days"], charts=json.dumps(charts_of(report), ensure_ascii=False).replace("<", "\\u003c"),
        charts_version=CHARTS_VERSION,
    )  # fmt: skip


CHARTS = {"claims": "claimed", "uses": "redeemed", "visits": "store_visits", "gmv": "gmv_fen"}


def charts_of(report: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Chartkick's series for the Coupons page: for each figure, one line per stock (named by the stock's
    name and id), a point per Beijing day; GMV in yuan."""
    out: dict[str, list[dict[str, Any]]] = {}
    for chart, field in CHARTS.items():
        out[chart] = [
            {
                "name": f"{stock['name']} · {stock['stock_id']}",
                "data": [
                    [day["date"], day[field] / 100 if field == "gmv_fen" else day[field]]
                    for day in stock["days"]
                ],
            }
            for stock in report["stocks"]
        ]
    return out


@router.post("/merchants/{mchid}/coupons")
async def create_stock(mchid: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        raw = await request.form()
        store_ids = [int(v) for v in raw.getlist("stores") if isinstance(v, str) and v.isdigit()]
        made = await api.create_stock(_JsonRequest(request, stock_body(form, store_ids)), mchid, user)  # type: ignore[arg-type]
        return f"stock {made['stock_id']} made as a draft: start it to hand coupons out"

    return await _do(request, f"/console/merchants/{mchid}/coupons", run)


@router.post("/merchants/{mchid}/coupons/{stock_id}/poster")
async def poster_code(mchid: str, stock_id: str, request: Request) -> Response:
    """A poster's claim code for this stock: the page shows its QR code and link to print."""
    user, csrf = await _signed_in(request, post=True)
    if user is None:
        return SIGN_IN
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    back = f"/console/merchants/{mchid}/coupons/{stock_id}"
    try:
        body = api.ClaimLinkIn(
            appid=fields.get("appid", ""), scene=fields.get("scene", ""), path=fields.get("path", "")
        )
        link = await api.create_claim_link(request, mchid, stock_id, body, user)
    except Problem as problem:
        return _back(back, error=problem.detail)
    except ValidationError as error:
        return _back(back, error=str(error.errors()[0].get("msg", "invalid")))
    merchant = await payments_api.get_merchant(request, mchid, user)
    report = await api.stock_results(request, mchid, stock_id, user)
    assert isinstance(report, dict)
    return _page(
        request, "coupon_stock.html", user, csrf, m=merchant, r=report, peak=_peak(report), poster=link
    )


# After /poster: its {action} would swallow it.
@router.post("/merchants/{mchid}/coupons/{stock_id}/{action}")
async def move_stock(mchid: str, stock_id: str, action: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        moved = await api.move_stock(request, mchid, stock_id, action, user)
        return f"stock {stock_id} is {moved['state']}"

    return await _do(request, f"/console/merchants/{mchid}/coupons", run)


@router.get("/merchants/{mchid}/coupons/{stock_id}")
async def stock_page(mchid: str, stock_id: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await payments_api.get_merchant(request, mchid, user)
    report = await api.stock_results(request, mchid, stock_id, user)
    assert isinstance(report, dict)
    return _page(request, "coupon_stock.html", user, csrf, m=merchant, r=report, peak=_peak(report))


def _peak(report: dict[str, Any]) -> int:
    """The longest bar's count (each day's bars are drawn against it)."""
    counts = [int(day["claimed"]) for day in report["days"]] + [
        int(day["redeemed"]) for day in report["days"]
    ]
    return max([*counts, 1])


@router.get("/merchants/{mchid}/stores")
async def stores_page(mchid: str, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    merchant = await payments_api.get_merchant(request, mchid, user)
    found = await api.list_stores(request, mchid, user)
    return _page(request, "stores.html", user, csrf, m=merchant, stores=found)


DAYS = {"mon-fri": [1, 2, 3, 4, 5], "every day": [0, 1, 2, 3, 4, 5, 6], "sat-sun": [0, 6]}


@router.post("/merchants/{mchid}/stores")
async def create_store(mchid: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        body: dict[str, Any] = {"name": form.get("name", ""), "address": form.get("address", "")}
        for field in ("latitude", "longitude"):
            if form.get(field, "").strip():
                try:
                    body[field] = float(form[field])
                except ValueError:
                    raise Problem(422, "invalid_store", f"{field} is a number") from None
        if form.get("open") and form.get("close"):
            body["hours"] = [
                {
                    "days": DAYS.get(form.get("days", ""), DAYS["every day"]),
                    "open": form["open"],
                    "close": form["close"],
                }
            ]
        made = await api.create_store(request, mchid, api.StoreIn(**body), user)
        return f"store {made['name']} added"

    return await _do(request, f"/console/merchants/{mchid}/stores", run)


@router.post("/merchants/{mchid}/stores/{store_id}/staff")
async def add_staff(mchid: str, store_id: int, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        await api.add_staff(request, mchid, store_id, api.StaffIn(email=form.get("email", "")), user)
        return f"{form.get('email')} may now redeem coupons at this store"

    return await _do(request, f"/console/merchants/{mchid}/stores", run)


@router.get("/stores/{store_id}/redeem")
async def redeem_page(store_id: int, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    store = await api.store_for_staff(request, store_id, user)
    return _page(request, "redeem.html", user, csrf, store=store, result=None)


@router.post("/stores/{store_id}/redeem")
async def redeem(store_id: int, request: Request) -> Response:
    user, csrf = await _signed_in(request, post=True)
    if user is None:
        return SIGN_IN
    form = await request.form()
    fields = {k: v for k, v in form.items() if not isinstance(v, UploadFile)}
    store = await api.store_for_staff(request, store_id, user)
    total = fields.get("order_total", "").strip()
    try:
        body = api.RedemptionIn(
            code=fields.get("code", "").replace(" ", "") or "-",
            order_total_fen=yuan_to_fen(total) if total else None,
            request_no=fields.get("request_no") or None,
        )
        result: dict[str, Any] = {"ok": True, **(await api.redeem(request, store_id, body, user))}
    except Problem as problem:
        if problem.status == 404 and problem.code == "store_not_found":
            return _back("/console/", error=problem.detail)
        result = {"ok": False, "code": problem.code, "message": problem.detail}
    return _page(request, "redeem.html", user, csrf, store=store, result=result)


# Platform-funded vouchers (operators) -------------------------------------------------------------

OPERATOR_PAGE = "/console/operator/coupons"


def platform_stock_body(form: dict[str, str]) -> dict[str, Any]:
    """WeChat's favor stock body (plus ``available_merchants``) from the operator's form, in yuan."""
    amount = yuan_to_fen(form.get("amount", ""))
    count = _int(form, "max_coupons", 100, 1, 10_000_000)
    days = _int(form, "days", 30, 1, 90)
    begins = now() - timedelta(minutes=1)
    minimum = yuan_to_fen(form["minimum"]) if form.get("minimum", "").strip() else 0
    merchants = [m.strip() for m in form.get("merchants", "").replace("，", ",").split(",") if m.strip()]
    return {
        "stock_name": form.get("name", "").strip(),
        "available_begin_time": rfc3339(begins),
        "available_end_time": rfc3339(begins + timedelta(days=days)),
        "stock_use_rule": {
            "max_coupons": count,
            "max_amount": amount * count,
            "max_coupons_per_user": _int(form, "per_user", 1, 1, 60),
        },
        "coupon_use_rule": {"fixed_normal_coupon": {"coupon_amount": amount, "transaction_minimum": minimum}},
        "no_cash": False,
        "stock_type": "NORMAL",
        "out_request_no": form.get("out_request_no", "").strip() or f"CONSOLE-{secrets.token_hex(8)}",
        "available_merchants": merchants,
    }


@router.get("/operator/coupons")
async def operator_coupons_page(request: Request) -> Response:
    user, csrf = await _signed_in(request, post=False)
    if user is None:
        return SIGN_IN
    stocks = await platform.list_stocks(request, user)
    callback = await platform.get_callback(request, user)
    async with database(request).session() as session:
        marketing = await ledger.balance(session, ledger.account("platform_marketing"))
    return _page(
        request, "operator_coupons.html", user, csrf, stocks=stocks, callback=callback,
        marketing_fen=marketing, send_number=f"CONSOLE-{secrets.token_hex(8)}",
    )  # fmt: skip


@router.post("/operator/coupons")
async def operator_create_stock(request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        made = await platform.create(_JsonRequest(request, platform_stock_body(form)), user)  # type: ignore[arg-type]
        return f"platform stock {made['stock_id']} made as a draft: start it to lock its budget"

    return await _do(request, OPERATOR_PAGE, run)


@router.post("/operator/coupons/callbacks")
async def operator_set_callback(request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        body = platform.CallbackIn(
            notify_url=form.get("notify_url", "").strip(),
            apiv3_key=form.get("apiv3_key", "").strip() or None,
            public_key_mode=form.get("public_key_mode") == "on",
        )
        done = await platform.set_callback(request, body, user)
        return f"COUPON.USE of platform stocks goes to {done['notify_url']}"

    return await _do(request, OPERATOR_PAGE, run)


@router.post("/operator/coupons/{stock_id}/send")
async def operator_send(stock_id: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        body = platform.SendIn(
            appid=form.get("appid", "").strip(),
            openid=form.get("openid", "").strip(),
            out_request_no=form.get("out_request_no", "").strip() or f"CONSOLE-{secrets.token_hex(8)}",
        )
        sent = await platform.send(request, stock_id, body, user)
        return f"voucher {sent['coupon_id']} sent"

    return await _do(request, OPERATOR_PAGE, run)


@router.post("/operator/coupons/{stock_id}/{action}")
async def operator_move(stock_id: str, action: str, request: Request) -> Response:
    async def run(user: User, form: dict[str, str]) -> str:
        moved = await platform.move(request, stock_id, action, user)
        return f"platform stock {stock_id} is {moved['state']}"

    return await _do(request, OPERATOR_PAGE, run)
