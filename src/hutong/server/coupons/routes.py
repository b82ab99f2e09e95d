"""WeChat Pay v3's coupon APIs at WeChat's paths: merchant coupons (/v3/marketing/busifavor/…) and
vouchers (/v3/marketing/favor/…). Every call is authenticated by the merchant's signature and every
answer signed by the platform, exactly as the payment APIs (wechatpay/api.py); errors are
``{code, message}`` with WeChat's statuses. Wrong coupon codes are counted per merchant: past
``GUESSES`` in ``GUESS_WINDOW`` seconds every ``use`` is refused until the window slides on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.coupons import guesses, issuing, rules, using
from hutong.server.coupons.models import CallbackSettings, Coupon, Stock, Store
from hutong.server.deps import database, settings
from hutong.server.identity import service as identity
from hutong.server.payments import merchants, validate
from hutong.server.payments.ids import now, rfc3339
from hutong.server.payments.models import Merchant
from hutong.server.payments.routes import merchant_caller
from hutong.server.wechatpay import api
from hutong.server.wechatpay.errors import PayError, param_error

router = APIRouter(include_in_schema=False)


def _body(call: api.Call) -> dict[str, Any]:
    body = call.json()
    if not isinstance(body, dict):
        raise param_error("请求体须为 JSON 对象")
    return body


def _same_merchant(value: Any, merchant: Merchant, field: str) -> None:
    if value != merchant.mchid:
        raise PayError(400, "MCH_NOT_EXISTS", f"{field} 与请求认证的商户号不一致")


def _request_no(body: dict[str, Any], name: str) -> str:
    value = validate.text(body, name, 64)
    assert value is not None
    return value


async def _claimant(session: AsyncSession, merchant: Merchant, appid: str, openid: str) -> issuing.Claimant:
    app = await merchants.bound_app(session, merchant, appid)
    if app is None:
        raise PayError(400, "APPID_MCHID_NOT_MATCH", "appid 和 mch_id 不匹配 (the appid is not bound)")
    user_id = await identity.user_for_openid(session, app, openid)
    if user_id is None:
        raise PayError(400, "OPENID_MISMATCH", "openid 和 appid 不匹配")
    return issuing.Claimant(user_id, app.id, app.appid, openid)


# ---- merchant coupons (商家券) ---------------------------------------------------------------------


@router.post("/v3/marketing/busifavor/stocks")
async def busifavor_create(request: Request) -> Response:
    call, merchant = await merchant_caller(request)
    body = _body(call)
    async with database(request).session() as session:
        # WeChat's merchant coupons can be claimed as soon as they are made.
        stock = await issuing.create_stock(session, merchant, "busifavor", body, state="running")
        answer = {"stock_id": stock.stock_id, "create_time": rfc3339(stock.created_at)}
    return await api.answer(request, 200, answer)


@router.get("/v3/marketing/busifavor/stocks/{stock_id}")
async def busifavor_query(request: Request, stock_id: str) -> Response:
    _, merchant = await merchant_caller(request)
    async with database(request).session() as session:
        stock = await issuing.stock_of(session, merchant, stock_id)
        answer = rules.busifavor_stock(stock, merchant.mchid)
    return await api.answer(request, 200, answer)


@router.post("/v3/marketing/busifavor/stocks/{stock_id}/couponcodes")
async def busifavor_upload_codes(request: Request, stock_id: str) -> Response:
    call, merchant = await merchant_caller(request)
    body = _body(call)
    _request_no(body, "upload_request_no")
    codes = body.get("coupon_code_list")
    async with database(request).session() as session:
        stock = await issuing.stock_of(session, merchant, stock_id)
        added, existed = await issuing.upload_codes(session, stock, codes)
        assert isinstance(codes, list)
        answer = {
            "stock_id": stock.stock_id,
            "total_count": len(codes),
            "success_count": added,
            "success_codes": [code for code in dict.fromkeys(codes) if code not in existed],
            "fail_count": 0,
            "fail_codes": [],
            "existed_codes": existed,
            "duplicate_codes": sorted({c for c in codes if codes.count(c) > 1}),
            "upload_time": rfc3339(now()),
        }
    return await api.answer(request, 200, answer)


@router.post("/v3/marketing/busifavor/coupons/use")
async def busifavor_use(request: Request) -> Response:
    call, merchant = await merchant_caller(request)
    body = _body(call)
    code = validate.text(body, "coupon_code", 32)
    use_request_no = _request_no(body, "use_request_no")
    validate.text(body, "use_time", 64)
    validate.text(body, "appid", 32)
    assert code is not None
    guard = guesses.Guard(request.app.state.limiter, f"mch:{merchant.mchid}")
    await guard.check()
    async with database(request).session() as session:
        found = await using.find_by_code(session, merchant, code)
        stock_id = body.get("stock_id")
        if found is None or (stock_id is not None and found[1].stock_id != stock_id):
            await guard.missed()
            raise using.not_found()
        coupon, stock = found
        if body.get("openid") is not None and body["openid"] != coupon.openid:
            raise PayError(400, "INVALID_REQUEST", "openid 与券的领取人不一致")
        done = await using.use(session, merchant, coupon, stock, use_request_no=use_request_no)
        answer = {
            "stock_id": stock.stock_id,
            "openid": coupon.openid,
            "wechatpay_use_time": rfc3339(done.coupon.used_at),
        }
    return await api.answer(request, 200, answer)


async def _coupon_of(session: AsyncSession, merchant: Merchant, body: dict[str, Any]) -> tuple[Coupon, Stock]:
    code = validate.text(body, "coupon_code", 32)
    stock_id = validate.text(body, "stock_id", 20)
    stock = await issuing.stock_of(session, merchant, str(stock_id))
    coupon = await session.scalar(
        select(Coupon).where(Coupon.stock_pk == stock.id, Coupon.coupon_code == code)
    )
    if coupon is None:
        raise using.not_found()
    return coupon, stock


@router.post("/v3/marketing/busifavor/coupons/return")
async def busifavor_return(request: Request) -> Response:
    call, merchant = await merchant_caller(request)
    body = _body(call)
    request_no = _request_no(body, "return_request_no")
    async with database(request).session() as session:
        coupon, stock = await _coupon_of(session, merchant, body)
        at = await using.give_back(session, coupon, stock, request_no)
    return await api.answer(request, 200, {"wechatpay_return_time": rfc3339(at)})


@router.post("/v3/marketing/busifavor/coupons/deactivate")
async def busifavor_deactivate(request: Request) -> Response:
    call, merchant = await merchant_caller(request)
    body = _body(call)
    request_no = _request_no(body, "deactivate_request_no")
    async with database(request).session() as session:
        coupon, _ = await _coupon_of(session, merchant, body)
        at = await using.deactivate(session, coupon, request_no)
    return await api.answer(request, 200, {"wechatpay_deactivate_time": rfc3339(at)})


def _page(request: Request) -> tuple[int, int]:
    try:
        offset = int(request.query_params.get("offset", "0"))
        limit = int(request.query_params.get("limit", "20"))
    except ValueError:
        raise param_error("offset 和 limit 须为整数") from None
    if offset < 0 or not 1 <= limit <= 50:
        raise param_error("limit 须为 1 到 50")
    return offset, limit


async def _user_coupons(
    request: Request, merchant: Merchant, openid: str, family: str, state_param: str
) -> tuple[list[tuple[Coupon, Stock]], int, int, int]:
    appid = request.query_params.get("appid")
    if not appid:
        raise param_error("缺少参数 appid", "appid")
    offset, limit = _page(request)
    query = (
        select(Coupon, Stock)
        .join(Stock, Stock.id == Coupon.stock_pk)
        .where(
            Stock.merchant_id == merchant.id,
            Stock.family == family,
            Coupon.appid == appid,
            Coupon.openid == openid,
        )
    )
    if request.query_params.get("stock_id"):
        query = query.where(Stock.stock_id == request.query_params["stock_id"])
    if request.query_params.get(state_param):
        query = query.where(Coupon.state == request.query_params[state_param])
    async with database(request).session() as session:
        total = await session.scalar(select(func.count()).select_from(query.subquery()))
        rows = (await session.execute(query.order_by(Coupon.id.desc()).offset(offset).limit(limit))).all()
    return [(row[0], row[1]) for row in rows], int(total or 0), offset, limit


@router.get("/v3/marketing/busifavor/users/{openid}/coupons")
async def busifavor_user_coupons(request: Request, openid: str) -> Response:
    _, merchant = await merchant_caller(request)
    rows, total, offset, limit = await _user_coupons(request, merchant, openid, "busifavor", "coupon_state")
    data = [rules.busifavor_coupon(coupon, stock, merchant.mchid) for coupon, stock in rows]
    answer = {"data": data, "total_count": total, "offset": offset, "limit": limit}
    return await api.answer(request, 200, answer)


@router.get("/v3/marketing/busifavor/users/{openid}/coupons/{coupon_code}/appids/{appid}")
async def busifavor_coupon(request: Request, openid: str, coupon_code: str, appid: str) -> Response:
    _, merchant = await merchant_caller(request)
    async with database(request).session() as session:
        row = (
            await session.execute(
                select(Coupon, Stock)
                .join(Stock, Stock.id == Coupon.stock_pk)
                .where(
                    Stock.merchant_id == merchant.id,
                    Coupon.coupon_code == coupon_code,
                    Coupon.openid == openid,
                    Coupon.appid == appid,
                )
            )
        ).first()
    if row is None:
        raise using.not_found()
    return await api.answer(request, 200, rules.busifavor_coupon(row[0], row[1], merchant.mchid))


async def _set_callback(request: Request, family: str) -> Response:
    call, merchant = await merchant_caller(request)
    body = _body(call)
    _same_merchant(body.get("mchid", merchant.mchid), merchant, "mchid")
    allow_http = bool(settings(request).egress_allow_networks.strip())
    url = validate.notify_url(body.get("notify_url"), merchant.notify_prefixes or [], allow_http)
    async with database(request).session() as session:
        row = await session.get(CallbackSettings, merchant.id)
        if row is None:
            row = CallbackSettings(merchant_id=merchant.id)
            session.add(row)
        if family == "busifavor":
            row.busifavor_url = url
        else:
            row.favor_url = url if body.get("switch", True) else None
        await session.flush()
    answer: dict[str, Any] = {"update_time": rfc3339(now()), "notify_url": url}
    if family == "busifavor":
        answer["mchid"] = merchant.mchid
    return await api.answer(request, 200, answer)


@router.post("/v3/marketing/busifavor/callbacks")
async def busifavor_set_callback(request: Request) -> Response:
    return await _set_callback(request, "busifavor")


@router.get("/v3/marketing/busifavor/callbacks")
async def busifavor_get_callback(request: Request) -> Response:
    _, merchant = await merchant_caller(request)
    _same_merchant(request.query_params.get("mchid", merchant.mchid), merchant, "mchid")
    async with database(request).session() as session:
        row = await session.get(CallbackSettings, merchant.id)
    answer = {"notify_url": (row.busifavor_url if row else None) or "", "mchid": merchant.mchid}
    return await api.answer(request, 200, answer)


# ---- vouchers (代金券) -------------------------------------------------------------------------------


@router.post("/v3/marketing/favor/coupon-stocks")
async def favor_create(request: Request) -> Response:
    call, merchant = await merchant_caller(request)
    body = _body(call)
    async with database(request).session() as session:
        # A voucher stock waits for /start, as WeChat's does (状态: 未激活).
        stock = await issuing.create_stock(session, merchant, "favor", body, state="draft")
        for store_id in stock.store_ids:
            store = await session.get(Store, store_id)
            if store is None or store.merchant_id != merchant.id:
                raise param_error(
                    f"门店 {store_id} 不属于该商户 (not a store of this merchant)",
                    "coupon_use_rule.available_stores",
                )
        answer = {"stock_id": stock.stock_id, "create_time": rfc3339(stock.created_at)}
    return await api.answer(request, 200, answer)


async def _favor_move(request: Request, stock_id: str, action: str, field: str) -> Response:
    call, merchant = await merchant_caller(request)
    body = _body(call)
    _same_merchant(body.get("stock_creator_mchid"), merchant, "stock_creator_mchid")
    async with database(request).session() as session:
        stock = await issuing.stock_of(session, merchant, stock_id)
        await issuing.move(session, stock, action)
    return await api.answer(request, 200, {field: rfc3339(now()), "stock_id": stock_id})


@router.post("/v3/marketing/favor/stocks/{stock_id}/start")
async def favor_start(request: Request, stock_id: str) -> Response:
    return await _favor_move(request, stock_id, "start", "start_time")


@router.post("/v3/marketing/favor/stocks/{stock_id}/pause")
async def favor_pause(request: Request, stock_id: str) -> Response:
    return await _favor_move(request, stock_id, "pause", "pause_time")


@router.post("/v3/marketing/favor/stocks/{stock_id}/restart")
async def favor_restart(request: Request, stock_id: str) -> Response:
    return await _favor_move(request, stock_id, "restart", "restart_time")


@router.get("/v3/marketing/favor/stocks/{stock_id}")
async def favor_query(request: Request, stock_id: str) -> Response:
    _, merchant = await merchant_caller(request)
    _same_merchant(request.query_params.get("stock_creator_mchid"), merchant, "stock_creator_mchid")
    async with database(request).session() as session:
        stock = await issuing.stock_of(session, merchant, stock_id)
        answer = rules.favor_stock(stock, merchant.mchid)
    return await api.answer(request, 200, answer)


@router.post("/v3/marketing/favor/users/{openid}/coupons")
async def favor_send(request: Request, openid: str) -> Response:
    """Send one coupon to an openid; idempotent on ``out_request_no``. Hutong also sends merchant
    coupons (busifavor stocks) this way, as a developer's server needs to."""
    call, merchant = await merchant_caller(request)
    body = _body(call)
    _same_merchant(body.get("stock_creator_mchid"), merchant, "stock_creator_mchid")
    stock_id = validate.text(body, "stock_id", 20)
    appid = validate.text(body, "appid", 32)
    out_request_no = _request_no(body, "out_request_no")
    assert stock_id is not None and appid is not None
    async with database(request).session() as session:
        stock = await issuing.stock_of(session, merchant, stock_id)
        claimant = await _claimant(session, merchant, appid, openid)
        coupon, _ = await issuing.claim(
            session, stock, merchant, claimant, out_request_no=out_request_no, channel="API"
        )
        answer = {"coupon_id": coupon.coupon_id}
    return await api.answer(request, 200, answer)


@router.get("/v3/marketing/favor/users/{openid}/coupons")
async def favor_user_coupons(request: Request, openid: str) -> Response:
    _, merchant = await merchant_caller(request)
    rows, total, offset, limit = await _user_coupons(request, merchant, openid, "favor", "status")
    data = [rules.favor_coupon(coupon, stock, merchant.mchid) for coupon, stock in rows]
    answer = {"data": data, "total_count": total, "offset": offset, "limit": limit}
    return await api.answer(request, 200, answer)


@router.get("/v3/marketing/favor/users/{openid}/coupons/{coupon_id}")
async def favor_coupon(request: Request, openid: str, coupon_id: str) -> Response:
    _, merchant = await merchant_caller(request)
    async with database(request).session() as session:
        row = (
            await session.execute(
                select(Coupon, Stock)
                .join(Stock, Stock.id == Coupon.stock_pk)
                .where(
                    Stock.merchant_id == merchant.id,
                    Coupon.coupon_id == coupon_id,
                    Coupon.openid == openid,
                    Coupon.appid == request.query_params.get("appid", ""),
                )
            )
        ).first()
    if row is None:
        raise using.not_found()
    return await api.answer(request, 200, rules.favor_coupon(row[0], row[1], merchant.mchid))


@router.post("/v3/marketing/favor/callbacks")
async def favor_set_callback(request: Request) -> Response:
    return await _set_callback(request, "favor")
