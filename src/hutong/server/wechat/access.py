"""The ``access_token`` every WeChat developer-server API takes: ``app: ServerApp`` in a route gives the
app whose token it is, or answers WeChat's 41001 (missing), 40001 (invalid) or 42001 (expired). Each
caller address and each app has a per-minute budget (45011 beyond it)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from hutong.server.apps.models import App
from hutong.server.deps import database, settings
from hutong.server.identity import tokens
from hutong.server.ratelimit import Limiter, client_address
from hutong.server.wechat.errors import WxError

# One address may serve several apps' servers (a shared host): its budget is this many apps' worth.
CLIENT_BUDGET_FACTOR = 10


async def throttle(request: Request, key: str, limit: int, window: int, errcode: int = 45011) -> None:
    limiter: Limiter = request.app.state.limiter
    if await limiter.hit(key, limit, window) is not None:
        raise WxError(errcode)


async def per_minute(request: Request, appid: str) -> None:
    """Each app's server gets a per-minute budget over every call (45011 beyond it). Charged only once
    the caller has proved it is the app: appids are public, and a stranger must not spend it."""
    await throttle(request, f"srv:{appid}", settings(request).server_api_per_minute, 60)


async def per_client(request: Request) -> None:
    """Before any credential is checked: a budget per client address (guessing, floods)."""
    limit = settings(request).server_api_per_minute * CLIENT_BUDGET_FACTOR
    await throttle(request, f"srvip:{client_address(request.scope)}", limit, 60)


async def server_app(request: Request, access_token: Annotated[str | None, Query()] = None) -> App:
    """Every developer-server API: the app whose access_token this is (41001, 40001, 42001 if not).

    A provider's authorizer_access_token works here too, for the merchant app that authorized it,
    on the paths its granted permission sets open (61007 otherwise; providers/scopes.py)."""
    await per_client(request)
    async with database(request).session() as session:
        found = await tokens.app_for_token(session, access_token)
    if found == tokens.INVALID and access_token:
        from hutong.server.providers.access import authorizer_app  # providers build on this module

        found = await authorizer_app(request, access_token)
    if isinstance(found, int):
        raise WxError(found)
    await per_minute(request, found.appid)
    return found


ServerApp = Annotated[App, Depends(server_app)]
