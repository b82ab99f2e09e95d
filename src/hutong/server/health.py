"""Liveness and readiness: the process answers, and the database does."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

import hutong
from hutong.server.deps import database
from hutong.server.problems import Problem

router = APIRouter(tags=["health"])


@router.get("/api/health")
async def health(request: Request) -> dict[str, str]:
    try:
        async with database(request).session() as session:
            await session.execute(text("SELECT 1"))
    except Exception as error:
        raise Problem(503, "database_unavailable", "the database does not answer") from error
    return {"status": "ok", "version": hutong.__version__}
