"""POST /api/apps/{appid}/egress: the host's relay to a mini program's server that sends no CORS headers.

The caller proves which app it runs with the launch manifest's token (``Hutong-App-Token``: the
manifest's ``events_token``); nothing of the caller's own request (cookies, Authorization) is forwarded,
only the envelope's url, method, headers and body. The answer is an envelope too, so no header of the
mini program's server (Set-Cookie above all) ever reaches the browser as the platform's own."""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from hutong.server.apps.models import App
from hutong.server.delivery.routes import platform_key
from hutong.server.deps import database, settings
from hutong.server.egress import proxy
from hutong.server.egress.addresses import parse_networks
from hutong.server.events import tokens
from hutong.server.problems import Problem
from hutong.server.ratelimit import Limiter, client_address

router = APIRouter(tags=["egress"])

TOKEN_HEADER = "Hutong-App-Token"  # noqa: S105 (a header name)


class EgressIn(BaseModel):
    url: str = Field(max_length=4096)
    method: str = Field(default="GET", max_length=10)
    header: dict[str, str] = Field(default_factory=dict, description="The mini program's request headers.")
    body: str | None = Field(default=None, description="The request body, base64.")
    kind: Literal["request", "upload", "download"] = "request"
    timeout: int | None = Field(default=None, ge=1, description="Milliseconds (app.json networkTimeout).")


class EgressOut(BaseModel):
    status: int
    headers: list[tuple[str, str]]
    body: str = Field(description="The response body, base64.")
    url: str = Field(description="Where the answer came from, after redirects.")
    redirects: int


async def _limit(limiter: Limiter, key: str, per_minute: int) -> None:
    wait = await limiter.hit(key, per_minute, 60)
    if wait is not None:
        raise Problem(
            429, "rate_limited", "too many egress requests; slow down", retry_after=max(1, int(wait) + 1)
        )


@router.post("/api/apps/{appid}/egress", response_model=EgressOut)
async def egress(
    appid: str,
    body: EgressIn,
    request: Request,
    token: Annotated[str, Header(alias=TOKEN_HEADER, max_length=1024)] = "",
) -> EgressOut:
    """Forward one request to an origin on the app's ``proxy`` list (and its request, upload or download
    list), refusing private and special addresses, re-checking every redirect (at most 5)."""
    grant = tokens.verify(platform_key(request), token) if token else None
    if grant is None:
        raise Problem(401, "invalid_app_token", f"send the launch manifest's events_token as {TOKEN_HEADER}")
    if grant.appid != appid:
        raise Problem(403, "wrong_app", "this token was issued for another mini program")
    config = settings(request)
    limiter: Limiter = request.app.state.limiter
    await _limit(limiter, f"egress:app:{appid}", config.egress_app_per_minute)
    client = f"egress:client:{client_address(request.scope)}:{grant.audience}"
    await _limit(limiter, client, config.egress_client_per_minute)
    async with database(request).session() as session:
        app = await session.scalar(select(App).where(App.appid == appid))
    if app is None or app.status != "active":
        raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    domains = app.domains or {}
    allowed = proxy.origins(domains.get(body.kind, [])) & proxy.origins(domains.get("proxy", []))
    try:
        payload = base64.b64decode(body.body or "", validate=True)
    except (binascii.Error, ValueError):
        raise Problem(422, "invalid_request", "body must be base64") from None
    seconds = min(config.egress_max_seconds, (body.timeout or 60_000) / 1000)
    networks = parse_networks(config.egress_allow_networks)
    policy = proxy.Policy(origins=allowed, networks=networks, max_bytes=config.egress_max_bytes)
    outgoing = proxy.Outgoing(body.url, body.method, body.header, payload, seconds)
    try:
        async with asyncio.timeout(seconds):
            answer = await proxy.forward(outgoing, policy)
    except TimeoutError:
        raise Problem(504, "egress_timeout", "the mini program's server did not answer in time") from None
    return EgressOut(
        status=answer.status,
        headers=answer.headers,
        body=base64.b64encode(answer.body).decode(),
        url=answer.url,
        redirects=answer.redirects,
    )
