"""The one event pipeline (BRIEF decision 10): what mini programs report and what the runtime collects
(through each process's buffer, sink.py), launches, and the platform's own domains' events
(``emit``), in one store partitioned by day (store.py), read as rollups (rollups.py), the datacube
APIs (datacube.py) and the release guard (guard.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.events import store


async def emit(
    session: AsyncSession,
    app_id: int,
    name: str,
    data: dict[str, Any] | None = None,
    audience: str = "",
    *,
    value: int | None = None,
    release_id: int | None = None,
    zone: ZoneInfo | None = None,
) -> None:
    """A server domain's event (a payment, a refund, a coupon, a message sent), written in the
    caller's transaction, so it exists exactly when what caused it commits. ``value`` carries an
    amount in fen where there is one (GMV is the sum of ``payment`` values)."""
    await store.write(
        session,
        [
            store.row(
                at=datetime.now(UTC),
                zone=zone or ZONE[0],
                app_id=app_id,
                audience=audience,
                kind="server",
                name=name,
                release_id=release_id,
                value=value,
                data=data,
            )
        ],
    )


# The analytics time zone, set from the settings when the platform starts (create_app).
ZONE = [ZoneInfo("UTC")]
