"""The rules of contacts and chats, as plain functions the routes, the live connection and the tests
call. Each mutating function works in the caller's transaction and returns what to publish once it
commits (an `Outgoing`: the event and who hears it), so nothing is announced that did not happen."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.chats.models import (
    Block,
    Chat,
    ChatMember,
    ChatMessage,
    ChatProfile,
    Contact,
    FriendRequest,
)
from hutong.server.consent.models import UserProfile
from hutong.server.db.base import utcnow
from hutong.server.problems import Problem

MAX_TEXT = 2000
MAX_NAME = 64
MAX_GROUP = 500
PAGE = 50
KINDS = ("text", "image", "miniprogram")


@dataclass
class Outgoing:
    """What to publish after commit: ``event`` to each of ``user_ids``."""

    user_ids: list[int]
    event: dict[str, Any]


@dataclass
class Result:
    value: Any
    outgoing: list[Outgoing] = field(default_factory=list)


def _token() -> str:
    return secrets.token_urlsafe(12)


async def _insert_ignoring_conflict(session: AsyncSession, model: Any, values: dict[str, Any]) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    await session.execute(insert(model).values(**values).on_conflict_do_nothing())


# People ------------------------------------------------------------------------------------------------


async def names(session: AsyncSession, user_ids: Sequence[int]) -> dict[int, str]:
    """What other users see a user as: their host nickname, else their account name, never the email."""
    ids = list(set(user_ids))
    if not ids:
        return {}
    rows = await session.execute(
        select(User.id, User.name, UserProfile.nickname)
        .outerjoin(UserProfile, UserProfile.user_id == User.id)
        .where(User.id.in_(ids))
    )
    return {uid: (nick or name or f"User {uid}") for uid, name, nick in rows}


async def person(session: AsyncSession, user_id: int) -> dict[str, Any]:
    return {"id": user_id, "name": (await names(session, [user_id])).get(user_id, f"User {user_id}")}


async def friend_code(session: AsyncSession, user: User, rotate: bool = False) -> str:
    """The user's friend code (their QR code and add-me link carry it); ``rotate`` replaces it, and the
    old link stops working."""
    row = await session.get(ChatProfile, user.id)
    if row is None:
        await _insert_ignoring_conflict(
            session, ChatProfile, {"user_id": user.id, "friend_code": _token(), "created_at": utcnow()}
        )
        row = await session.get(ChatProfile, user.id)
        assert row is not None
    elif rotate:
        row.friend_code = _token()
        await session.flush()
    return row.friend_code


async def user_by_code(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(ChatProfile.user_id).where(ChatProfile.friend_code == code))


async def blocked_between(session: AsyncSession, a: int, b: int) -> bool:
    found = await session.scalar(
        select(Block.id).where(
            or_(
                and_(Block.user_id == a, Block.blocked_id == b),
                and_(Block.user_id == b, Block.blocked_id == a),
            )
        )
    )
    return found is not None


async def are_contacts(session: AsyncSession, a: int, b: int) -> bool:
    found = await session.scalar(select(Contact.id).where(Contact.user_id == a, Contact.contact_id == b))
    return found is not None


def _request_out(request: FriendRequest, names_: dict[int, str]) -> dict[str, Any]:
    return {
        "id": request.id,
        "from": {"id": request.from_user_id, "name": names_.get(request.from_user_id, "")},
        "to": {"id": request.to_user_id, "name": names_.get(request.to_user_id, "")},
        "state": request.state,
        "created_at": request.created_at.isoformat(),
    }


async def request_friend(session: AsyncSession, user: User, code: str) -> Result:
    """Ask the owner of ``code`` to be a contact. A request they already sent us is accepted instead; a
    block either way is not revealed (the request simply never arrives)."""
    target = await user_by_code(session, code)
    if target is None:
        raise Problem(404, "unknown_friend_code", "no one has this friend code (it may have been replaced)")
    if target == user.id:
        raise Problem(422, "cannot_add_self", "this is your own friend code")
    if await are_contacts(session, user.id, target):
        raise Problem(409, "already_contacts", "you are already contacts")
    reverse = await session.scalar(
        select(FriendRequest).where(
            FriendRequest.from_user_id == target,
            FriendRequest.to_user_id == user.id,
            FriendRequest.state == "pending",
        )
    )
    if reverse is not None:
        return await decide_request(session, user, reverse.id, accept=True)
    blocked = await blocked_between(session, user.id, target)
    existing = await session.scalar(
        select(FriendRequest).where(FriendRequest.from_user_id == user.id, FriendRequest.to_user_id == target)
    )
    if existing is None:
        existing = FriendRequest(
            from_user_id=user.id, to_user_id=target, state="pending", created_at=utcnow()
        )
        session.add(existing)
    elif existing.state != "pending":
        existing.state, existing.decided_at, existing.created_at = "pending", None, utcnow()
    await session.flush()
    names_ = await names(session, [user.id, target])
    out = _request_out(existing, names_)
    if blocked:
        # Kept pending in the requester's list; the other side never hears of it.
        return Result(out)
    return Result(out, [Outgoing([target], {"t": "request", "request": out})])


async def decide_request(session: AsyncSession, user: User, request_id: int, accept: bool) -> Result:
    request = await session.get(FriendRequest, request_id)
    if request is None or request.to_user_id != user.id:
        raise Problem(404, "request_not_found", "no such friend request for you")
    if request.state != "pending":
        raise Problem(409, "request_decided", f"this request was already {request.state}")
    moved = await session.execute(
        update(FriendRequest)
        .where(FriendRequest.id == request.id, FriendRequest.state == "pending")
        .values(state="accepted" if accept else "refused", decided_at=utcnow())
        .execution_options(synchronize_session="fetch")
    )
    if getattr(moved, "rowcount", 0) != 1:
        raise Problem(409, "request_decided", "this request was already decided")
    await session.refresh(request)
    names_ = await names(session, [request.from_user_id, request.to_user_id])
    out = _request_out(request, names_)
    if not accept:
        return Result(out)  # the requester is not told of a refusal, as in WeChat
    if await blocked_between(session, request.from_user_id, user.id):
        raise Problem(409, "blocked", "unblock this person first")
    for a, b in ((request.from_user_id, user.id), (user.id, request.from_user_id)):
        await _insert_ignoring_conflict(
            session, Contact, {"user_id": a, "contact_id": b, "created_at": utcnow()}
        )
    chat = await _direct_chat(session, request.from_user_id, user.id)
    event = {"t": "contact", "request": out, "chat_id": chat.id}
    return Result({**out, "chat_id": chat.id}, [Outgoing([request.from_user_id, user.id], event)])


async def contacts(session: AsyncSession, user: User) -> list[dict[str, Any]]:
    ids = list(await session.scalars(select(Contact.contact_id).where(Contact.user_id == user.id)))
    names_ = await names(session, ids)
    return sorted(({"id": i, "name": names_.get(i, "")} for i in ids), key=lambda p: str(p["name"]).lower())


async def requests(session: AsyncSession, user: User) -> dict[str, list[dict[str, Any]]]:
    rows = list(
        await session.scalars(
            select(FriendRequest)
            .where(
                or_(FriendRequest.to_user_id == user.id, FriendRequest.from_user_id == user.id),
                FriendRequest.state == "pending",
            )
            .order_by(FriendRequest.id.desc())
        )
    )
    # A request from someone either side has blocked never reaches the other (the requester still sees it).
    blocks = (
        await session.execute(
            select(Block.user_id, Block.blocked_id).where(
                or_(Block.user_id == user.id, Block.blocked_id == user.id)
            )
        )
    ).all()
    hidden = {b if a == user.id else a for a, b in blocks}
    names_ = await names(session, [u for r in rows for u in (r.from_user_id, r.to_user_id)])
    return {
        "incoming": [
            _request_out(r, names_) for r in rows if r.to_user_id == user.id and r.from_user_id not in hidden
        ],
        "outgoing": [_request_out(r, names_) for r in rows if r.from_user_id == user.id],
    }


async def block(session: AsyncSession, user: User, other: int, blocked: bool = True) -> None:
    """Block (or unblock) ``other``: a block also ends the contact and refuses their pending request."""
    if other == user.id:
        raise Problem(422, "cannot_block_self", "you cannot block yourself")
    if await session.get(User, other) is None:
        raise Problem(404, "user_not_found", "no such user")
    if not blocked:
        found = await session.scalar(select(Block).where(Block.user_id == user.id, Block.blocked_id == other))
        if found is not None:
            await session.delete(found)
        return
    await _insert_ignoring_conflict(
        session, Block, {"user_id": user.id, "blocked_id": other, "created_at": utcnow()}
    )
    for contact in await session.scalars(
        select(Contact).where(
            or_(
                and_(Contact.user_id == user.id, Contact.contact_id == other),
                and_(Contact.user_id == other, Contact.contact_id == user.id),
            )
        )
    ):
        await session.delete(contact)
    await session.execute(
        update(FriendRequest)
        .where(
            FriendRequest.from_user_id == other,
            FriendRequest.to_user_id == user.id,
            FriendRequest.state == "pending",
        )
        .values(state="refused", decided_at=utcnow())
    )


# Chats ------------------------------------------------------------------------------------------------


async def _direct_chat(session: AsyncSession, a: int, b: int) -> Chat:
    key = f"{min(a, b)}:{max(a, b)}"
    chat = await session.scalar(select(Chat).where(Chat.direct_key == key))
    if chat is None:
        moment = utcnow()
        await _insert_ignoring_conflict(
            session,
            Chat,
            {
                "kind": "direct",
                "name": "",
                "direct_key": key,
                "last_seq": 0,
                "updated_at": moment,
                "created_at": moment,
            },
        )
        chat = await session.scalar(select(Chat).where(Chat.direct_key == key))
        assert chat is not None
    for uid in (a, b):
        await _insert_ignoring_conflict(
            session,
            ChatMember,
            {
                "chat_id": chat.id,
                "user_id": uid,
                "role": "member",
                "read_seq": 0,
                "from_seq": 1,
                "created_at": utcnow(),
            },
        )
    return chat


async def direct_chat(session: AsyncSession, user: User, other: int) -> Chat:
    if not await are_contacts(session, user.id, other):
        raise Problem(403, "not_contacts", "add this person as a contact first")
    return await _direct_chat(session, user.id, other)


async def membership(session: AsyncSession, user_id: int, chat_id: int) -> tuple[Chat, ChatMember]:
    """The chat and the user's current membership; 404 for anyone else (a chat's existence is private)."""
    found = (
        await session.execute(
            select(Chat, ChatMember)
            .join(ChatMember, ChatMember.chat_id == Chat.id)
            .where(Chat.id == chat_id, ChatMember.user_id == user_id, ChatMember.left_at.is_(None))
        )
    ).first()
    if found is None:
        raise Problem(404, "chat_not_found", "no such chat")
    return found[0], found[1]


async def member_ids(session: AsyncSession, chat_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(ChatMember.user_id).where(ChatMember.chat_id == chat_id, ChatMember.left_at.is_(None))
        )
    )


def _clean_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean or len(clean) > MAX_NAME or any(ord(c) < 32 for c in name if c not in "\t\n"):
        raise Problem(422, "invalid_name", f"a group name is 1 to {MAX_NAME} visible characters")
    return clean


async def create_group(session: AsyncSession, user: User, name: str, members: Sequence[int]) -> Result:
    """A group of the user and some of their contacts."""
    clean = _clean_name(name)
    others = sorted(set(members) - {user.id})
    if len(others) + 1 > MAX_GROUP:
        raise Problem(422, "group_too_large", f"a group holds at most {MAX_GROUP} people")
    if others:
        known = set(
            await session.scalars(
                select(Contact.contact_id).where(Contact.user_id == user.id, Contact.contact_id.in_(others))
            )
        )
        if known != set(others):
            raise Problem(403, "not_contacts", "a group starts with your contacts only")
    moment = utcnow()
    chat = Chat(
        kind="group", name=clean, invite_code=_token(), created_by=user.id, last_seq=0, updated_at=moment
    )
    session.add(chat)
    await session.flush()
    session.add(ChatMember(chat_id=chat.id, user_id=user.id, role="owner", read_seq=0, from_seq=1))
    for uid in others:
        session.add(ChatMember(chat_id=chat.id, user_id=uid, role="member", read_seq=0, from_seq=1))
    await session.flush()
    sent = await _append(
        session, chat, None, "system", {"event": "created", "by": await person(session, user.id)}
    )
    return Result(chat, [sent])


async def join_group(session: AsyncSession, user: User, code: str) -> Result:
    """Join by invitation link or code; a former member comes back, seeing only what is said from now."""
    chat = await session.scalar(select(Chat).where(Chat.invite_code == code, Chat.kind == "group"))
    if chat is None:
        raise Problem(404, "unknown_invitation", "this invitation is not valid (it may have been replaced)")
    row = await session.scalar(
        select(ChatMember).where(ChatMember.chat_id == chat.id, ChatMember.user_id == user.id)
    )
    if row is not None and row.left_at is None:
        return Result(chat)
    if len(await member_ids(session, chat.id)) >= MAX_GROUP:
        raise Problem(409, "group_full", f"this group already has {MAX_GROUP} people")
    if row is None:
        row = ChatMember(
            chat_id=chat.id,
            user_id=user.id,
            role="member",
            read_seq=chat.last_seq,
            from_seq=chat.last_seq + 1,
        )
        session.add(row)
    else:
        row.left_at, row.read_seq, row.from_seq = None, chat.last_seq, chat.last_seq + 1
    await session.flush()
    sent = await _append(
        session, chat, None, "system", {"event": "joined", "who": await person(session, user.id)}
    )
    return Result(chat, [sent])


async def leave_group(session: AsyncSession, user: User, chat_id: int) -> Result:
    chat, member = await membership(session, user.id, chat_id)
    if chat.kind != "group":
        raise Problem(422, "not_a_group", "only groups can be left")
    member.left_at = utcnow()
    await session.flush()
    sent = await _append(
        session, chat, None, "system", {"event": "left", "who": await person(session, user.id)}
    )
    if member.role == "owner":
        # The longest-standing member left inherits the group.
        heir = await session.scalar(
            select(ChatMember)
            .where(ChatMember.chat_id == chat.id, ChatMember.left_at.is_(None))
            .order_by(ChatMember.id)
            .limit(1)
        )
        if heir is not None:
            heir.role = "owner"
        member.role = "member"
    return Result(None, [sent, Outgoing([user.id], {"t": "left", "chat_id": chat.id})])


async def rename_group(session: AsyncSession, user: User, chat_id: int, name: str) -> Result:
    chat, _ = await membership(session, user.id, chat_id)
    if chat.kind != "group":
        raise Problem(422, "not_a_group", "only groups have names")
    chat.name = _clean_name(name)
    sent = await _append(
        session,
        chat,
        None,
        "system",
        {"event": "renamed", "name": chat.name, "by": await person(session, user.id)},
    )
    return Result(chat, [sent])


async def new_invitation(session: AsyncSession, user: User, chat_id: int) -> str:
    """Replace a group's invitation (the owner only): the old link stops working."""
    chat, member = await membership(session, user.id, chat_id)
    if chat.kind != "group" or member.role != "owner":
        raise Problem(403, "owner_only", "only the group's owner can replace its invitation")
    chat.invite_code = _token()
    await session.flush()
    return chat.invite_code


def message_out(message: ChatMessage, sender: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": message.id,
        "chat_id": message.chat_id,
        "seq": message.seq,
        "sender": sender,
        "type": message.kind,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }


async def _append(
    session: AsyncSession, chat: Chat, sender_id: int | None, kind: str, body: dict[str, Any]
) -> Outgoing:
    """Number and store one message. The number comes from one conditional UPDATE of the chat's row,
    which also holds that row until commit: a later message of the same chat cannot commit before an
    earlier one, so a client that sees number n can read every number below it."""
    moment = utcnow()
    seq = await session.scalar(
        update(Chat)
        .where(Chat.id == chat.id)
        .values(last_seq=Chat.last_seq + 1, updated_at=moment)
        .returning(Chat.last_seq)
        .execution_options(synchronize_session=False)
    )
    assert seq is not None
    message = ChatMessage(
        chat_id=chat.id, seq=seq, sender_id=sender_id, kind=kind, body=body, created_at=moment
    )
    session.add(message)
    await session.flush()
    sender = await person(session, sender_id) if sender_id is not None else None
    out = message_out(message, sender)
    return Outgoing(
        await member_ids(session, chat.id), {"t": "message", "chat_id": chat.id, "seq": seq, "message": out}
    )


async def send(session: AsyncSession, user: User, chat_id: int, kind: str, body: dict[str, Any]) -> Result:
    """The user says something in a chat they belong to."""
    chat, _ = await membership(session, user.id, chat_id)
    if kind not in KINDS:
        raise Problem(422, "invalid_message", f"a message is one of {', '.join(KINDS)}")
    if kind == "text":
        content = str(body.get("content", ""))
        if not content.strip() or len(content) > MAX_TEXT:
            raise Problem(422, "invalid_message", f"a text is 1 to {MAX_TEXT} characters")
        body = {"content": content}
    if chat.kind == "direct":
        other = next((u for u in map(int, str(chat.direct_key).split(":")) if u != user.id), user.id)
        if await blocked_between(session, user.id, other) or not await are_contacts(session, user.id, other):
            raise Problem(403, "not_contacts", "you can no longer write to this person")
    sent = await _append(session, chat, user.id, kind, body)
    # What the sender wrote, they have read.
    await session.execute(
        update(ChatMember)
        .where(ChatMember.chat_id == chat.id, ChatMember.user_id == user.id)
        .values(read_seq=sent.event["seq"])
    )
    return Result(sent.event["message"], [sent])


async def history(
    session: AsyncSession,
    user_id: int,
    chat_id: int,
    after: int | None = None,
    before: int | None = None,
    limit: int = PAGE,
) -> list[dict[str, Any]]:
    """Messages the member may read, oldest first: after ``after`` (catching up) or the page before
    ``before`` (scrolling back; the newest page by default)."""
    _, member = await membership(session, user_id, chat_id)
    limit = max(1, min(limit, 200))
    query = select(ChatMessage).where(ChatMessage.chat_id == chat_id, ChatMessage.seq >= member.from_seq)
    if after is not None:
        rows = list(
            await session.scalars(query.where(ChatMessage.seq > after).order_by(ChatMessage.seq).limit(limit))
        )
    else:
        if before is not None:
            query = query.where(ChatMessage.seq < before)
        rows = list(await session.scalars(query.order_by(ChatMessage.seq.desc()).limit(limit)))
        rows.reverse()
    names_ = await names(session, [r.sender_id for r in rows if r.sender_id is not None])
    return [
        message_out(
            r, {"id": r.sender_id, "name": names_.get(r.sender_id, "")} if r.sender_id is not None else None
        )
        for r in rows
    ]


async def mark_read(session: AsyncSession, user: User, chat_id: int, seq: int) -> Result:
    chat, member = await membership(session, user.id, chat_id)
    seq = min(max(seq, 0), chat.last_seq)
    if seq > member.read_seq:
        member.read_seq = seq
        await session.flush()
    event = {"t": "read", "chat_id": chat.id, "user_id": user.id, "seq": member.read_seq}
    return Result(member.read_seq, [Outgoing(await member_ids(session, chat.id), event)])


def _preview(message: ChatMessage | None) -> str:
    if message is None:
        return ""
    if message.kind == "text":
        return str(message.body.get("content", ""))[:80]
    if message.kind == "image":
        return "[Image]"
    if message.kind == "miniprogram":
        return f"[Mini program] {message.body.get('title', '')}"
    return {
        "created": "Group created",
        "joined": "Someone joined",
        "left": "Someone left",
        "renamed": "Group renamed",
    }.get(str(message.body.get("event")), "")


async def chat_out(session: AsyncSession, chat: Chat, member: ChatMember, user_id: int) -> dict[str, Any]:
    members = await member_ids(session, chat.id)
    names_ = await names(session, members)
    name = chat.name
    if chat.kind == "direct":
        other = next((u for u in map(int, str(chat.direct_key).split(":")) if u != user_id), user_id)
        name = (await names(session, [other])).get(other, "")
    last = await session.scalar(
        select(ChatMessage).where(ChatMessage.chat_id == chat.id, ChatMessage.seq == chat.last_seq)
    )
    unread = await session.scalar(
        select(func.count())
        .select_from(ChatMessage)
        .where(
            ChatMessage.chat_id == chat.id,
            ChatMessage.seq > member.read_seq,
            ChatMessage.seq >= member.from_seq,
            or_(ChatMessage.sender_id.is_(None), ChatMessage.sender_id != user_id),
            ChatMessage.kind != "system",
        )
    )
    updated: datetime = chat.updated_at
    return {
        "id": chat.id,
        "kind": chat.kind,
        "name": name,
        "members": [{"id": m, "name": names_.get(m, "")} for m in members],
        "role": member.role,
        "last_seq": chat.last_seq,
        "read_seq": member.read_seq,
        "unread": int(unread or 0),
        "preview": _preview(last if last is not None and last.seq >= member.from_seq else None),
        "updated_at": updated.isoformat(),
        **({"invite_code": chat.invite_code} if chat.kind == "group" else {}),
    }


async def chats_of(session: AsyncSession, user: User, limit: int = 100) -> list[dict[str, Any]]:
    rows = (
        await session.execute(
            select(Chat, ChatMember)
            .join(ChatMember, ChatMember.chat_id == Chat.id)
            .where(ChatMember.user_id == user.id, ChatMember.left_at.is_(None))
            .order_by(Chat.updated_at.desc(), Chat.id.desc())
            .limit(limit)
        )
    ).all()
    return [await chat_out(session, chat, member, user.id) for chat, member in rows]


async def image_in_chat(session: AsyncSession, user_id: int, chat_id: int, sha: str) -> bool:
    """Whether ``sha`` is an image said in a chat the user may read (from where they may read it)."""
    _, member = await membership(session, user_id, chat_id)
    rows = await session.scalars(
        select(ChatMessage.body).where(
            ChatMessage.chat_id == chat_id, ChatMessage.kind == "image", ChatMessage.seq >= member.from_seq
        )
    )
    return any(isinstance(body, dict) and body.get("blob") == sha for body in rows)
