"""The credentials a provider's server presents: ``component_access_token`` (ComponentCaller) and
``access_token`` = an authorizer_access_token (AuthorizerCaller, for the provider-only merchant APIs
such as /wxa/commit). The merchants' own APIs take authorizer tokens through server/wechat/access.py,
which asks ``authorizer_app`` here and checks the permission set of the path."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from hutong.server.apps.models import App
from hutong.server.deps import database
from hutong.server.providers import scopes, service
from hutong.server.providers.models import Provider
from hutong.server.wechat.access import per_client, per_minute
from hutong.server.wechat.errors import WxError


async def component_caller(
    request: Request, component_access_token: Annotated[str | None, Query()] = None
) -> Provider:
    await per_client(request)
    async with database(request).session() as session:
        found = await service.provider_for_token(session, component_access_token)
    if isinstance(found, int):
        raise WxError(found)
    await per_minute(request, found.component_appid)
    return found


ComponentCaller = Annotated[Provider, Depends(component_caller)]


async def component_caller_either(
    request: Request,
    component_access_token: Annotated[str | None, Query()] = None,
    access_token: Annotated[str | None, Query()] = None,
) -> Provider:
    """The /wxa/component/* registration APIs: WeChat's newer pages name the component token
    ``access_token``, the older ``component_access_token``; either is taken."""
    return await component_caller(request, component_access_token or access_token)


ComponentCallerEither = Annotated[Provider, Depends(component_caller_either)]


def require_scope(call: service.AuthorizerCall, needed: frozenset[int]) -> None:
    """61007 unless the merchant granted one of ``needed``."""
    if not needed & set(call.authorization.func_info):
        raise WxError(61007)


async def authorizer_caller(
    request: Request, access_token: Annotated[str | None, Query()] = None
) -> service.AuthorizerCall:
    """Provider-only merchant APIs (code, review, release): the authorizer token and set 18."""
    await per_client(request)
    if not access_token:
        raise WxError(41001)
    async with database(request).session() as session:
        found = await service.authorizer_for_token(session, access_token)
    if isinstance(found, int):
        raise WxError(found)
    require_scope(found, frozenset({scopes.DEVELOPMENT}))
    await per_minute(request, found.app.appid)
    return found


AuthorizerCaller = Annotated[service.AuthorizerCall, Depends(authorizer_caller)]


async def authorizer_app(request: Request, token: str) -> App | int:
    """For server/wechat/access.py: the merchant app an authorizer token acts for, if the path's
    permission set was granted (61007 if not), or the token's errcode."""
    async with database(request).session() as session:
        found = await service.authorizer_for_token(session, token)
    if isinstance(found, int):
        return found
    if not scopes.sets_for(request.url.path) & set(found.authorization.func_info):
        return 61007
    return found.app
