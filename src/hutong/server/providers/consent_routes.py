"""The authorization page (WeChat's componentloginpage): a merchant's owner, signed in, sees the provider
and the permission sets it asks for, picks one of their apps, may untick sets, and approves; the
browser goes back to the provider's redirect_uri with ``auth_code`` and ``expires_in``. Also the
merchants' JSON API to list and revoke the providers their app has authorized."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select

from hutong.console.routes import _page
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import check_csrf, current_user, resolve
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.apps.models import App
from hutong.server.deps import database
from hutong.server.problems import Problem
from hutong.server.providers import scopes, service

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["providers"])
CurrentUser = Annotated[User, Depends(current_user)]
PAGES = ("/cgi-bin/componentloginpage", "/wxaopen/safe/bindcomponent")


async def _owned_apps(request: Request, user: User) -> list[App]:
    async with database(request).session() as session:
        owned = [
            org.id
            for org, role in await accounts.organizations_of(session, user)
            if allows(role, Action.AUTHORIZE_PROVIDERS)
        ]
        if not owned:
            return []
        return list(
            await session.scalars(select(App).where(App.organization_id.in_(owned)).order_by(App.name))
        )


async def consent_page(request: Request) -> Response:
    query = request.query_params
    user, csrf = await resolve(request)
    if user is None:
        here = request.url.path + "?" + request.url.query
        return RedirectResponse("/console/signin?next=" + quote(here, safe=""), status_code=303)
    try:
        async with database(request).session() as session:
            provider = await service.check_preauth(
                session, query.get("component_appid", ""), query.get("pre_auth_code", "")
            )
            service.check_redirect(provider, query.get("redirect_uri", ""))
    except Problem as problem:
        return _page(request, "provider_authorize.html", user, csrf, failure=problem.detail)
    apps = [app for app in await _owned_apps(request, user) if app.id != provider.dev_app_id]
    chosen = query.get("biz_appid", "")
    if chosen:
        apps = [app for app in apps if app.appid == chosen]
    asked = [{"id": scope, "name": scopes.NAMES.get(scope, str(scope))} for scope in provider.funcscopes]
    return _page(
        request,
        "provider_authorize.html",
        user,
        csrf,
        provider=provider,
        apps=apps,
        asked=asked,
        pre_auth_code=query.get("pre_auth_code", ""),
        redirect_uri=query.get("redirect_uri", ""),
    )


async def approve(request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None or csrf is None:
        raise Problem(401, "unauthorized", "sign in to authorize a provider")
    await check_csrf(request, csrf)
    form = await request.form()
    text = {key: value for key, value in form.items() if isinstance(value, str)}
    granted = [
        int(value) for value in form.getlist("funcscope") if isinstance(value, str) and value.isdigit()
    ]
    try:
        async with database(request).session() as session:
            provider = await service.check_preauth(
                session, text.get("component_appid", ""), text.get("pre_auth_code", "")
            )
            target = service.check_redirect(provider, text.get("redirect_uri", ""))
            approved = await service.authorize(
                session,
                user,
                provider.component_appid,
                text.get("pre_auth_code", ""),
                text.get("appid", ""),
                granted,
            )
    except Problem as problem:
        return _page(request, "provider_authorize.html", user, csrf, failure=problem.detail)
    extra = urlencode({"auth_code": approved.auth_code, "expires_in": approved.expires_in})
    return RedirectResponse(target + ("&" if "?" in target else "?") + extra, status_code=303)


for path in PAGES:
    router.add_api_route(path, consent_page, methods=["GET"])
    router.add_api_route(path, approve, methods=["POST"])


class AuthorizationOut(BaseModel):
    component_appid: str
    provider: str
    func_info: list[int]
    status: str


@api.get("/manage/apps/{appid}/providers", response_model=list[AuthorizationOut])
async def list_authorizations(appid: str, request: Request, user: CurrentUser) -> list[AuthorizationOut]:
    async with database(request).session() as session:
        rows = await service.authorizations_of_app(session, user, appid)
    return [
        AuthorizationOut(
            component_appid=provider.component_appid,
            provider=provider.name,
            func_info=list(authorization.func_info),
            status=authorization.status,
        )
        for authorization, provider in rows
    ]


@api.delete("/manage/apps/{appid}/providers/{component_appid}", status_code=204)
async def revoke(appid: str, component_appid: str, request: Request, user: CurrentUser) -> Response:
    async with database(request).session() as session:
        await service.revoke(session, user, appid, component_appid)
    return Response(status_code=204)
