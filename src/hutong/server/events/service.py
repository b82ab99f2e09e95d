"""Storing and reading reported events."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.events.models import AppEvent
from hutong.server.problems import Problem

MAX_EVENTS = 50
MAX_DATA_BYTES = 4096


async def store_events(
    session: AsyncSession, appid: str, audience: str, events: Sequence[dict[str, Any]]
) -> int:
    """Keep a batch of events for ``appid``; the whole batch is refused if any event is malformed."""
    if len(events) > MAX_EVENTS:
        raise Problem(413, "too_many_events", f"at most {MAX_EVENTS} events in one batch")
    app = (await session.execute(select(App).where(App.appid == appid))).scalar_one_or_none()
    if app is None:
        raise Problem(404, "app_not_found", f"no mini program {appid}")
    rows = []
    for index, event in enumerate(events):
        name = event.get("name")
        data = event.get("data", {})
        if not isinstance(name, str) or not 0 < len(name) <= 128:
            raise Problem(422, "invalid_event", f"event {index}: name must be 1 to 128 characters")
        if not isinstance(data, dict) or len(json.dumps(data, ensure_ascii=False).encode()) > MAX_DATA_BYTES:
            raise Problem(422, "invalid_event", f"event {index}: data must be an object of at most 4 KB")
        rows.append(AppEvent(app_id=app.id, audience=audience, name=name, data=data))
    session.add_all(rows)
    await session.commit()
    return len(rows)


async def recent_events(session: AsyncSession, appid: str, limit: int = 100) -> list[AppEvent]:
    query = (
        select(AppEvent)
        .join(App, App.id == AppEvent.app_id)
        .where(App.appid == appid)
        .order_by(AppEvent.id.desc())
        .limit(limit)
    )
    return list((await session.execute(query)).scalars())


async def emit(session: AsyncSession, app_id: int, name: str, data: dict[str, Any], audience: str) -> None:
    """A platform domain's event (a share, an open from a share, …) into the one event pipeline, in the
    caller's transaction: it exists exactly when what it reports commits."""
    session.add(AppEvent(app_id=app_id, audience=audience, name=name, data=data))
