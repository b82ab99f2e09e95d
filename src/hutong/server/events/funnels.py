"""Saved funnels: an app's members (owners, developers, analysts: whoever sees its analytics) name a
funnel's steps and keep them, list them and delete them; the console counts a saved funnel over any
range (its steps are the console's ``funnel`` parameter). At most ``MAX_PER_APP`` per app; saving
under a name already kept replaces its steps."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps.service import get_app
from hutong.server.audit.service import record
from hutong.server.deps import database
from hutong.server.events import rollups
from hutong.server.events.models import SavedFunnel
from hutong.server.problems import Problem

MAX_PER_APP = 50
router = APIRouter(prefix="/api/manage/apps/{appid}/analytics/funnels", tags=["analytics"])
CurrentUser = Annotated[User, Depends(current_user)]


def canonical(steps: list[tuple[str, str]]) -> str:
    return ",".join(f"{kind}:{name}" for kind, name in steps)


def parse_steps(text: str) -> list[tuple[str, str]]:
    """``page:pages/index/index,event:buy`` → [("page", "pages/index/index"), ("event", "buy")]."""
    steps = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        kind, _, name = part.partition(":")
        if kind not in rollups.FUNNEL_KINDS or not name.strip():
            raise Problem(422, "invalid_funnel", "each step is page:<path> or event:<name>")
        steps.append((kind, name.strip()[:128]))
    if not 1 <= len(steps) <= rollups.MAX_FUNNEL_STEPS:
        raise Problem(422, "invalid_funnel", f"a funnel has 1 to {rollups.MAX_FUNNEL_STEPS} steps")
    return steps


def out(funnel: SavedFunnel) -> dict[str, Any]:
    return {
        "id": funnel.id,
        "name": funnel.name,
        "steps": funnel.steps,
        "created_at": funnel.created_at.isoformat(),
    }


async def saved(session: AsyncSession, app_id: int) -> list[SavedFunnel]:
    rows = await session.scalars(
        select(SavedFunnel).where(SavedFunnel.app_id == app_id).order_by(SavedFunnel.name)
    )
    return list(rows)


async def save(
    session: AsyncSession, actor: User, appid: str, name: str, steps: str
) -> tuple[SavedFunnel, bool]:
    """Keep ``steps`` under ``name`` (replacing a funnel of that name); answers it and whether it is new."""
    app = await get_app(session, actor, appid, Action.VIEW_ANALYTICS)
    name = " ".join(name.split())
    if not 1 <= len(name) <= 64:
        raise Problem(422, "invalid_name", "a funnel's name has 1 to 64 characters")
    text = canonical(parse_steps(steps))
    found = await session.scalar(
        select(SavedFunnel).where(SavedFunnel.app_id == app.id, SavedFunnel.name == name)
    )
    created = found is None
    if found is None:
        count = await session.scalar(select(func.count()).where(SavedFunnel.app_id == app.id))
        if int(count or 0) >= MAX_PER_APP:
            raise Problem(409, "too_many_funnels", f"an app keeps at most {MAX_PER_APP} funnels: delete one")
        found = SavedFunnel(app_id=app.id, name=name, steps=text, created_by=actor.id)
        session.add(found)
    else:
        found.steps = text
    await session.flush()
    await record(session, app.id, actor, "analytics.funnel_save", name=name, steps=text)
    return found, created


async def delete(session: AsyncSession, actor: User, appid: str, funnel_id: int) -> None:
    app = await get_app(session, actor, appid, Action.VIEW_ANALYTICS)
    found = await session.get(SavedFunnel, funnel_id)
    if found is None or found.app_id != app.id:
        raise Problem(404, "funnel_not_found", "no such funnel")
    await session.delete(found)
    await record(session, app.id, actor, "analytics.funnel_delete", name=found.name, steps=found.steps)


class FunnelIn(BaseModel):
    name: str = Field(max_length=200)
    steps: str = Field(max_length=2000, description="page:<path>,event:<name>,… in order")


@router.get("")
async def list_funnels(appid: str, request: Request, user: CurrentUser) -> list[dict[str, Any]]:
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.VIEW_ANALYTICS)
        return [out(f) for f in await saved(session, app.id)]


@router.post("")
async def save_funnel(
    appid: str, body: FunnelIn, request: Request, response: Response, user: CurrentUser
) -> dict[str, Any]:
    async with database(request).session() as session:
        funnel, created = await save(session, user, appid, body.name, body.steps)
        response.status_code = 201 if created else 200
        return out(funnel)


@router.delete("/{funnel_id}", status_code=204)
async def delete_funnel(appid: str, funnel_id: int, request: Request, user: CurrentUser) -> Response:
    async with database(request).session() as session:
        await delete(session, user, appid, funnel_id)
    return Response(status_code=204)
