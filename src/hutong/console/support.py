"""Console pages for an app's customer service and feedback: the conversations with their unread
counts, one conversation with a reply box (WeChat's 48-hour window applies), the message push
settings, and the feedback users sent. Owners and developers only (Action.CUSTOMER_SERVICE); users
appear by their openid in the app, never by their account."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.console.routes import SIGN_IN, _act, _page
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import resolve
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.deps import database
from hutong.server.support import service

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
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        row = await service.set_push(session, user, appid, form.get("url", ""), form.get("token", ""))
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
