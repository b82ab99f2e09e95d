"""Host-only endpoints for contacts and chats (the shell's Messages): a signed-in browser session only,
CSRF on every write, requests a browser marks cross-site refused before anything is read, and a user
reaches only chats they belong to (anything else is 404). Events reach the other members after the
transaction commits, through the hub; the live connection is `live.py`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response, WebSocket
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.chats import live, service
from hutong.server.chats.hub import Hub
from hutong.server.chats.service import Result
from hutong.server.consent.routes import host_only
from hutong.server.consent.service import image_type
from hutong.server.deps import database, settings
from hutong.server.discovery.codes import render_code
from hutong.server.problems import Problem
from hutong.server.ratelimit import Limiter
from hutong.server.storage import BlobStore
from hutong.server.support.routes import HostUser

router = APIRouter(prefix="/api/me", tags=["chats"], dependencies=[Depends(host_only)])
live_router = APIRouter()
ChatId = Annotated[int, Path(ge=1)]
IMAGE_MAX_BYTES = 2 * 1024 * 1024


async def budget(request: Request, key: str, limit: int, window: int, what: str = "messages") -> None:
    limiter: Limiter = request.app.state.limiter
    wait = await limiter.hit(key, limit, window)
    if wait is not None:
        raise Problem(429, "rate_limited", f"too many {what}; wait a little", retry_after=int(wait) + 1)


async def publish(request: Request, result: Result) -> None:
    hub: Hub = request.app.state.chat_hub
    for outgoing in result.outgoing:
        await hub.publish(outgoing.user_ids, outgoing.event)


async def commit(request: Request, session: AsyncSession, result: Result) -> None:
    """Commit, then announce: nothing is announced that did not happen."""
    await session.commit()
    await publish(request, result)


def media_store(request: Request) -> BlobStore:
    store: BlobStore = request.app.state.chat_media
    return store


# Contacts ---------------------------------------------------------------------------------------------


class FriendCodeOut(BaseModel):
    code: str
    link: str = Field(description="Opens the host at 'add this person'; the QR code carries the same.")


class CodeIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)


class PersonOut(BaseModel):
    id: int
    name: str


@router.get("/friend-code", response_model=FriendCodeOut)
async def my_friend_code(request: Request, user: HostUser) -> FriendCodeOut:
    async with database(request).session() as session:
        code = await service.friend_code(session, user)
        await session.commit()
    return FriendCodeOut(code=code, link=f"{settings(request).public_url}/add/{code}")


@router.post("/friend-code", response_model=FriendCodeOut)
async def replace_friend_code(request: Request, user: HostUser) -> FriendCodeOut:
    """A new code; links and QR codes with the old one stop working."""
    async with database(request).session() as session:
        code = await service.friend_code(session, user, rotate=True)
        await session.commit()
    return FriendCodeOut(code=code, link=f"{settings(request).public_url}/add/{code}")


@router.get("/friend-code.png")
async def my_friend_qr(request: Request, user: HostUser) -> Response:
    """The user's QR code: their add-me link, for a friend to scan with the host's Scan."""
    async with database(request).session() as session:
        code = await service.friend_code(session, user)
        await session.commit()
    image = render_code(f"{settings(request).public_url}/add/{code}", "png", scale=6)
    return Response(image, media_type="image/png", headers={"Cache-Control": "private, no-store"})


@router.get("/friend-code/{code}", response_model=PersonOut)
async def whose_code(
    code: Annotated[str, Path(max_length=64)], request: Request, user: HostUser
) -> PersonOut:
    """Who a scanned code or opened link would add (their name only)."""
    await budget(request, f"chatlookup:{user.id}", 60, 60, "look-ups")
    async with database(request).session() as session:
        target = await service.user_by_code(session, code)
        if target is None:
            raise Problem(404, "unknown_friend_code", "no one has this friend code")
        return PersonOut(**await service.person(session, target))


@router.get("/contacts")
async def list_contacts(request: Request, user: HostUser) -> list[dict[str, Any]]:
    async with database(request).session() as session:
        return await service.contacts(session, user)


@router.get("/contacts/requests")
async def list_requests(request: Request, user: HostUser) -> dict[str, list[dict[str, Any]]]:
    async with database(request).session() as session:
        return await service.requests(session, user)


@router.post("/contacts/requests", status_code=201)
async def send_request(body: CodeIn, request: Request, user: HostUser) -> dict[str, Any]:
    await budget(
        request, f"friendreq:{user.id}", settings(request).friend_requests_per_hour, 3600, "requests"
    )
    async with database(request).session() as session:
        result = await service.request_friend(session, user, body.code)
        await commit(request, session, result)
    value: dict[str, Any] = result.value
    return value


@router.post("/contacts/requests/{request_id}/{decision}")
async def decide(
    request_id: Annotated[int, Path(ge=1)],
    decision: Annotated[str, Path(pattern="^(accept|refuse)$")],
    request: Request,
    user: HostUser,
) -> dict[str, Any]:
    async with database(request).session() as session:
        result = await service.decide_request(session, user, request_id, accept=decision == "accept")
        await commit(request, session, result)
    value: dict[str, Any] = result.value
    return value


@router.put("/blocks/{other}", status_code=204)
async def block(other: Annotated[int, Path(ge=1)], request: Request, user: HostUser) -> Response:
    async with database(request).session() as session:
        await service.block(session, user, other)
        await session.commit()
    return Response(status_code=204)


@router.delete("/blocks/{other}", status_code=204)
async def unblock(other: Annotated[int, Path(ge=1)], request: Request, user: HostUser) -> Response:
    async with database(request).session() as session:
        await service.block(session, user, other, blocked=False)
        await session.commit()
    return Response(status_code=204)


# Chats -------------------------------------------------------------------------------------------------


class DirectIn(BaseModel):
    user_id: int = Field(ge=1)


class GroupIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    members: list[int] = Field(default_factory=list, max_length=service.MAX_GROUP)


class RenameIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class MessageIn(BaseModel):
    type: str = Field("text", pattern="^text$", description="Images go to /images; cards come from shares.")
    content: str = Field(max_length=service.MAX_TEXT)


class ReadIn(BaseModel):
    seq: int = Field(ge=0)


async def _chat(session: AsyncSession, user_id: int, chat_id: int) -> dict[str, Any]:
    chat, member = await service.membership(session, user_id, chat_id)
    return await service.chat_out(session, chat, member, user_id)


@router.get("/chats")
async def list_chats(request: Request, user: HostUser) -> list[dict[str, Any]]:
    """The user's chats, most recently active first, with unread counts."""
    async with database(request).session() as session:
        return await service.chats_of(session, user)


@router.post("/chats/direct")
async def open_direct(body: DirectIn, request: Request, user: HostUser) -> dict[str, Any]:
    async with database(request).session() as session:
        chat = await service.direct_chat(session, user, body.user_id)
        await session.commit()
        return await _chat(session, user.id, chat.id)


@router.post("/chats/groups", status_code=201)
async def create_group(body: GroupIn, request: Request, user: HostUser) -> dict[str, Any]:
    await budget(request, f"chatgroup:{user.id}", 20, 3600, "groups")
    async with database(request).session() as session:
        result = await service.create_group(session, user, body.name, body.members)
        await commit(request, session, result)
        return await _chat(session, user.id, result.value.id)


@router.post("/chats/join")
async def join(body: CodeIn, request: Request, user: HostUser) -> dict[str, Any]:
    await budget(request, f"chatjoin:{user.id}", 30, 60, "invitations")
    async with database(request).session() as session:
        result = await service.join_group(session, user, body.code)
        await commit(request, session, result)
        return await _chat(session, user.id, result.value.id)


@router.get("/chats/{chat_id}")
async def get_chat(chat_id: ChatId, request: Request, user: HostUser) -> dict[str, Any]:
    async with database(request).session() as session:
        return await _chat(session, user.id, chat_id)


@router.patch("/chats/{chat_id}")
async def rename(chat_id: ChatId, body: RenameIn, request: Request, user: HostUser) -> dict[str, Any]:
    async with database(request).session() as session:
        result = await service.rename_group(session, user, chat_id, body.name)
        await commit(request, session, result)
        return await _chat(session, user.id, chat_id)


@router.post("/chats/{chat_id}/invitation")
async def replace_invitation(chat_id: ChatId, request: Request, user: HostUser) -> dict[str, str]:
    async with database(request).session() as session:
        code = await service.new_invitation(session, user, chat_id)
        await session.commit()
    return {"invite_code": code, "link": f"{settings(request).public_url}/join/{code}"}


@router.post("/chats/{chat_id}/leave", status_code=204)
async def leave(chat_id: ChatId, request: Request, user: HostUser) -> Response:
    async with database(request).session() as session:
        result = await service.leave_group(session, user, chat_id)
        await commit(request, session, result)
    return Response(status_code=204)


@router.get("/chats/{chat_id}/messages")
async def messages(
    chat_id: ChatId,
    request: Request,
    user: HostUser,
    after: Annotated[int | None, Query(ge=0)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = service.PAGE,
) -> list[dict[str, Any]]:
    async with database(request).session() as session:
        return await service.history(session, user.id, chat_id, after=after, before=before, limit=limit)


@router.post("/chats/{chat_id}/messages", status_code=201)
async def send(chat_id: ChatId, body: MessageIn, request: Request, user: HostUser) -> dict[str, Any]:
    await budget(request, f"chatmsg:{user.id}", settings(request).chat_messages_per_minute, 60)
    async with database(request).session() as session:
        result = await service.send(session, user, chat_id, "text", {"content": body.content})
        await commit(request, session, result)
    value: dict[str, Any] = result.value
    return value


@router.post("/chats/{chat_id}/images", status_code=201)
async def send_image(chat_id: ChatId, request: Request, user: HostUser) -> dict[str, Any]:
    """The body is the image itself: PNG, JPEG, GIF or WebP, at most 2 MB, checked by its bytes."""
    await budget(request, f"chatmsg:{user.id}", settings(request).chat_messages_per_minute, 60)
    data = await request.body()
    if len(data) > IMAGE_MAX_BYTES:
        raise Problem(413, "image_too_large", f"an image is at most {IMAGE_MAX_BYTES // 1024 // 1024} MB")
    kind = image_type(data)
    if kind is None:
        raise Problem(415, "not_an_image", "images must be PNG, JPEG, GIF or WebP")
    async with database(request).session() as session:
        await service.membership(session, user.id, chat_id)  # before anything is stored
        sha = media_store(request).put(data, kind)
        body = {"blob": sha, "type": kind, "url": f"/api/me/chats/{chat_id}/images/{sha}"}
        result = await service.send(session, user, chat_id, "image", body)
        await commit(request, session, result)
    value: dict[str, Any] = result.value
    return value


@router.get("/chats/{chat_id}/images/{sha}")
async def image(
    chat_id: ChatId, sha: Annotated[str, Path(pattern="^[0-9a-f]{64}$")], request: Request, user: HostUser
) -> Response:
    """An image said in a chat, to its members only."""
    async with database(request).session() as session:
        if not await service.image_in_chat(session, user.id, chat_id, sha):
            raise Problem(404, "image_not_found", "no such image in this chat")
    data = media_store(request).get(sha)
    if data is None:
        raise Problem(404, "image_not_found", "no such image in this chat")
    return Response(
        data,
        media_type=media_store(request).media_type(sha),
        headers={"Cache-Control": "private, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


@router.post("/chats/{chat_id}/read")
async def read(chat_id: ChatId, body: ReadIn, request: Request, user: HostUser) -> dict[str, int]:
    async with database(request).session() as session:
        result = await service.mark_read(session, user, chat_id, body.seq)
        await commit(request, session, result)
    return {"read_seq": int(result.value)}


@live_router.websocket("/api/me/chats/live")
async def chat_live(websocket: WebSocket) -> None:
    await live.serve(websocket)
