"""Write and read the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.audit.models import AuditEntry


async def record(
    session: AsyncSession, app_id: int | None, actor: User | None, action: str, **detail: Any
) -> AuditEntry:
    entry = AuditEntry(
        app_id=app_id,
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else "",
        action=action,
        detail=detail,
    )
    session.add(entry)
    await session.flush()
    return entry


async def history(session: AsyncSession, app_id: int, limit: int = 200) -> list[AuditEntry]:
    rows = await session.scalars(
        select(AuditEntry).where(AuditEntry.app_id == app_id).order_by(AuditEntry.id.desc()).limit(limit)
    )
    return list(rows)
