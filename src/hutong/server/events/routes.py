"""POST /api/apps/{appid}/events: what a running mini program reports, for its own app only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field

from hutong.server.delivery.routes import platform_key
from hutong.server.deps import database
from hutong.server.events import service, tokens
from hutong.server.problems import Problem

router = APIRouter(tags=["events"])


class EventIn(BaseModel):
    name: str
    data: dict[str, Any] = Field(default_factory=dict)
    at: int | None = Field(default=None, description="When the app reported it (ms since the epoch).")


class EventsIn(BaseModel):
    events: list[EventIn]


class StoredOut(BaseModel):
    stored: int


@router.post("/api/apps/{appid}/events", status_code=202, response_model=StoredOut)
async def report_events(
    appid: str,
    body: EventsIn,
    request: Request,
    token: Annotated[str, Header(alias="Hutong-Events-Token", max_length=1024)] = "",
) -> StoredOut:
    """Events from wx.reportEvent/reportAnalytics; the launch manifest's events token names the app."""
    grant = tokens.verify(platform_key(request), token) if token else None
    if grant is None:
        raise Problem(401, "invalid_events_token", "a valid events token from this app's launch is required")
    if grant.appid != appid:
        raise Problem(403, "wrong_app", "this events token was issued for another mini program")
    async with database(request).session() as session:
        stored = await service.store_events(
            session, appid, grant.audience, [event.model_dump(exclude={"at"}) for event in body.events]
        )
    return StoredOut(stored=stored)
