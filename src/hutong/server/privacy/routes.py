"""The end user's data rights, for the host shell only (session cookie; CSRF on the delete):
GET /api/me/data, GET /api/me/data/{appid}, GET /api/me/data/{appid}/export, DELETE /api/me/data/{appid}.
A user only ever reaches their own data: the user comes from the session, never from the request."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel

from hutong.server.accounts.auth import check_csrf, resolve
from hutong.server.accounts.models import User
from hutong.server.deps import database, event_sink
from hutong.server.privacy import service
from hutong.server.problems import Problem

router = APIRouter(prefix="/api/me/data", tags=["data rights"])


async def session_user(request: Request) -> User:
    """A signed-in browser session (the host): API tokens are for developers' tools, not for this."""
    user, csrf = await resolve(request)
    if user is None:
        raise Problem(401, "unauthorized", "sign in to see your data")
    if csrf is None:
        raise Problem(403, "session_required", "your data is reached from the Hutong app, signed in")
    if request.method not in ("GET", "HEAD"):
        await check_csrf(request, csrf)
    # What this process still holds of the user's visits is written first, so that it is shown,
    # exported and deleted with the rest (other processes hold at most one flush interval's worth).
    await event_sink(request).flush()
    return user


SessionUser = Annotated[User, Depends(session_user)]


class HoldingOut(BaseModel):
    appid: str
    name: str
    icon: str
    kinds: list[str]


class DeletedOut(BaseModel):
    appid: str
    deleted: dict[str, int | None]


@router.get("", response_model=list[HoldingOut])
async def list_holdings(request: Request, user: SessionUser) -> list[HoldingOut]:
    """The mini programs that hold something about you on the platform."""
    async with database(request).session() as session:
        found = await service.holdings(session, user)
    return [HoldingOut(appid=h.appid, name=h.name, icon=h.icon, kinds=h.kinds) for h in found]


@router.get("/{appid}")
async def see(appid: str, request: Request, user: SessionUser) -> Response:
    """What this mini program holds about you, by kind."""
    async with database(request).session() as session:
        document = await service.user_data(session, user, appid)
    return Response(json.dumps(document, ensure_ascii=False), media_type="application/json")


@router.get("/{appid}/export")
async def export(appid: str, request: Request, user: SessionUser) -> Response:
    """The same, as a JSON file to keep."""
    async with database(request).session() as session:
        document = await service.user_data(session, user, appid)
    safe = "".join(c for c in appid if c.isalnum() or c in "-_")
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="hutong-data-{safe}.json"',
            "Cache-Control": "private, no-store",
        },
    )


@router.delete("/{appid}", response_model=DeletedOut)
async def delete(appid: str, request: Request, user: SessionUser) -> DeletedOut:
    """Delete what this mini program holds about you on the platform."""
    async with database(request).session() as session:
        deleted = await service.delete_user_data(session, user, appid)
    return DeletedOut(appid=appid, deleted=deleted)
