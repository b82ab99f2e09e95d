"""What a host may report, checked: a batch becomes store rows, or the whole batch is refused."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.events import store
from hutong.server.events.models import events
from hutong.server.events.tokens import EventsGrant
from hutong.server.problems import Problem

MAX_EVENTS = 50
MAX_DATA_BYTES = 4096
# What the host may report; "launch" is the platform's own (the launch manifest), "server" its domains'.
HOST_KINDS = ("page", "error", "perf", "request", "share", "custom")
# A reported time is the host's clock: believed within this window, else the time it arrived.
PAST = timedelta(hours=1)
FUTURE = timedelta(minutes=1)
MAX_VALUE = 24 * 3600 * 1000  # a stay or a timing, in ms


def _when(at: Any, now: datetime) -> datetime:
    if isinstance(at, int | float) and not isinstance(at, bool):
        try:
            when = datetime.fromtimestamp(at / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return now
        if now - PAST <= when <= now + FUTURE:
            return when
    return now


def rows_from_host(
    app_id: int,
    grant: EventsGrant,
    events: Sequence[dict[str, Any]],
    zone: ZoneInfo,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Store rows for a host's batch (wx.reportEvent/reportAnalytics and what the runtime collects)."""
    if len(events) > MAX_EVENTS:
        raise Problem(413, "too_many_events", f"at most {MAX_EVENTS} events in one batch")
    moment = now or datetime.now(UTC)
    rows = []
    for index, event in enumerate(events):
        kind = event.get("kind") or "custom"
        name = event.get("name")
        data = event.get("data") or {}
        value = event.get("value")
        if kind not in HOST_KINDS:
            raise Problem(422, "invalid_event", f"event {index}: kind must be one of {', '.join(HOST_KINDS)}")
        if not isinstance(name, str) or not 0 < len(name) <= 128:
            raise Problem(422, "invalid_event", f"event {index}: name must be 1 to 128 characters")
        if not isinstance(data, dict) or len(json.dumps(data, ensure_ascii=False).encode()) > MAX_DATA_BYTES:
            raise Problem(422, "invalid_event", f"event {index}: data must be an object of at most 4 KB")
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_VALUE
        ):
            raise Problem(422, "invalid_event", f"event {index}: value must be whole milliseconds")
        rows.append(
            store.row(
                at=_when(event.get("at"), moment),
                zone=zone,
                app_id=app_id,
                audience=grant.audience,
                kind=kind,
                name=name,
                session=grant.session,
                release_id=grant.release_id,
                value=value,
                data=data or None,
            )
        )
    return rows


@dataclass(frozen=True)
class StoredEvent:
    at: datetime
    kind: str
    name: str
    audience: str
    session: str
    release_id: int | None
    scene: int | None
    value: int | None
    data: dict[str, Any]


async def recent_events(
    session: AsyncSession, appid: str, limit: int = 100, kinds: Sequence[str] = ("custom",)
) -> list[StoredEvent]:
    """An app's latest stored events of ``kinds``, newest first (the console's live view, tests)."""
    app_id = await session.scalar(select(App.id).where(App.appid == appid))
    if app_id is None:
        return []
    e = events.c
    rows = await session.execute(
        select(e.at, e.kind, e.name, e.audience, e.session, e.release_id, e.scene, e.value, e.data)
        .where(e.app_id == app_id, e.kind.in_(list(kinds)))
        .order_by(e.at.desc())
        .limit(limit)
    )
    return [StoredEvent(*row[:-1], data=row[-1] or {}) for row in rows.all()]


async def emit(session: AsyncSession, app_id: int, name: str, data: dict[str, Any], audience: str) -> None:
    """A platform domain's event (a share, an open from a share, …) into the one event pipeline, in the
    caller's transaction: it exists exactly when what it reports commits. A ``share`` counts as a
    share of its ``page`` (share_pv, share_uv, the page's shares); anything else is a server event."""
    from hutong.server import events as pipeline

    if name == "share":
        row = store.row(
            at=datetime.now(UTC),
            zone=pipeline.ZONE[0],
            app_id=app_id,
            audience=audience,
            kind="share",
            name=str(data.get("page") or ""),
            data=data,
        )
        await store.write(session, [row])
        return
    await pipeline.emit(session, app_id, name, data, audience)
