"""The APIs an app's own server calls, at WeChat's paths and in WeChat's shapes: code2session,
access tokens, session checks and phone numbers. Errors are ``{errcode, errmsg}``
(server/wechat/errors.py); the access_token dependency is server/wechat/access.py."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.apps.service import check_secret
from hutong.server.deps import database
from hutong.server.identity import service, tokens
from hutong.server.wechat.access import ServerApp, per_client, per_minute, throttle
from hutong.server.wechat.errors import OK, WxError

router = APIRouter(tags=["developer server"])

# force_refresh of a stable token: at most 20 a day, 30 s apart (WeChat's rule).
FORCE_REFRESH_PER_DAY = 20
FORCE_REFRESH_GAP = 30


def _answer(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def _credentials(request: Request, appid: str | None, secret: str | None) -> App:
    """The app, if ``secret`` is its AppSecret: 41002/41004 missing, 40013 unknown, 40125 wrong."""
    if not appid:
        raise WxError(41002)
    if not secret:
        raise WxError(41004)
    await per_client(request)
    async with database(request).session() as session:
        app = await service.app_by_appid(session, appid)
        if app is None or app.secret_hash is None:
            raise WxError(40013)
        if not await check_secret(session, appid, secret):
            raise WxError(40125)
    await per_minute(request, appid)
    return app


@router.get("/sns/jscode2session")
async def jscode2session(
    request: Request,
    appid: str | None = None,
    secret: str | None = None,
    js_code: str | None = None,
    grant_type: str | None = None,
) -> JSONResponse:
    """Exchange a wx.login code for the user's openid, unionid and a new session_key."""
    app = await _credentials(request, appid, secret)
    if grant_type != "authorization_code":
        raise WxError(40002)
    if not js_code:
        raise WxError(41008)
    async with database(request).session() as session:
        login = await service.code2session(session, app, js_code[:128])
    if login is None:
        raise WxError(40029)
    body = {"openid": login.openid, "session_key": login.session_key}
    if login.unionid:
        body["unionid"] = login.unionid
    return _answer(body)


@router.get("/cgi-bin/token")
async def get_token(
    request: Request,
    grant_type: str | None = None,
    appid: str | None = None,
    secret: str | None = None,
) -> JSONResponse:
    """A new access token (7,200 s); the app's earlier ones keep at most 5 minutes."""
    app = await _credentials(request, appid, secret)
    if grant_type != "client_credential":
        raise WxError(40002)
    async with database(request).session() as session:
        issued = await tokens.issue_token(session, app)
    return _answer({"access_token": issued.token, "expires_in": issued.expires_in})


class StableTokenIn(BaseModel):
    grant_type: str | None = None
    appid: str | None = None
    secret: str | None = None
    force_refresh: bool = False


@router.post("/cgi-bin/stable_token")
async def stable_token(request: Request, body: StableTokenIn) -> JSONResponse:
    """The app's stable token: the same one while it has over 5 minutes left, unless force_refresh."""
    app = await _credentials(request, body.appid, body.secret)
    if body.grant_type != "client_credential":
        raise WxError(40002)
    if body.force_refresh:
        await throttle(request, f"stable-gap:{app.appid}", 1, FORCE_REFRESH_GAP)
        await throttle(request, f"stable-day:{app.appid}", FORCE_REFRESH_PER_DAY, 86400, errcode=45009)
    async with database(request).session() as session:
        issued = await tokens.stable_token(session, app, request.app.state.platform_key, body.force_refresh)
    return _answer({"access_token": issued.token, "expires_in": issued.expires_in})


async def _signing_user(
    session: AsyncSession, app: App, openid: str, signature: str, sig_method: str | None
) -> int:
    """The user whose current session_key made ``signature`` (hex HMAC-SHA256(session_key, ""))."""
    if sig_method != "hmac_sha256":
        raise WxError(87009, "invalid sig_method: only hmac_sha256")
    user_id = await service.signed_by_session(session, app, openid, signature)
    if user_id is None:
        raise WxError(87009)
    return user_id


@router.get("/wxa/checksession")
async def check_session(
    request: Request,
    app: ServerApp,
    openid: str = "",
    signature: str = "",
    sig_method: str | None = None,
) -> JSONResponse:
    """Is this the user's current session_key? ``signature`` = hex HMAC-SHA256(session_key, "")."""
    async with database(request).session() as session:
        await _signing_user(session, app, openid, signature, sig_method)
    return _answer(OK)


@router.get("/wxa/resetusersessionkey")
async def reset_session_key(
    request: Request,
    app: ServerApp,
    openid: str = "",
    signature: str = "",
    sig_method: str | None = None,
) -> JSONResponse:
    """A new session_key for the user (signed with the current one); the old one stops working."""
    async with database(request).session() as session:
        user_id = await _signing_user(session, app, openid, signature, sig_method)
        key = await service.reset_session_key(session, app, user_id)
    return _answer({**OK, "openid": openid, "session_key": key})


class PhoneCodeIn(BaseModel):
    code: str | None = None


@router.post("/wxa/business/getuserphonenumber")
async def get_user_phone_number(request: Request, app: ServerApp, body: PhoneCodeIn) -> JSONResponse:
    """Exchange a getPhoneNumber code (5 minutes, one use) for the user's phone number."""
    if not body.code:
        raise WxError(41008)
    async with database(request).session() as session:
        info = await service.phone_for_code(session, app, body.code[:128])
    if info is None:
        raise WxError(40029)
    return _answer({**OK, "phone_info": info})
