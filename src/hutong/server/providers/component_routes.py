"""WeChat's third-party platform APIs at WeChat's paths (/cgi-bin/component/*, the component login,
/sns/component/jscode2session), answering ``{errcode, errmsg}``."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hutong.server import outbox
from hutong.server.accounts.passwords import digest
from hutong.server.apps.models import App
from hutong.server.deps import database, settings
from hutong.server.identity import service as identity
from hutong.server.providers import fastregister, scopes, service
from hutong.server.providers.access import ComponentCaller, ComponentCallerEither
from hutong.server.providers.models import Provider
from hutong.server.wechat.access import per_client, per_minute
from hutong.server.wechat.body import json_body
from hutong.server.wechat.errors import OK, WxError

router = APIRouter(tags=["third-party platform"])


def _answer(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


def _same(provider: Provider, body: dict[str, Any]) -> None:
    """The body's component_appid, when given, must be the token's provider's."""
    given = body.get("component_appid")
    if given is not None and given != provider.component_appid:
        raise WxError(40013)


@router.post("/cgi-bin/component/api_component_token")
async def api_component_token(request: Request) -> JSONResponse:
    body = await json_body(request)
    await per_client(request)
    async with database(request).session() as session:
        issued = await service.component_token(
            session,
            _text(body.get("component_appid")),
            _text(body.get("component_appsecret")),
            _text(body.get("component_verify_ticket")),
        )
    await per_minute(request, str(body["component_appid"]))
    return _answer({"component_access_token": issued.token, "expires_in": issued.expires_in})


def _text(value: object) -> str | None:
    return value[:512] if isinstance(value, str) else None


@router.post("/cgi-bin/component/api_start_push_ticket")
async def api_start_push_ticket(request: Request) -> JSONResponse:
    """A ticket pushed now (besides the one every 10 minutes)."""
    body = await json_body(request)
    await per_client(request)
    async with database(request).session() as session:
        provider = await service.by_component_appid(session, _text(body.get("component_appid")))
        if provider is None:
            raise WxError(40013)
        secret = _text(body.get("component_secret")) or ""
        if not secrets.compare_digest(provider.secret_hash, digest(secret)):
            raise WxError(40125)
        await outbox.enqueue(
            session,
            service.TICKET_TOPIC,
            {"provider_id": provider.id, "once": True},
            key=secrets.token_hex(8),
        )
    await per_minute(request, provider.component_appid)
    return _answer(OK)


@router.post("/cgi-bin/component/api_create_preauthcode")
async def api_create_preauthcode(request: Request, provider: ComponentCaller) -> JSONResponse:
    body = await json_body(request)
    _same(provider, body)
    async with database(request).session() as session:
        issued = await service.create_preauth(session, provider)
    return _answer({"pre_auth_code": issued.token, "expires_in": issued.expires_in})


@router.post("/cgi-bin/component/api_query_auth")
async def api_query_auth(request: Request, provider: ComponentCaller) -> JSONResponse:
    body = await json_body(request)
    _same(provider, body)
    async with database(request).session() as session:
        info = await service.query_auth(session, provider, _text(body.get("authorization_code")))
    return _answer(info)


@router.post("/cgi-bin/component/api_authorizer_token")
async def api_authorizer_token(request: Request, provider: ComponentCaller) -> JSONResponse:
    body = await json_body(request)
    _same(provider, body)
    async with database(request).session() as session:
        refreshed = await service.refresh_authorizer(
            session,
            provider,
            _text(body.get("authorizer_appid")),
            _text(body.get("authorizer_refresh_token")),
        )
    return _answer(refreshed)


@router.post("/cgi-bin/component/api_get_authorizer_list")
async def api_get_authorizer_list(request: Request, provider: ComponentCaller) -> JSONResponse:
    body = await json_body(request)
    _same(provider, body)
    offset, count = body.get("offset", 0), body.get("count", 500)
    if not isinstance(offset, int) or not isinstance(count, int):
        raise WxError(40097)
    async with database(request).session() as session:
        listed = await service.authorizer_list(session, provider, offset, count)
    return _answer(listed)


@router.post("/cgi-bin/component/api_get_authorizer_info")
async def api_get_authorizer_info(request: Request, provider: ComponentCaller) -> JSONResponse:
    body = await json_body(request)
    _same(provider, body)
    async with database(request).session() as session:
        authorization, app = await service.authorization_for(
            session, provider, _text(body.get("authorizer_appid"))
        )
    return _answer(
        {
            "authorizer_info": {
                "nick_name": app.name,
                "head_img": app.icon,
                "principal_name": "",
                "signature": app.description,
                "MiniProgramInfo": {"network": app.domains or {}, "categories": [{"first": app.category}]},
            },
            "authorization_info": {
                "authorizer_appid": app.appid,
                "func_info": scopes.func_info(authorization.func_info),
            },
        }
    )


@router.post("/wxa/component/fastregisterpersonalweapp")
async def fastregisterpersonalweapp(
    request: Request, provider: ComponentCallerEither, action: str | None = None
) -> JSONResponse:
    """Fast registration of a person's mini program: ``create`` asks them (taskid, authorize_url),
    ``query`` answers the task's status (fastregister.py)."""
    body = await json_body(request)
    if action not in ("create", "query"):
        raise WxError(40097, "invalid args: action is create or query")
    async with database(request).session() as session:
        if action == "create":
            registration = await fastregister.create_personal(session, provider, body)
        else:
            registration = await fastregister.query_personal(session, provider, body)
        answer = {
            **OK,
            "taskid": registration.task_id,
            "authorize_url": fastregister.authorize_url(settings(request).public_url, registration),
            "status": fastregister.task_status(registration),
        }
    return _answer(answer)


@router.post("/wxa/component/fastregisterbetaweapp")
async def fastregisterbetaweapp(request: Request, provider: ComponentCallerEither) -> JSONResponse:
    """A trial mini program for the user behind ``openid``: unique_id and the authorize_url where they
    confirm (fastregister.py)."""
    body = await json_body(request)
    async with database(request).session() as session:
        dev_app = await session.get(App, provider.dev_app_id) if provider.dev_app_id else None
        registration = await fastregister.create_beta(session, provider, dev_app, body)
        answer = {
            **OK,
            "unique_id": registration.task_id,
            "authorize_url": fastregister.authorize_url(settings(request).public_url, registration),
        }
    return _answer(answer)


@router.post("/cgi-bin/component/fastregisterweapp")
async def fastregisterweapp(
    request: Request, provider: ComponentCaller, action: str | None = None
) -> JSONResponse:
    """Fast registration of an enterprise's mini program: ``create`` asks its legal person, ``search``
    answers the request's state as an errcode (fastregister.py)."""
    body = await json_body(request)
    async with database(request).session() as session:
        if action == "create":
            await fastregister.create(session, provider, body)
            return _answer(OK)
        if action == "search":
            errcode = await fastregister.search(session, provider, body)
    if action != "search":
        raise WxError(40097, "invalid args: action is create or search")
    if errcode:
        raise WxError(errcode)
    return _answer(OK)


@router.get("/sns/component/jscode2session")
async def component_jscode2session(
    request: Request,
    provider: ComponentCaller,
    appid: str | None = None,
    js_code: str | None = None,
    grant_type: str | None = None,
    component_appid: str | None = None,
) -> JSONResponse:
    """code2session for an authorized app, in the provider's hands (permission set 20, login)."""
    if component_appid is not None and component_appid != provider.component_appid:
        raise WxError(40013)
    if grant_type != "authorization_code":
        raise WxError(40002)
    if not js_code:
        raise WxError(41008)
    async with database(request).session() as session:
        authorization, app = await service.authorization_for(session, provider, appid)
        if scopes.LOGIN not in authorization.func_info:
            raise WxError(61007)
        login = await identity.code2session(session, app, js_code[:128])
    if login is None:
        raise WxError(40029)
    answer = {"openid": login.openid, "session_key": login.session_key}
    if login.unionid:
        answer["unionid"] = login.unionid
    return _answer(answer)
