"""Card coupons over HTTP (cards.py): the developer server's WeChat APIs (``/cgi-bin/ticket/getticket``
with ``type=wx_card``, ``/card/code/decrypt``, with the app's access_token) and the host's side of
``wx.addCard`` / ``wx.openCard`` (``/api/me/coupons/cards…``, host-only)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import select

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.consent.routes import host_only
from hutong.server.coupons import cards, rules
from hutong.server.coupons.models import Coupon, Stock
from hutong.server.deps import database
from hutong.server.problems import Problem
from hutong.server.wechat.access import ServerApp
from hutong.server.wechat.body import json_body
from hutong.server.wechat.errors import OK, WxError

router = APIRouter(tags=["developer server"])
me_router = APIRouter(prefix="/api/me/coupons/cards", tags=["coupons"], dependencies=[Depends(host_only)])
Caller = Annotated[User, Depends(current_user)]


@router.get("/cgi-bin/ticket/getticket")
async def get_ticket(request: Request, app: ServerApp, type: str = "") -> JSONResponse:
    """The ``wx_card`` api_ticket that signs ``wx.addCard``'s cardExt (valid two hours)."""
    if type != "wx_card":
        raise WxError(40097)
    async with database(request).session() as session:
        value = cards.ticket(app, session)
    if value is None:
        raise WxError(40097, "invalid args: renew the app secret to get card tickets")
    return JSONResponse({**OK, "ticket": value, "expires_in": cards.TICKET_SECONDS})


@router.post("/card/code/decrypt")
async def decrypt_code(request: Request, app: ServerApp) -> JSONResponse:
    body = await json_body(request)
    encrypt_code = body.get("encrypt_code")
    if not isinstance(encrypt_code, str) or not encrypt_code:
        raise WxError(40097)
    async with database(request).session() as session:
        code = await cards.decrypt(session, app, encrypt_code)
    if code is None:
        raise WxError(40056, "invalid serial code")
    return JSONResponse({**OK, "code": code})


class AddCardsIn(BaseModel):
    appid: str = Field(min_length=1, max_length=64)
    cardList: list[dict[str, Any]] = Field(min_length=1, max_length=cards.MAX_CARDS)  # WeChat's name


async def _app(session: Any, appid: str) -> App:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        raise Problem(404, "app_not_found", "no such mini program")
    assert isinstance(app, App)
    return app


@me_router.post("/preview")
async def preview_cards(request: Request, body: AddCardsIn, user: Caller) -> dict[str, Any]:
    """What the host's add-card sheet shows, every cardExt checked first."""
    async with database(request).session() as session:
        app = await _app(session, body.appid)
        checked = await cards.verify(session, app, user.id, body.cardList)
        return {
            "app_name": app.name,
            "cards": [
                {"cardId": c.card_id, "name": c.stock.name, "merchant": c.merchant.name,
                 "coupon_use_rule": rules.coupon_use_rule(c.stock)}
                for c in checked
            ],
        }  # fmt: skip


@me_router.post("")
async def add_cards(request: Request, body: AddCardsIn, user: Caller) -> dict[str, Any]:
    """Add the cards (the user's tap on the host's sheet): WeChat's ``cardList`` answer."""
    async with database(request).session() as session:
        app = await _app(session, body.appid)
        checked = await cards.verify(session, app, user.id, body.cardList)
        return {"cardList": await cards.add(session, app, user.id, checked)}


@me_router.get("/{appid}/{card_id}/{code}")
async def open_card(request: Request, appid: str, card_id: str, code: str, user: Caller) -> dict[str, Any]:
    """``wx.openCard``: the user's own coupon the app names by card and encrypted code, or 404."""
    async with database(request).session() as session:
        app = await session.scalar(select(App).where(App.appid == appid))
        coupon_id = cards.coupon_id_of(session, app, code) if app is not None else None
        found = (
            await session.execute(
                select(Coupon, Stock)
                .join(Stock, Stock.id == Coupon.stock_pk)
                .where(
                    Coupon.coupon_id == (coupon_id or ""),
                    Coupon.appid == appid,
                    Coupon.user_id == user.id,
                    Stock.stock_id == card_id,
                )
            )
        ).first()
    if found is None:
        raise Problem(404, "card_not_found", "no such card of yours in this mini program")
    return {"coupon_id": found[0].coupon_id, "name": found[1].name, "state": found[0].state}
