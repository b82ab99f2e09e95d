"""The sharing console: what each share of an app brought (opens, new users, orders and GMV within the
attribution window), and the same per sharer (by openid only) and per page, as HTML tables and CSV.
The same figures and the same permission (view analytics: money is in them) as
``GET /api/manage/apps/<appid>/shares``; the rules are server/sharing/service.py's."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from hutong.console.routes import SIGN_IN, _page
from hutong.server.accounts.auth import resolve
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import App
from hutong.server.apps.service import get_app
from hutong.server.deps import database, settings
from hutong.server.sharing import service

router = APIRouter(prefix="/console", include_in_schema=False)
Table = Literal["shares", "sharers", "pages"]
# The columns each table shows and downloads, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "shares": (
        "share_id", "created_at", "sharer_openid", "page", "to", "with_share_ticket",
        "opens", "openers", "new_users", "orders", "gmv_fen",
    ),
    "sharers": ("sharer_openid", "shares", "opens", "new_users", "orders", "gmv_fen"),
    "pages": ("page", "shares", "opens", "new_users", "orders", "gmv_fen"),
}  # fmt: skip


async def _figures(request: Request, appid: str) -> tuple[App, dict[str, Any]] | None:
    user, _csrf = await resolve(request)
    if user is None:
        return None
    window = timedelta(hours=settings(request).share_attribution_hours)
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.VIEW_ANALYTICS)
        found = await service.attribution(session, app, window=window)
    return app, {"shares": found["shares"], "sharers": found["by_sharer"], "pages": found["by_page"], **found}


@router.get("/apps/{appid}/shares")
async def shares_page(appid: str, request: Request) -> Response:
    found = await _figures(request, appid)
    if found is None:
        return SIGN_IN
    app, figures = found
    user, csrf = await resolve(request)
    totals = {
        key: sum(int(s[key]) for s in figures["shares"])
        for key in ("opens", "new_users", "orders", "gmv_fen")
    }
    return _page(request, "shares.html", user, csrf, app=app, figures=figures, totals=totals, columns=COLUMNS)


@router.get("/apps/{appid}/shares.csv")
async def shares_csv(appid: str, request: Request, table: Annotated[Table, Query()] = "shares") -> Response:
    found = await _figures(request, appid)
    if found is None:
        return SIGN_IN
    _app, figures = found
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS[table]), extrasaction="ignore")
    writer.writeheader()
    for row in figures[table]:
        writer.writerow(row)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{appid}-{table}.csv"',
            "Cache-Control": "no-store",
        },
    )
