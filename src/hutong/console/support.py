"""Console pages for an app's customer service and feedback: the conversations with their unread
counts, one conversation with a reply box (WeChat's 48-hour window applies), the message push
settings, and the feedback users sent. Owners and developers only (Action.CUSTOMER_SERVICE); users
appear by their openid in the app, never by their account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.console.routes import SIGN_IN, _act, _back, _page
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import check_csrf, resolve
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.apps.service import get_app
from hutong.server.deps import database, settings
from hutong.server.problems import Problem
from hutong.server.support import push, service

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/apps/{appid}/support")
async def support_page(appid: str, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        app, conversations = await service.conversations_of_app(session, user, appid)
        _, push = await service.push_settings(session, user, appid)
        role = await accounts.role_in(session, user, app.organization_id or 0)
    return _page(
        request,
        "support.html",
        user,
        csrf,
        app=app,
        conversations=conversations,
        push=push,
        can_edit=allows(role, Action.EDIT_APP),
    )


@router.get("/apps/{appid}/support/{conversation_id}")
async def conversation_page(appid: str, conversation_id: int, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        thread = await service.thread_for_agent(session, user, appid, conversation_id)
    return _page(request, "support_thread.html", user, csrf, app=thread.app, thread=thread)


@router.post("/apps/{appid}/support/{conversation_id}/reply")
async def reply(appid: str, conversation_id: int, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await service.reply_as_agent(session, user, appid, conversation_id, form.get("content", ""))
        return "reply sent"

    return await _act(request, f"/console/apps/{appid}/support/{conversation_id}", action)


@router.post("/apps/{appid}/support-push")
async def set_push(appid: str, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None or csrf is None:
        return SIGN_IN
    await check_csrf(request, csrf)  # before anything reaches out to the URL
    form = await request.form()  # cached: _act reads the same form
    url, token = str(form.get("url") or "").strip(), str(form.get("token") or "")
    verified = True
    try:
        async with database(request).session() as session:
            await get_app(session, user, appid, Action.EDIT_APP)
    except Problem as problem:
        return _back(f"/console/apps/{appid}/support", error=problem.detail)
    if url:
        # As WeChat: the server must answer a signed GET with its echostr before the URL is kept. Checked
        # before the transaction, so no database lock waits on someone else's server.
        try:
            service.check_push(url, token)
            verified = await push.verify(url, token, settings(request).egress_allow_networks)
        except Problem:
            pass  # set_push below says what is wrong with them

    async def action(session: AsyncSession, user: User, _form: dict[str, str]) -> str:
        row = await service.set_push(session, user, appid, url, token)
        if row and not verified:
            raise Problem(
                422, "push_url_not_verified", "the server did not answer the signed check with its echostr"
            )
        return "message push saved" if row else "message push off"

    return await _act(request, f"/console/apps/{appid}/support", action)


@router.get("/apps/{appid}/feedback")
async def feedback_page(appid: str, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        app, rows = await service.feedback_of_app(session, user, appid)
    return _page(
        request,
        "feedback.html",
        user,
        csrf,
        app=app,
        feedback=rows,
        categories=service.FEEDBACK_CATEGORIES,
    )


@router.get("/apps/{appid}/feedback/{feedback_id}/images/{position}")
async def feedback_image(appid: str, feedback_id: int, position: int, request: Request) -> Response:
    user, _ = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        image = await service.feedback_image(session, user, appid, feedback_id, position)
    return Response(
        image.data,
        media_type=image.content_type,
        headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"},
    )
