"""Host-only endpoints for customer service and feedback: the contact sheet and the feedback form the
host draws for `<button open-type="contact|feedback">`, and the shell's Messages. A signed-in browser
session only (API tokens are refused), CSRF on every write, a user reaches only their own
conversations, and requests a browser marks as cross-site (a mini program's opaque origin) are refused
before anything is read."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import check_csrf, resolve
from hutong.server.accounts.models import User
from hutong.server.consent.routes import host_only
from hutong.server.deps import database, settings
from hutong.server.problems import Problem
from hutong.server.ratelimit import Limiter
from hutong.server.support import push, service
from hutong.server.support.service import ThreadMessage

router = APIRouter(prefix="/api/me", tags=["support"], dependencies=[Depends(host_only)])
AppId = Annotated[str, Path(max_length=64)]


async def host_session_user(request: Request) -> User:
    """The user signed in to the host with a browser session; writes also need its CSRF token."""
    user, csrf = await resolve(request)
    if user is None or csrf is None:
        raise Problem(401, "sign_in_required", "sign in to the host first")
    if request.method not in ("GET", "HEAD"):
        await check_csrf(request, csrf)
    return user


HostUser = Annotated[User, Depends(host_session_user)]


async def _budget(request: Request, key: str, limit: int, window: int) -> None:
    limiter: Limiter = request.app.state.limiter
    wait = await limiter.hit(key, limit, window)
    if wait is not None:
        raise Problem(429, "rate_limited", "too many messages; wait a little", retry_after=int(wait) + 1)


class MessageOut(BaseModel):
    id: int
    sender: Literal["user", "agent"] = Field(serialization_alias="from")
    type: str = Field(description="text, image, link or miniprogrampage (WeChat's msgtype)")
    body: dict[str, str]
    image_url: str = Field("", description="For images and card thumbnails the app uploaded.")
    created_at: datetime


class AppOut(BaseModel):
    appid: str
    name: str
    icon: str


class ThreadOut(BaseModel):
    app: AppOut
    session_from: str
    messages: list[MessageOut]


class ConversationOut(BaseModel):
    app: AppOut
    unread: int
    updated_at: datetime
    last: MessageOut | None


class EnterIn(BaseModel):
    session_from: str = Field("", max_length=service.SESSION_FROM_MAX)


class MessageIn(BaseModel):
    type: Literal["text", "card"]
    content: str = Field("", max_length=service.TEXT_MAX * 2)
    title: str = Field("", max_length=500)
    path: str = Field("", max_length=service.PATH_MAX * 2)
    thumb_url: str = Field("", max_length=service.URL_MAX)


class FeedbackIn(BaseModel):
    category: str = Field(max_length=32)
    content: str = Field(max_length=service.FEEDBACK_TEXT_MAX * 2)
    contact: str = Field("", max_length=service.FEEDBACK_CONTACT_MAX * 2)
    images: list[str] = Field(
        default_factory=list,
        max_length=service.FEEDBACK_IMAGES_MAX,
        description="Base64 images (PNG, JPEG, GIF or WebP), each at most 1 MB.",
    )


class FeedbackOut(BaseModel):
    id: int


def _message_out(appid: str, message: ThreadMessage) -> MessageOut:
    body = {key: str(value) for key, value in message.body.items()}
    media = body.get("media_id") or body.get("thumb_media_id") or ""
    image = f"/api/me/support/{appid}/media/{media}" if media else ""
    return MessageOut(
        id=message.id,
        sender=message.sender,
        type=message.kind,
        body=body,
        image_url=image,
        created_at=message.created_at,
    )


def _thread_out(thread: service.Thread) -> ThreadOut:
    app = thread.app
    return ThreadOut(
        app=AppOut(appid=app.appid, name=app.name, icon=app.icon),
        session_from=thread.conversation.session_from if thread.conversation else "",
        messages=[_message_out(app.appid, m) for m in thread.messages],
    )


@router.get("/support", response_model=list[ConversationOut], response_model_by_alias=True)
async def my_conversations(request: Request, user: HostUser) -> list[ConversationOut]:
    """The user's conversations with mini programs' customer service, newest first (the shell's Messages)."""
    async with database(request).session() as session:
        rows = await service.conversations_of_user(session, user.id)
    return [
        ConversationOut(
            app=AppOut(appid=c.appid, name=c.app_name, icon=c.app_icon),
            unread=c.unread,
            updated_at=c.updated_at,
            last=_message_out(c.appid, c.last) if c.last else None,
        )
        for c in rows
    ]


@router.get("/support/{appid}", response_model=ThreadOut, response_model_by_alias=True)
async def my_thread(appid: AppId, request: Request, user: HostUser) -> ThreadOut:
    async with database(request).session() as session:
        return _thread_out(await service.thread_for_user(session, user.id, appid))


@router.post("/support/{appid}/enter", response_model=ThreadOut, response_model_by_alias=True)
async def enter(appid: AppId, body: EnterIn, request: Request, user: HostUser) -> ThreadOut:
    """The user opened the app's customer service (the contact button): the thread so far."""
    await _budget(request, f"support-enter:{user.id}", settings(request).support_messages_per_minute, 60)
    async with database(request).session() as session:
        thread = await service.enter(session, user.id, appid, body.session_from)
        moment = int(service.now().timestamp())
        session_from = thread.conversation.session_from if thread.conversation else ""
        await push.enqueue(session, appid, user.id, push.enter_event(appid, "", moment, session_from))
        out = _thread_out(thread)
    return out


@router.post(
    "/support/{appid}/messages", response_model=MessageOut, response_model_by_alias=True, status_code=201
)
async def send(appid: AppId, body: MessageIn, request: Request, user: HostUser) -> MessageOut:
    """A text, or the message card of show-message-card (title, path, the resolved image URL)."""
    await _budget(request, f"support-send:{user.id}", settings(request).support_messages_per_minute, 60)
    async with database(request).session() as session:
        if body.type == "text":
            message = await service.send_user_text(session, user.id, appid, body.content)
        else:
            message = await service.send_user_card(
                session, user.id, appid, body.title, body.path, body.thumb_url
            )
        created = int(message.created_at.timestamp())
        event = push.message_event(appid, "", message.id, created, message.kind, message.body)
        await push.enqueue(session, appid, user.id, event)
    return _message_out(appid, message)


@router.post("/support/{appid}/read", status_code=204)
async def read(appid: AppId, request: Request, user: HostUser) -> Response:
    """The user has seen the thread: the agent's messages so far are no longer unread."""
    async with database(request).session() as session:
        await service.mark_read_by_user(session, user.id, appid)
    return Response(status_code=204)


@router.get("/support/{appid}/media/{media_id}")
async def media(
    appid: AppId, media_id: Annotated[str, Path(max_length=64)], request: Request, user: HostUser
) -> Response:
    """An image the app sent into this user's own conversation."""
    async with database(request).session() as session:
        row = await service.media_for_user(session, user.id, appid, media_id)
    return Response(
        row.data,
        media_type=row.content_type,
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/feedback/{appid}", response_model=FeedbackOut, status_code=201)
async def feedback(appid: AppId, body: FeedbackIn, request: Request, user: HostUser) -> FeedbackOut:
    """The feedback form of `<button open-type="feedback">`: stored for the app's developers."""
    await _budget(request, f"feedback:{user.id}", settings(request).feedback_per_hour, 3600)
    images = []
    for text in body.images:
        if len(text) > service.FEEDBACK_IMAGE_MAX_BYTES * 4 // 3 + 4:
            raise Problem(413, "image_too_large", "an image is at most 1024 KB")
        try:
            images.append(base64.b64decode(text, validate=True))
        except (binascii.Error, ValueError):
            raise Problem(422, "invalid_request", "images must be base64") from None
    async with database(request).session() as session:
        row = await service.submit_feedback(
            session, user.id, appid, body.category, body.content, body.contact, images
        )
        return FeedbackOut(id=row.id)
