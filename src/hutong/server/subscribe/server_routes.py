"""The subscription message APIs an app's own server calls, at WeChat's paths and in WeChat's shapes:
the template library (/wxaapi/newtmpl/*, bodies as JSON or form fields) and sending
(/cgi-bin/message/subscribe/send). The access token is the identity domain's; errors are
``{errcode, errmsg}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from hutong.server.deps import blob_store, database, settings
from hutong.server.ratelimit import Limiter
from hutong.server.subscribe import library, sending
from hutong.server.wechat.access import ServerApp
from hutong.server.wechat.body import BODY_MAX, json_body
from hutong.server.wechat.errors import OK, WxError

router = APIRouter(tags=["developer server"])


def _answer(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


async def body_of(request: Request) -> dict[str, Any]:
    """A JSON object, or form fields (WeChat recommends form encoding for addtemplate; a repeated
    field becomes a list)."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return await json_body(request)
    raw = await request.body()
    if not raw.strip():
        raise WxError(44002)
    if len(raw) > BODY_MAX:
        raise WxError(47001)
    form = await request.form()
    fields: dict[str, Any] = {}
    for key in form:
        values = form.getlist(key)
        fields[key.removesuffix("[]")] = values if len(values) > 1 or key.endswith("[]") else values[0]
    return fields


@router.get("/wxaapi/newtmpl/getcategory")
async def get_category(request: Request, app: ServerApp) -> JSONResponse:
    """The library categories the app is in."""
    async with database(request).session() as session:
        rows = await library.app_categories(session, app)
    return _answer({**OK, "data": [{"id": row.id, "name": row.name} for row in rows]})


@router.get("/wxaapi/newtmpl/getpubtemplatetitles")
async def get_pub_template_titles(
    request: Request, app: ServerApp, ids: str = "", start: int = 0, limit: int = 30, keyword: str = ""
) -> JSONResponse:
    async with database(request).session() as session:
        count, rows = await library.public_titles(session, app, ids, start, limit, keyword)
    data = [
        {"tid": row.tid, "title": row.title, "type": row.type, "categoryId": str(row.category_id)}
        for row in rows
    ]
    return _answer({**OK, "count": count, "data": data})


@router.get("/wxaapi/newtmpl/getpubtemplatekeywords")
async def get_pub_template_keywords(request: Request, app: ServerApp, tid: str = "") -> JSONResponse:
    async with database(request).session() as session:
        rows = await library.public_keywords(session, app, tid)
    data = [{"kid": row.kid, "name": row.name, "example": row.example, "rule": row.rule} for row in rows]
    return _answer({**OK, "count": len(data), "data": data})


@router.post("/wxaapi/newtmpl/addtemplate")
async def add_template(request: Request, app: ServerApp) -> JSONResponse:
    """Add a library title to the app with 2–5 of its keywords and a scene description (≤15)."""
    body = await body_of(request)
    async with database(request).session() as session:
        template = await library.add_template(
            session, app, body.get("tid"), body.get("kidList"), body.get("sceneDesc")
        )
    return _answer({**OK, "priTmplId": template.pri_tmpl_id})


@router.get("/wxaapi/newtmpl/gettemplate")
async def get_template(request: Request, app: ServerApp) -> JSONResponse:
    async with database(request).session() as session:
        rows = await library.templates_of(session, app)
    return _answer({**OK, "data": [library.template_view(row) for row in rows]})


@router.post("/wxaapi/newtmpl/deltemplate")
async def del_template(request: Request, app: ServerApp) -> JSONResponse:
    body = await body_of(request)
    async with database(request).session() as session:
        await library.delete_template(session, app, body.get("priTmplId"))
    return _answer(OK)


@router.post("/cgi-bin/message/subscribe/send")
async def send_message(request: Request, app: ServerApp) -> JSONResponse:
    """Send one subscription message: touser, template_id, page, data, miniprogram_state, lang."""
    limiter: Limiter = request.app.state.limiter
    if await limiter.hit(f"subsend:{app.appid}", settings(request).subscribe_send_per_minute, 60) is not None:
        raise WxError(45011)
    body = await body_of(request)
    async with database(request).session() as session:
        message = await sending.send(session, app, body, blob_store(request))
    return _answer({**OK, "msgid": message.id})
