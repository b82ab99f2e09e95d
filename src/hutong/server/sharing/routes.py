"""Sharing over HTTP. The host's endpoints (/api/me/shares…: a browser session with its CSRF token,
never a cross-site frame): what the user chose on the host's share sheet, opening a card or a shared
link, and wx.getShareInfo / wx.getGroupEnterInfo for the running mini program. The developer's
endpoint (/api/manage/apps/<appid>/shares): what each share brought. And the public preview page of a
shared link (/share/<id>), whose Open Graph tags let other messengers unfurl it."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import check_csrf, current_user, resolve
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps import service as apps
from hutong.server.chats.routes import budget, commit
from hutong.server.consent.routes import host_only
from hutong.server.deps import blob_store, database, settings
from hutong.server.sharing import service
from hutong.server.support.routes import HostUser

router = APIRouter(prefix="/api/me/shares", tags=["sharing"], dependencies=[Depends(host_only)])
manage_router = APIRouter(prefix="/api/manage/apps", tags=["sharing"])
page_router = APIRouter()
ShareId = Annotated[str, Path(min_length=3, max_length=24, pattern="^sh[A-Za-z0-9_-]+$")]


class ShareIn(BaseModel):
    appid: str = Field(min_length=1, max_length=64)
    path: str = Field(min_length=1, max_length=512, description="The page, as onShareAppMessage's path.")
    query: dict[str, str] = Field(default_factory=dict)
    title: str = Field("", max_length=512)
    image_url: str = Field("", max_length=2048)
    chat_ids: list[int] = Field(default_factory=list, max_length=service.MAX_TARGETS + 1)
    with_share_ticket: bool = False
    link: bool = Field(False, description="Also make a link (its own share id) to copy.")


class TicketIn(BaseModel):
    appid: str = Field(min_length=1, max_length=64)
    share_ticket: str = Field(min_length=1, max_length=64)


@router.post("", status_code=201)
async def share(body: ShareIn, request: Request, user: HostUser) -> dict[str, Any]:
    """The user's choice on the host's share sheet: a card into each chosen chat, and/or a link."""
    await budget(request, f"chatmsg:{user.id}", settings(request).chat_messages_per_minute, 60, "shares")
    async with database(request).session() as session:
        result = await service.make_shares(
            session,
            user,
            body.appid,
            path=body.path,
            query=body.query,
            title=body.title,
            image_url=body.image_url,
            chat_ids=body.chat_ids,
            with_share_ticket=body.with_share_ticket,
            link=body.link,
        )
        await commit(request, session, result)
    made: list[dict[str, Any]] = result.value
    base = settings(request).public_url
    for item in made:
        if item["chat_id"] is None:
            item["link"] = f"{base}/share/{item['share_id']}"
    return {"shares": made}


@router.post("/images", status_code=201)
async def card_image(request: Request, user: HostUser) -> dict[str, str]:
    """The page's picture the host took for a card whose page gave no imageUrl (a PNG, 5:4): stored as
    a blob; its address is the share's image_url."""
    await budget(request, f"shareimage:{user.id}", 30, 60, "images")
    data = await request.body()
    return {"image_url": service.store_card_image(blob_store(request), data)}


@router.post("/{share_id}/open")
async def open_share(share_id: ShareId, request: Request) -> dict[str, Any]:
    """A card tapped or a shared link opened: the launch (page, query, scene, shareTicket, chatType),
    counted against the share. A guest may open a link; a card needs a member of its chat."""
    user, csrf = await resolve(request)
    if user is not None and csrf is not None:
        await check_csrf(request, csrf)
    key = f"shareopen:{user.id}" if user else "shareopen:guest"
    await budget(request, key, 120, 60, "opens")
    async with database(request).session() as session:
        launch = await service.open_share(session, user, share_id)
        await session.commit()
    return launch


@router.post("/info")
async def share_info(body: TicketIn, request: Request, user: HostUser) -> dict[str, str]:
    """wx.getShareInfo for the running mini program: openGId sealed with the user's session_key."""
    await budget(request, f"shareinfo:{user.id}", 60, 60, "requests")
    async with database(request).session() as session:
        info = await service.share_info(session, user, body.appid, body.share_ticket)
        await session.commit()
    return info


@router.post("/group-enter-info")
async def group_enter_info(body: TicketIn, request: Request, user: HostUser) -> dict[str, str]:
    await budget(request, f"shareinfo:{user.id}", 60, 60, "requests")
    async with database(request).session() as session:
        info = await service.group_enter_info(session, user, body.appid, body.share_ticket)
        await session.commit()
    return info


@manage_router.get("/{appid}/shares")
async def attribution(
    appid: Annotated[str, Path(max_length=64)], request: Request, user: Annotated[User, Depends(current_user)]
) -> dict[str, Any]:
    """Every share of the app (newest 200) with its opens, distinct openers, new users, and the orders
    (and their GMV in fen) paid within the attribution window after opening it; the same summed per
    sharer (by openid only) and per page."""
    window = timedelta(hours=settings(request).share_attribution_hours)
    async with database(request).session() as session:
        app = await apps.get_app(session, user, appid, Action.VIEW_ANALYTICS)  # GMV is in it
        return await service.attribution(session, app, window=window)


# The preview page ---------------------------------------------------------------------------------------

PAGE_CSP = (
    "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
)


def _absolute(base: str, url: str) -> str:
    return f"{base}{url}" if url.startswith("/") else url


@page_router.get("/share/{share_id}", include_in_schema=False)
async def preview(share_id: str, request: Request) -> HTMLResponse:
    """The page a shared link shows outside the host: Open Graph tags for unfurling (title, image,
    description), and a button that opens the page in the host, in the browser. No script at all."""
    async with database(request).session() as session:
        found = await service.preview(session, share_id[:24])
    if found is None:
        return HTMLResponse(
            "<!doctype html><title>Not found</title><p>This link is not valid.", status_code=404
        )
    share, app = found
    base = settings(request).public_url
    target = f"{base}/miniapp/{quote(app.appid)}/{quote(share.path)}"
    if share.query:
        target += "?" + urlencode(share.query)
    target += f"#share={share.share_id}"
    title = share.title or app.name
    description = app.description or f"A page of the mini program {app.name}"
    image = _absolute(base, share.image_url or app.icon)
    e = html.escape
    tags = [
        ("og:type", "website"),
        ("og:site_name", "Hutong"),
        ("og:title", title),
        ("og:description", description),
        ("og:url", f"{base}/share/{share.share_id}"),
        *([("og:image", image)] if image else []),
    ]
    metas = "\n".join(f'<meta property="{e(k)}" content="{e(v)}">' for k, v in tags)
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<meta name="description" content="{e(description)}">
<meta name="twitter:card" content="summary_large_image">
{metas}
<style>body{{font:16px system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#111}}
.card{{border:1px solid #ddd;border-radius:8px;padding:1rem}}img{{max-width:100%;border-radius:4px}}
a.open{{display:block;margin-top:1rem;background:#07c160;color:#fff;text-align:center;padding:.75rem;
border-radius:6px;text-decoration:none}}.app{{color:#666;font-size:14px}}</style></head>
<body><div class="card"><p class="app">{e(app.name)}</p><h1>{e(title)}</h1>
{f'<img src="{e(image)}" alt="">' if image else ""}
<a class="open" href="{e(target)}">Open in Hutong</a></div></body></html>"""
    return HTMLResponse(
        body, headers={"Content-Security-Policy": PAGE_CSP, "Cache-Control": "public, max-age=300"}
    )
