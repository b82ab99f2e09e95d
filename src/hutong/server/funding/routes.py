"""Providers' callbacks: verified by the provider's own signature, applied once, answered 200 (also to
a duplicate, so that the provider stops sending it)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hutong.logs import get_logger
from hutong.server.deps import database
from hutong.server.funding import registry, service
from hutong.server.funding.provider import BadCallback
from hutong.server.problems import Problem

router = APIRouter(prefix="/api/funding", tags=["funding"])
log = get_logger(__name__)


@router.post("/{name}/callback", include_in_schema=False)
async def callback(name: str, request: Request) -> JSONResponse:
    provider = registry.provider(request, name)
    body = await request.body()
    try:
        event = provider.verify_callback({k.lower(): v for k, v in request.headers.items()}, body)
        async with database(request).session() as session:
            applied = await service.apply(session, provider.name, event)
    except BadCallback as error:
        log.warning("funding.callback_refused", provider=name, reason=str(error))
        raise Problem(400, "bad_callback", "the callback was not accepted") from None
    return JSONResponse({"received": True, "applied": applied})
