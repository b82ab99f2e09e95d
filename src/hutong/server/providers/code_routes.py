"""Code management at WeChat's paths: the template library (component_access_token) and, per
merchant (authorizer access_token, permission set 18), commit, review, release, undo, quota. Plus the
reviewers' batch decisions (JSON API for the console)."""

from __future__ import annotations

import io
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from PIL import Image
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.deps import blob_store, database, settings
from hutong.server.discovery import links
from hutong.server.discovery.codes import render_code
from hutong.server.identity.ids import aware
from hutong.server.problems import Problem
from hutong.server.providers import audits, categories, fastregister, templates
from hutong.server.providers.access import AuthorizerCaller, ComponentCaller
from hutong.server.wechat.body import json_body
from hutong.server.wechat.errors import OK, WxError

router = APIRouter(tags=["third-party platform"])
CurrentUser = Annotated[User, Depends(current_user)]


def _answer(body: dict[str, Any]) -> JSONResponse:
    return JSONResponse({**OK, **body}, headers={"Cache-Control": "no-store"})


# The template library (component_access_token) ---------------------------------------------------


@router.get("/wxa/gettemplatedraftlist")
async def get_template_draft_list(request: Request, provider: ComponentCaller) -> JSONResponse:
    async with database(request).session() as session:
        drafts = await templates.drafts(session, provider)
    return _answer(
        {
            "draft_list": [
                {
                    "create_time": int(aware(draft.created_at).timestamp()),
                    "user_version": draft.version,
                    "user_desc": draft.description,
                    "draft_id": draft.id,
                }
                for draft in drafts
            ]
        }
    )


@router.post("/wxa/addtotemplate")
async def add_to_template(request: Request, provider: ComponentCaller) -> JSONResponse:
    body = await json_body(request)
    async with database(request).session() as session:
        await templates.add_to_template(session, provider, body.get("draft_id"), body.get("template_type", 0))
    return _answer({})


@router.get("/wxa/gettemplatelist")
async def get_template_list(request: Request, provider: ComponentCaller) -> JSONResponse:
    async with database(request).session() as session:
        rows = await templates.template_list(session, provider)
    return _answer(
        {
            "template_list": [
                {
                    "create_time": int(aware(row.created_at).timestamp()),
                    "user_version": row.user_version,
                    "user_desc": row.user_desc,
                    "template_id": row.id,
                    "draft_id": row.release_id,
                    "template_type": row.template_type,
                }
                for row in rows
            ]
        }
    )


@router.post("/wxa/deletetemplate")
async def delete_template(request: Request, provider: ComponentCaller) -> JSONResponse:
    body = await json_body(request)
    async with database(request).session() as session:
        await templates.delete_template(session, provider, body.get("template_id"))
    return _answer({})


# Per merchant (authorizer access_token) -----------------------------------------------------------


@router.post("/wxa/commit")
async def commit(request: Request, call: AuthorizerCaller) -> JSONResponse:
    body = await json_body(request, max_bytes=templates.EXT_JSON_MAX + 4096)
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        await templates.commit(
            session,
            blob_store(request),
            call,
            body.get("template_id"),
            body.get("ext_json"),
            body.get("user_version"),
            body.get("user_desc", ""),
        )
    return _answer({})


@router.post("/wxa/submit_audit")
async def submit_audit(request: Request, call: AuthorizerCaller) -> JSONResponse:
    body = await json_body(request)
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        review = await audits.submit(session, call, body)
        auditid = review.id
    return _answer({"auditid": auditid})


@router.post("/wxa/get_auditstatus")
async def get_audit_status(request: Request, call: AuthorizerCaller) -> JSONResponse:
    body = await json_body(request)
    async with database(request).session() as session:
        return _answer(await audits.audit_status(session, call, body.get("auditid")))


@router.get("/wxa/get_latest_auditstatus")
async def get_latest_audit_status(request: Request, call: AuthorizerCaller) -> JSONResponse:
    async with database(request).session() as session:
        return _answer(await audits.latest_status(session, call))


@router.post("/wxa/release")
async def release(request: Request, call: AuthorizerCaller) -> JSONResponse:
    await json_body(request)  # WeChat wants "{}": an empty body is 44002
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        await audits.release(session, call)
    return _answer({})


@router.get("/wxa/undocodeaudit")
async def undo_code_audit(request: Request, call: AuthorizerCaller) -> JSONResponse:
    async with database(request).session() as session:
        await audits.undo(session, call)
    return _answer({})


@router.get("/wxa/revertcoderelease")
async def revert_code_release(request: Request, call: AuthorizerCaller) -> JSONResponse:
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        await audits.revert(session, call)
    return _answer({})


@router.get("/wxa/queryquota")
async def query_quota(request: Request, call: AuthorizerCaller) -> JSONResponse:
    async with database(request).session() as session:
        return _answer(await audits.quota(session, call.provider))


@router.post("/wxa/speedupaudit")
async def speedup_audit(request: Request, call: AuthorizerCaller) -> JSONResponse:
    body = await json_body(request)
    async with database(request).session() as session:
        await audits.speedup(session, call, body.get("auditid"))
    return _answer({})


@router.post("/wxa/change_visitstatus")
async def change_visit_status(request: Request, call: AuthorizerCaller) -> JSONResponse:
    body = await json_body(request)
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        await audits.set_visit_status(session, call, body.get("action"))
    return _answer({})


@router.post("/wxa/getvisitstatus")
async def get_visit_status(request: Request, call: AuthorizerCaller) -> JSONResponse:
    """status 0 closed (service paused), 1 open; WeChat wants "{}" (an empty body is 44002)."""
    await json_body(request)
    return _answer({"status": 0 if call.app.visit_closed else 1})


@router.get("/wxa/get_qrcode")
async def get_qrcode(request: Request, call: AuthorizerCaller, path: str | None = None) -> Response:
    """The trial version's QR code as JPEG bytes (WeChat's headers); ``path`` (URL-encoded once, as
    WeChat wants it) is the page and query it opens. Nothing committed: 86000."""
    if call.app.trial_release_id is None:
        raise WxError(86000, "no code has been committed for this app")
    page, _sep, query = (path or "").partition("?")
    try:
        content = links.trial_link(
            settings(request).public_url, call.app.appid, page, dict(parse_qsl(query, keep_blank_values=True))
        )
    except links.NotALink:
        raise WxError(40097, "invalid args: path is not a page path") from None
    image = Image.open(io.BytesIO(render_code(content, "png"))).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return Response(
        out.getvalue(),
        media_type="image/jpeg",
        headers={
            "Content-Disposition": 'attachment; filename="QRCode.jpg"',
            "Cache-Control": "no-cache, must-revalidate",
        },
    )


@router.post("/wxa/verifybetaweapp")
async def verify_beta_weapp(request: Request, call: AuthorizerCaller) -> JSONResponse:
    """A trial mini program made formal by its enterprise's legal person (fastregister.py)."""
    body = await json_body(request)
    async with database(request).session() as session:
        await fastregister.verify_beta(session, call.provider, call.app, body)
    return _answer({})


@router.post("/wxa/grayrelease")
async def gray_release(request: Request, call: AuthorizerCaller) -> JSONResponse:
    body = await json_body(request)
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        await audits.gray_release(session, call, body.get("gray_percentage"))
    return _answer({})


@router.get("/wxa/revertgrayrelease")
async def revert_gray_release(request: Request, call: AuthorizerCaller) -> JSONResponse:
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        await audits.revert_gray_release(session, call)
    return _answer({})


@router.get("/wxa/getgrayreleaseplan")
async def get_gray_release_plan(request: Request, call: AuthorizerCaller) -> JSONResponse:
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        return _answer({"gray_release_plan": await audits.gray_release_plan(session, call)})


@router.get("/wxa/get_page")
async def get_page(request: Request, call: AuthorizerCaller) -> JSONResponse:
    """The pages of the code last committed (the trial version), in its order, the entry first."""
    async with database(request).session() as session:
        call.app = await session.merge(call.app)
        pages = await templates.trial_pages(session, blob_store(request), call.app)
    return _answer({"page_list": pages})


@router.get("/wxa/get_category")
async def get_category(call: AuthorizerCaller) -> JSONResponse:
    """The app's category as WeChat's two levels with their ids (categories.py)."""
    found = categories.classify(call.app.category)
    return _answer({"category_list": [found.answer()] if found else []})


# Reviewers' batches -------------------------------------------------------------------------------


class BatchItemOut(BaseModel):
    review_id: int
    appid: str
    name: str
    version: str
    ext: dict[str, Any]
    speedup: bool = False
    delayed: bool = False


class BatchOut(BaseModel):
    code_sha256: str
    provider: str
    template_version: str
    speedup: bool = False
    items: list[BatchItemOut]


class BatchDecisionIn(BaseModel):
    review_ids: list[int] = Field(max_length=1000)
    reason: str = Field(default="", max_length=4000)


@router.get("/api/review/batches", response_model=list[BatchOut])
async def list_batches(request: Request, user: CurrentUser) -> list[BatchOut]:
    async with database(request).session() as session:
        found = await audits.batches(session, user)
    return [BatchOut.model_validate(batch, from_attributes=True) for batch in found]


@router.post("/api/review/batches/{code}/{verdict}")
async def decide_batch(
    code: str, verdict: str, body: BatchDecisionIn, request: Request, user: CurrentUser
) -> dict[str, int]:
    if verdict not in ("approve", "reject", "delay"):
        raise Problem(404, "not_found", "approve, reject or delay")
    async with database(request).session() as session:
        if verdict == "delay":
            delayed = await audits.delay_batch(session, user, code, body.review_ids, body.reason)
            return {"delayed": len(delayed)}
        decided = await audits.decide_batch(
            session, user, code, body.review_ids, approve=verdict == "approve", reason=body.reason
        )
    return {"decided": len(decided)}
