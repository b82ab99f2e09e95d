"""POST /api/apps/{appid}/events: what a running mini program reports, for its own app only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from pydantic import BaseModel, Field
from sqlalchemy import select

from hutong.server.apps.models import App
from hutong.server.delivery.routes import platform_key
from hutong.server.deps import database, event_sink
from hutong.server.events import service, tokens
from hutong.server.problems import Problem

router = APIRouter(tags=["events"])
# Batches per launch (one visit) per minute: a host sends one a second at most, and a page that
# loops on wx.reportEvent must not flood the store.
BATCHES_PER_MINUTE = 120


class EventIn(BaseModel):
    kind: str = Field(default="custom", description="page, error, perf, request, share or custom.")
    name: str
    value: int | None = Field(default=None, description="A stay or a timing, in milliseconds.")
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
    """Events from wx.reportEvent/reportAnalytics and the runtime's own collection; the launch
    manifest's events token names the app, the visit and the release. Accepted into this process's
    buffer (no database write here); stored within a second."""
    grant = tokens.verify(platform_key(request), token) if token else None
    if grant is None:
        raise Problem(401, "invalid_events_token", "a valid events token from this app's launch is required")
    if grant.appid != appid:
        raise Problem(403, "wrong_app", "this events token was issued for another mini program")
    limiter = request.app.state.limiter
    if await limiter.hit(f"events:{grant.audience}:{grant.session}", BATCHES_PER_MINUTE, 60) is not None:
        raise Problem(429, "rate_limited", "too many event batches from this launch")
    apps: dict[str, int] = request.app.state.analytics_app_ids
    app_id = apps.get(appid)
    if app_id is None:
        async with database(request).session() as session:
            found = await session.scalar(select(App.id).where(App.appid == appid))
        if found is None:
            raise Problem(404, "app_not_found", f"no mini program {appid}")
        app_id = apps[appid] = found
    sink = event_sink(request)
    events = [event.model_dump() for event in body.events]
    rows = service.rows_from_host(app_id, grant, events, sink.zone)
    if not grant.session:
        # A trial or development launch: its reported events are kept, its visits are not counted.
        rows = [row for row in rows if row["kind"] == "custom"]
    sink.add(rows)
    return StoredOut(stored=len(rows))
