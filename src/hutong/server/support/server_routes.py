"""The customer service APIs an app's own server calls, at WeChat's paths and in WeChat's shapes:
send a message to a user (within the reply window) and upload a temporary image for it. The access
token is the identity domain's; errors are ``{errcode, errmsg}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from hutong.server.deps import database
from hutong.server.support import service
from hutong.server.wechat.access import ServerApp
from hutong.server.wechat.body import json_body
from hutong.server.wechat.errors import OK, WxError

router = APIRouter(tags=["developer server"])
BODY_MAX = 64 * 1024
ERRMSG = {
    service.INVALID_OPENID: "invalid openid",
    service.INVALID_MEDIA: "invalid media_id",
    service.INVALID_MSGTYPE: "invalid message type",
    service.OUT_OF_TIME: "response out of time limit or subscription is canceled",
    service.OUT_OF_COUNT: "out of response count limit",
    service.CONTENT_TOO_LONG: "content size out of limit",
    service.BAD_DATA: "data format error",
}


def _refused(error: service.SendRefused) -> WxError:
    return WxError(error.errcode, error.errmsg or ERRMSG.get(error.errcode))


async def _json(request: Request) -> dict[str, Any]:
    # WeChat answers an over-long message with its own errcode, not the generic 47001.
    if len(await request.body()) > BODY_MAX:
        raise WxError(service.CONTENT_TOO_LONG, ERRMSG[service.CONTENT_TOO_LONG])
    return await json_body(request, BODY_MAX)


@router.post("/cgi-bin/message/custom/send")
async def send_custom_message(request: Request, app: ServerApp) -> JSONResponse:
    """WeChat's customer service message: text, image, link or miniprogrampage, to ``touser``."""
    payload = await _json(request)
    async with database(request).session() as session:
        try:
            await service.send_from_server(session, app, payload)
        except service.SendRefused as error:
            raise _refused(error) from None
    return JSONResponse(OK, headers={"Cache-Control": "no-store"})


@router.post("/cgi-bin/media/upload")
async def upload_media(request: Request, app: ServerApp, type: str = "") -> JSONResponse:
    """A temporary image (3 days) for image messages and card thumbnails: multipart field ``media``."""
    if type != "image":
        raise WxError(40004, "invalid media type")
    form = await request.form()
    upload = form.get("media")
    if not isinstance(upload, UploadFile):
        raise WxError(41005, "media data missing")
    data = await upload.read(service.MEDIA_MAX_BYTES + 1)
    async with database(request).session() as session:
        try:
            media_id, created = await service.upload_media(session, app, data)
        except service.SendRefused as error:
            raise _refused(error) from None
    body = {"type": "image", "media_id": media_id, "created_at": int(created.timestamp())}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
