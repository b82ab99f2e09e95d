"""Console pages for an app's mini program codes and links: make a code for a page and query, see it,
download it as PNG or SVG, delete it; the app's https and hutong:// links; the icon upload (the icon
sits at the centre of the app's codes)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile

from hutong.console.routes import SIGN_IN, _act, _page
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import resolve
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.apps import service
from hutong.server.apps.icons import MAX_ICON_BYTES
from hutong.server.deps import blob_store, database, settings
from hutong.server.discovery import links, scenes

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/apps/{appid}/codes")
async def codes_page(appid: str, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    public = settings(request).public_url
    async with database(request).session() as session:
        app, rows = await scenes.list_codes(session, user, appid)
        role = await accounts.role_in(session, user, app.organization_id or 0)
    codes = [
        {
            "id": code.id,
            "scene": code.scene,
            "page": code.page or "(home page)",
            "query": "&".join(f"{k}={v}" for k, v in code.query.items()),
            "content": links.code_link(public, app.appid, code.scene),
            "image": f"/api/manage/apps/{app.appid}/codes/{code.id}/image",
        }
        for code in rows
    ]
    return _page(
        request,
        "codes.html",
        user,
        csrf,
        app=app,
        codes=codes,
        https_link=links.app_link(public, app.appid),
        scheme_link=links.scheme_link(app.appid),
        can_edit=allows(role, Action.EDIT_APP),
    )


@router.post("/apps/{appid}/codes/new")
async def create_code(appid: str, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        query = dict(parse_qsl(form.get("query", "").strip().lstrip("?"), keep_blank_values=True))
        _app, code = await scenes.create_for_member(
            session, user, appid, page=form.get("page", ""), query=query, scene=form.get("scene") or None
        )
        return f"code {code.scene} made"

    return await _act(request, f"/console/apps/{appid}/codes", action)


@router.post("/apps/{appid}/codes/{code_id}/delete")
async def delete_code(appid: str, code_id: int, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await scenes.delete_code(session, user, appid, code_id)
        return "code deleted"

    return await _act(request, f"/console/apps/{appid}/codes", action)


@router.post("/apps/{appid}/icon/upload")
async def upload_icon(appid: str, request: Request) -> Response:
    form = await request.form()  # cached: _act reads the same form for its CSRF token
    upload = form.get("image")
    data = await upload.read(MAX_ICON_BYTES + 1) if isinstance(upload, UploadFile) else b""

    async def action(session: AsyncSession, user: User, _form: dict[str, str]) -> str:
        await service.set_icon(session, blob_store(request), user, appid, data)
        return "icon saved"

    return await _act(request, f"/console/apps/{appid}", action)
