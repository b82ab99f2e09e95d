"""Hutong's own coupon API (not WeChat's): merchants manage stores, staff and stocks and read results
(/api/merchants/{mchid}/…, a bearer token or a console session with CSRF, each call role-checked like
the payments console API); staff redeem at a store (/api/stores/{id}/redemptions: a till system with
the cashier's API token, or the console's redemption page); users list their coupons and show a code
(/api/me/coupons, host-only)."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import App
from hutong.server.audit import service as audit
from hutong.server.consent.routes import host_only
from hutong.server.coupons import guesses, issuing, plugin, results, rules, stores, using
from hutong.server.coupons.models import ClaimLink, Coupon, Stock
from hutong.server.deps import database, settings
from hutong.server.identity import service as identity
from hutong.server.payments import merchants
from hutong.server.payments.ids import rfc3339
from hutong.server.payments.manage_routes import merchant_for
from hutong.server.payments.models import Merchant
from hutong.server.problems import Problem
from hutong.server.wallet.paycodes import svg
from hutong.server.wechatpay.errors import PayError

router = APIRouter(prefix="/api", tags=["coupons"])
me_router = APIRouter(prefix="/api/me/coupons", tags=["coupons"], dependencies=[Depends(host_only)])
Caller = Annotated[User, Depends(current_user)]


def _problem(error: PayError) -> Problem:
    """A WeChat-shaped refusal as this API's problem JSON, keeping its stable reason."""
    reason = getattr(error, "reason", None) or error.code.lower()
    status = 404 if error.status == 404 else 429 if error.status == 429 else 409
    return Problem(status, f"coupon_{reason}", error.message)


# ---- stores and staff -------------------------------------------------------------------------------


class StoreIn(BaseModel):
    name: str | None = Field(default=None, max_length=64)
    address: str | None = Field(default=None, max_length=256)
    latitude: float | None = None
    longitude: float | None = None
    hours: list[dict[str, Any]] | None = Field(default=None, max_length=14)
    active: bool | None = None


class StaffIn(BaseModel):
    email: str = Field(min_length=3, max_length=320)


@router.post("/merchants/{mchid}/stores", status_code=201)
async def create_store(request: Request, mchid: str, body: StoreIn, user: Caller) -> dict[str, Any]:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        store = await stores.create(session, merchant, body.model_dump(exclude_unset=True))
        await audit.record(session, None, user, "store.create", mchid=mchid, store_id=store.id)
        return stores.describe(store, [])


@router.get("/merchants/{mchid}/stores")
async def list_stores(request: Request, mchid: str, user: Caller) -> list[dict[str, Any]]:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        return [
            stores.describe(store, await stores.staff_of(session, store))
            for store in await stores.of_merchant(session, merchant)
        ]


@router.patch("/merchants/{mchid}/stores/{store_id}")
async def update_store(
    request: Request, mchid: str, store_id: int, body: StoreIn, user: Caller
) -> dict[str, Any]:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        store = await stores.get(session, merchant, store_id)
        stores.apply(store, body.model_dump(exclude_unset=True))
        await session.flush()
        return stores.describe(store, await stores.staff_of(session, store))


@router.put("/merchants/{mchid}/stores/{store_id}/staff")
async def add_staff(
    request: Request, mchid: str, store_id: int, body: StaffIn, user: Caller
) -> dict[str, Any]:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        store = await stores.get(session, merchant, store_id)
        added = await stores.add_staff(session, store, body.email)
        await audit.record(session, None, user, "store.staff_add", store_id=store.id, staff=added.id)
        return stores.describe(store, await stores.staff_of(session, store))


@router.delete("/merchants/{mchid}/stores/{store_id}/staff/{user_id}", status_code=204)
async def remove_staff(request: Request, mchid: str, store_id: int, user_id: int, user: Caller) -> Response:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        store = await stores.get(session, merchant, store_id)
        await stores.remove_staff(session, store, user_id)
    return Response(status_code=204)


# ---- stocks -----------------------------------------------------------------------------------------


def _stock_summary(stock: Stock) -> dict[str, Any]:
    return {
        "stock_id": stock.stock_id,
        "family": stock.family,
        "name": stock.name,
        "goods_name": stock.goods_name,
        "stock_type": stock.stock_type,
        "state": stock.state,
        "issued": stock.issued,
        "used": stock.used,
        "max_coupons": stock.max_coupons,
        "begins_at": rfc3339(stock.begins_at),
        "ends_at": rfc3339(stock.ends_at),
        "coupon_use_rule": rules.coupon_use_rule(stock),
    }


@router.post("/merchants/{mchid}/coupon-stocks", status_code=201)
async def create_stock(request: Request, mchid: str, user: Caller) -> dict[str, Any]:
    """The body is WeChat's busifavor stock body; ``out_request_no`` may be left out (one is made).
    A stock made here starts as a draft, started from the console."""
    try:
        body = await request.json()
    except ValueError:  # empty or not JSON (json.JSONDecodeError, UnicodeDecodeError)
        body = None
    if not isinstance(body, dict):
        raise Problem(422, "invalid_stock", "a JSON object is needed")
    body.setdefault("out_request_no", "console-" + secrets.token_hex(8))
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        body.setdefault("belong_merchant", merchant.mchid)
        try:
            stock = await issuing.create_stock(session, merchant, "busifavor", body, state="draft")
        except PayError as error:
            raise Problem(422, "invalid_stock", error.message) from None
        await _check_stores(session, merchant, stock.store_ids)
        await audit.record(session, None, user, "coupon_stock.create", mchid=mchid, stock_id=stock.stock_id)
        return _stock_summary(stock)


async def _check_stores(session: AsyncSession, merchant: Merchant, store_ids: list[int]) -> None:
    for store_id in store_ids:
        await stores.get(session, merchant, store_id)


@router.get("/merchants/{mchid}/coupon-stocks")
async def list_stocks(request: Request, mchid: str, user: Caller) -> list[dict[str, Any]]:
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        rows = list(
            await session.scalars(
                select(Stock).where(Stock.merchant_id == merchant.id).order_by(Stock.id.desc())
            )
        )
        for stock in rows:
            await issuing.refresh_state(session, stock)
        return [_stock_summary(stock) for stock in rows]


@router.get("/merchants/{mchid}/coupon-results", response_model=None)
async def merchant_results(request: Request, mchid: str, user: Caller) -> Response | dict[str, Any]:
    """Every stock of the merchant together (both families): claimed, redeemed, rate, store visits,
    new and returning customers, GMV and discount; in total, by Beijing day, and each stock by day
    (what the console's charts draw); ``?format=csv`` for the days as CSV."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        report = await results.merchant_json(session, merchant.mchid, merchant.id)
    if request.query_params.get("format") == "csv":
        return Response(
            results.merchant_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="coupons-{mchid}.csv"'},
        )
    return report


@router.get("/merchants/{mchid}/coupon-stocks/{stock_id}/results", response_model=None)
async def stock_results(
    request: Request, mchid: str, stock_id: str, user: Caller
) -> Response | dict[str, Any]:
    """Claimed, redeemed, rate, store visits, new and returning customers, GMV: in total, by day and
    by store; ``?format=csv`` for the days as CSV."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.VIEW_PAYMENTS)
        try:
            stock = await issuing.stock_of(session, merchant, stock_id)
        except PayError:
            raise Problem(404, "stock_not_found", f"no stock {stock_id}") from None
        report = await results.as_json(session, stock)
    if request.query_params.get("format") == "csv":
        return Response(
            results.as_csv(report),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="coupons-{stock_id}.csv"'},
        )
    return report


# ---- claim codes and links for posters ---------------------------------------------------------------


class ClaimLinkIn(BaseModel):
    appid: str = Field(min_length=1, max_length=64)
    scene: str = Field(default="", max_length=32, pattern=r"^[0-9A-Za-z_.-]*$")
    path: str = Field(default="", max_length=256)


def claim_url(request: Request, token: str) -> str:
    return f"{settings(request).public_url.rstrip('/')}/coupon/{token}"


@router.post("/merchants/{mchid}/coupon-stocks/{stock_id}/claim-links", status_code=201)
async def create_claim_link(
    request: Request, mchid: str, stock_id: str, body: ClaimLinkIn, user: Caller
) -> dict[str, Any]:
    """A code for posters: its link (the shell's claim page) and the same as a QR code (SVG). The
    ``scene`` attributes every coupon claimed through it (results, the COUPON.SEND callback)."""
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        try:
            stock = await issuing.stock_of(session, merchant, stock_id)
        except PayError:
            raise Problem(404, "stock_not_found", f"no stock {stock_id}") from None
        app = await merchants.bound_app(session, merchant, body.appid)
        if app is None:
            raise Problem(422, "app_not_bound", "bind the mini program to this merchant first")
        link = ClaimLink(
            token="c" + secrets.token_urlsafe(15), stock_pk=stock.id, app_id=app.id, appid=app.appid,
            scene=body.scene, path=body.path.lstrip("/"),
        )  # fmt: skip
        session.add(link)
        await session.flush()
        url = claim_url(request, link.token)
        return {"token": link.token, "url": url, "scene": link.scene, "qr_svg": svg(url, "qr")}


async def _link(session: AsyncSession, token: str) -> tuple[ClaimLink, Stock, Merchant, App]:
    row = (
        await session.execute(
            select(ClaimLink, Stock, Merchant, App)
            .join(Stock, Stock.id == ClaimLink.stock_pk)
            .join(Merchant, Merchant.id == Stock.merchant_id)
            .join(App, App.id == ClaimLink.app_id)
            .where(ClaimLink.token == token)
        )
    ).first()
    if row is None:
        raise Problem(404, "claim_link_not_found", "no such coupon code")
    return row[0], row[1], row[2], row[3]


@me_router.get("/links/{token}")
async def claim_link_preview(request: Request, token: str, user: Caller) -> dict[str, Any]:
    """What the claim page shows before the user claims."""
    async with database(request).session() as session:
        link, stock, merchant, app = await _link(session, token)
        await issuing.refresh_state(session, stock)
        mine = await session.scalar(
            select(Coupon.coupon_id).where(
                Coupon.stock_pk == stock.id, Coupon.out_request_no == f"link:{link.token}:{user.id}"
            )
        )
        return {
            "name": stock.name,
            "goods_name": stock.goods_name,
            "merchant": merchant.name,
            "app_name": app.name,
            "appid": link.appid,
            "path": link.path,
            "coupon_use_rule": rules.coupon_use_rule(stock),
            "available": stock.state == "running",
            "claimed": mine,
        }


@me_router.post("/links/{token}")
async def claim_by_link(request: Request, token: str, user: Caller) -> dict[str, Any]:
    """Claim one coupon through a poster's code; the same user again answers the same coupon."""
    async with database(request).session() as session:
        link, stock, merchant, app = await _link(session, token)
        claimant = issuing.Claimant(
            user.id, app.id, app.appid, await identity.openid_for(session, app, user.id)
        )
        try:
            coupon, _ = await issuing.claim(
                session, stock, merchant, claimant, out_request_no=f"link:{link.token}:{user.id}",
                channel="CODE", scene=link.scene or None,
            )  # fmt: skip
        except issuing.ClaimRefused as refused:
            raise Problem(409, f"coupon_{refused.reason}", refused.message) from None
        return {"coupon_id": coupon.coupon_id, "appid": link.appid, "path": link.path, "name": stock.name}


# ---- the send-coupon plugin (the host asks for a mini program's page) --------------------------------


class SendCouponIn(BaseModel):
    appid: str = Field(min_length=1, max_length=64)
    send_coupon_params: list[dict[str, Any]] = Field(min_length=1, max_length=plugin.MAX_COUPONS)
    send_coupon_merchant: str = Field(min_length=1, max_length=32)
    sign: str = Field(min_length=1, max_length=128)


@me_router.post("/send-coupon/preview")
async def send_coupon_preview(request: Request, body: SendCouponIn, user: Caller) -> dict[str, Any]:
    """What the host's claim sheet shows: the signed stocks, checked before the user taps Claim. The
    appid is the host's record of which app asked, never the page's say."""
    async with database(request).session() as session:
        signed = await plugin.verify(session, body.appid, body.model_dump())
        return {
            "merchant": signed.merchant.name,
            "app_name": signed.app.name,
            "coupons": [
                {"stock_id": p["stock_id"], "name": s.name, "goods_name": s.goods_name,
                 "coupon_use_rule": rules.coupon_use_rule(s), "available": s.state == "running"}
                if s is not None else {"stock_id": p["stock_id"], "name": "", "available": False}
                for p, s in zip(signed.params, signed.stocks, strict=True)
            ],
        }  # fmt: skip


@me_router.post("/send-coupon")
async def send_coupon(request: Request, body: SendCouponIn, user: Caller) -> dict[str, Any]:
    """Claim what the signed parameters name, for the signed-in user (the tap on the host's sheet):
    ``send_coupon_result`` as the plugin's ``sendcoupon`` event carries it."""
    async with database(request).session() as session:
        signed = await plugin.verify(session, body.appid, body.model_dump())
        result = await plugin.claim(session, signed, user.id)
    return {"errcode": "OK", "msg": "", "send_coupon_result": result}


# ---- redemption at a store ----------------------------------------------------------------------------


class RedemptionIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    order_total_fen: int | None = Field(default=None, gt=0, le=10**10, strict=True)
    request_no: str | None = Field(default=None, min_length=1, max_length=64)


@router.post("/stores/{store_id}/redemptions")
async def redeem(request: Request, store_id: int, body: RedemptionIn, user: Caller) -> dict[str, Any]:
    """Redeem a scanned code at this store. The cashier must be the store's staff (or manage the
    merchant's payments); wrong codes are counted per cashier (guesses.py). ``request_no`` makes a
    retried request answer the first redemption rather than fail."""
    guard = guesses.Guard(request.app.state.limiter, f"staff:{user.id}")
    try:
        await guard.check()
    except PayError as error:
        raise _problem(error) from None
    code = body.code.strip()
    async with database(request).session() as session:
        store, merchant = await stores.redeemer_store(session, user, store_id)
        found = await using.find_by_code(session, merchant, code)
        if found is None:
            await guard.missed()
            raise Problem(404, "coupon_not_found", "no such coupon of this merchant")
        coupon, stock = found
        try:
            done = await using.use(
                session,
                merchant,
                coupon,
                stock,
                use_request_no=body.request_no or f"store{store.id}-{secrets.token_hex(8)}",
                store_id=store.id,
                used_by=f"staff:{user.id}",
                order_total=body.order_total_fen,
            )
        except PayError as error:
            raise _problem(error) from None
        return {
            "coupon_code": coupon.coupon_code,
            "stock_id": stock.stock_id,
            "name": stock.name,
            "goods_name": stock.goods_name,
            "coupon_use_rule": rules.coupon_use_rule(stock),
            "discount_fen": done.coupon.discount,
            "used_at": rfc3339(done.coupon.used_at),
            "store": store.name,
            "first_visit": done.coupon.first_visit,
            "replayed": done.replayed,
        }


@router.get("/stores/{store_id}")
async def store_for_staff(request: Request, store_id: int, user: Caller) -> dict[str, Any]:
    async with database(request).session() as session:
        store, merchant = await stores.redeemer_store(session, user, store_id)
        return {**stores.describe(store), "merchant": merchant.name, "mchid": merchant.mchid}


# ---- the user's coupons (Wallet → Cards & coupons) ---------------------------------------------------


def _mine(coupon: Coupon, stock: Stock, merchant: Merchant) -> dict[str, Any]:
    return {
        "coupon_id": coupon.coupon_id,
        "stock_id": stock.stock_id,
        "name": stock.name,
        "goods_name": stock.goods_name,
        "merchant": merchant.name,
        "appid": coupon.appid,
        "state": coupon.state,
        "stock_type": stock.stock_type,
        "coupon_use_rule": rules.coupon_use_rule(stock),
        "valid_from": rfc3339(coupon.valid_from),
        "valid_until": rfc3339(coupon.valid_until),
        "claimed_at": rfc3339(coupon.claimed_at),
        "used_at": rfc3339(coupon.used_at),
    }


@me_router.get("")
async def my_coupons(request: Request, user: Caller) -> dict[str, Any]:
    async with database(request).session() as session:
        rows = (
            await session.execute(
                select(Coupon, Stock, Merchant)
                .join(Stock, Stock.id == Coupon.stock_pk)
                .join(Merchant, Merchant.id == Stock.merchant_id)
                .where(Coupon.user_id == user.id)
                .order_by(Coupon.id.desc())
                .limit(200)
            )
        ).all()
        total = await session.scalar(select(func.count(Coupon.id)).where(Coupon.user_id == user.id))
    return {"coupons": [_mine(c, s, m) for c, s, m in rows], "total": int(total or 0)}


@me_router.get("/{coupon_id}/code")
async def my_coupon_code(request: Request, coupon_id: str, user: Caller) -> dict[str, Any]:
    """The code to show at the counter, as text, QR code and Code 128 barcode (SVG). The shell fetches
    it again while it is shown, so a redeemed coupon turns into "used" in front of the cashier."""
    async with database(request).session() as session:
        row = (
            await session.execute(
                select(Coupon, Stock, Merchant)
                .join(Stock, Stock.id == Coupon.stock_pk)
                .join(Merchant, Merchant.id == Stock.merchant_id)
                .where(Coupon.coupon_id == coupon_id, Coupon.user_id == user.id)
            )
        ).first()
    if row is None:
        raise Problem(404, "coupon_not_found", "no such coupon of yours")
    coupon, stock, merchant = row
    body = _mine(coupon, stock, merchant)
    if coupon.state == "SENDED":
        body.update(code=coupon.coupon_code, qr_svg=svg(coupon.coupon_code, "qr"))
        body["barcode_svg"] = svg(coupon.coupon_code, "barcode")
    return body


# Declared last: its {action} would otherwise swallow the longer paths beside it (claim-links).
@router.post("/merchants/{mchid}/coupon-stocks/{stock_id}/{action}")
async def move_stock(
    request: Request, mchid: str, stock_id: str, action: str, user: Caller
) -> dict[str, Any]:
    if action not in issuing.MOVES:
        raise Problem(404, "unknown_action", "start, pause, restart or stop")
    async with database(request).session() as session:
        merchant, _ = await merchant_for(session, user, mchid, Action.MANAGE_PAYMENTS)
        try:
            stock = await issuing.stock_of(session, merchant, stock_id)
            await issuing.move(session, stock, action)
        except PayError as error:
            if error.code == "NOT_ENOUGH":  # a voucher stock's budget (coupons/budget.py)
                raise Problem(409, "marketing_balance_too_low", error.message) from None
            raise Problem(
                409 if error.status == 400 else error.status, "invalid_state", error.message
            ) from None
        await audit.record(session, None, user, f"coupon_stock.{action}", mchid=mchid, stock_id=stock_id)
        return _stock_summary(stock)


__all__ = ["me_router", "router"]
