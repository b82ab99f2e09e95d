"""Customer service and feedback: the rules, in plain functions the routes and the tests call.

User-side functions take the signed-in user's id and reach only that user's own conversation with
an app. Agent-side functions take the acting member and check their role in the app's organization
(Action.CUSTOMER_SERVICE); outsiders get 404. The developer-server API (server_routes.py) reaches
an app's conversations by the user's openid, with the app's access token.

The reply window is WeChat's: after the user writes, the app may send up to 5 messages within 48
hours; after the user opens the session, 2 within a minute. The console's replies keep the 48-hour
window but not the count, as WeChat's own customer service tool.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import sealing
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import App
from hutong.server.apps.service import get_app
from hutong.server.consent.service import image_type
from hutong.server.identity import service as identity
from hutong.server.identity.ids import aware
from hutong.server.identity.models import OpenId
from hutong.server.privacy.registry import rows_removed
from hutong.server.problems import Problem
from hutong.server.support.models import (
    Conversation,
    Feedback,
    FeedbackImage,
    Media,
    Message,
    PushSettings,
    push_token_purpose,
)

TEXT_MAX = 2000
TITLE_MAX = 128
PATH_MAX = 1024
URL_MAX = 1000
SESSION_FROM_MAX = 1024
THREAD_LIMIT = 200  # the newest messages a thread shows
REPLY_WINDOW = timedelta(hours=48)
REPLY_LIMIT = 5
ENTER_WINDOW = timedelta(minutes=1)
ENTER_LIMIT = 2
MEDIA_LIFETIME = timedelta(days=3)
MEDIA_MAX_BYTES = 2 * 1024 * 1024  # WeChat's limit for an image

FEEDBACK_CATEGORIES = {
    "bug": "功能异常",
    "experience": "体验问题",
    "suggestion": "产品建议",
    "other": "其他",
}
FEEDBACK_TEXT_MAX = 500
FEEDBACK_CONTACT_MAX = 100
FEEDBACK_IMAGES_MAX = 4
FEEDBACK_IMAGE_MAX_BYTES = 1024 * 1024

# WeChat's errcodes for /cgi-bin/message/custom/send (the routes turn them into {errcode, errmsg}).
INVALID_OPENID = 40003
INVALID_MEDIA = 40007
INVALID_MSGTYPE = 40008
OUT_OF_TIME = 45015
OUT_OF_COUNT = 45047
CONTENT_TOO_LONG = 45002
BAD_DATA = 47001

# The time, for everything here; a test may replace it to move the clock.
now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class SendRefused(Exception):
    """A message the developer's server may not send: ``errcode`` is WeChat's."""

    def __init__(self, errcode: int, errmsg: str | None = None) -> None:
        super().__init__(errmsg or str(errcode))
        self.errcode = errcode
        self.errmsg = errmsg


@dataclass
class ThreadMessage:
    id: int
    sender: str
    kind: str
    body: dict[str, Any]
    created_at: datetime


@dataclass
class ConversationSummary:
    id: int
    appid: str
    app_name: str
    app_icon: str
    openid: str
    session_from: str
    unread: int  # what the other side sent that this side has not seen
    updated_at: datetime
    last: ThreadMessage | None = None
    can_reply: bool = False


@dataclass
class Thread:
    conversation: Conversation | None
    app: App
    openid: str = ""
    messages: list[ThreadMessage] = field(default_factory=list)
    can_reply: bool = False


def _clean(text: object, limit: int, what: str, *, required: bool = True, multiline: bool = False) -> str:
    if not isinstance(text, str):
        raise Problem(422, "invalid_message", f"{what} must be text")
    value = text.strip() if multiline else " ".join(text.split())
    if required and not value:
        raise Problem(422, "invalid_message", f"{what} is empty")
    if len(value) > limit:
        raise Problem(422, "message_too_long", f"{what} has at most {limit} characters")
    if _CONTROL.search(value):
        raise Problem(422, "invalid_message", f"{what} cannot hold control characters")
    return value


def _thread_message(row: Message) -> ThreadMessage:
    return ThreadMessage(row.id, row.sender, row.kind, dict(row.body or {}), aware(row.created_at))


async def _conversation(session: AsyncSession, app: App, user_id: int) -> Conversation | None:
    return await session.scalar(
        select(Conversation).where(Conversation.app_id == app.id, Conversation.user_id == user_id)
    )


async def _open_conversation(session: AsyncSession, app: App, user_id: int) -> Conversation:
    """The user's conversation with ``app``, made on first need. Two first messages at once (two
    tabs, a double tap) must not fail: INSERT … ON CONFLICT DO NOTHING, and one row wins."""
    row = await _conversation(session, app, user_id)
    if row is None:
        dialect = session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        moment = now()
        values = {
            "app_id": app.id,
            "user_id": user_id,
            "session_from": "",
            "user_read_id": 0,
            "agent_read_id": 0,
            "created_at": moment,
            "updated_at": moment,
        }
        await session.execute(insert(Conversation).values(**values).on_conflict_do_nothing())
        row = await _conversation(session, app, user_id)
    assert row is not None
    return row


async def _add(
    session: AsyncSession, conversation: Conversation, sender: str, kind: str, body: dict[str, Any]
) -> Message:
    moment = now()
    message = Message(conversation_id=conversation.id, sender=sender, kind=kind, body=body, created_at=moment)
    session.add(message)
    conversation.updated_at = moment
    if sender == "user":
        conversation.last_user_message_at = moment
    await session.flush()
    # What a side sends itself it has seen.
    if sender == "user":
        conversation.user_read_id = message.id
    else:
        conversation.agent_read_id = message.id
    await session.flush()
    return message


async def _messages(session: AsyncSession, conversation: Conversation) -> list[ThreadMessage]:
    rows = await session.scalars(
        select(Message)
        .where(Message.conversation_id == conversation.id)
        .order_by(Message.id.desc())
        .limit(THREAD_LIMIT)
    )
    return [_thread_message(row) for row in reversed(list(rows))]


def _replies_left(conversation: Conversation, agent_times: list[datetime], *, counted: bool) -> int | None:
    """None if the app may send one more message now, else WeChat's errcode for why not."""
    moment = now()
    after_message = conversation.last_user_message_at and aware(conversation.last_user_message_at)
    after_enter = conversation.last_entered_at and aware(conversation.last_entered_at)
    in_message = bool(after_message and moment - after_message <= REPLY_WINDOW)
    in_enter = bool(after_enter and moment - after_enter <= ENTER_WINDOW)
    if not in_message and not in_enter:
        return OUT_OF_TIME
    if not counted:
        return None
    if in_message and after_message and sum(1 for t in agent_times if t >= after_message) < REPLY_LIMIT:
        return None
    if in_enter and after_enter and sum(1 for t in agent_times if t >= after_enter) < ENTER_LIMIT:
        return None
    return OUT_OF_COUNT


async def _agent_times(session: AsyncSession, conversation: Conversation) -> list[datetime]:
    since = now() - REPLY_WINDOW
    rows = await session.scalars(
        select(Message.created_at).where(
            Message.conversation_id == conversation.id, Message.sender == "agent", Message.created_at >= since
        )
    )
    return [aware(t) for t in rows]


# -- the user's side (host endpoints under /api/me/support) -----------------------------------------


async def enter(session: AsyncSession, user_id: int, appid: str, session_from: str = "") -> Thread:
    """The user opened the customer service session (`<button open-type="contact">`)."""
    app = await identity.live_app(session, appid)
    conversation = await _open_conversation(session, app, user_id)
    conversation.session_from = _clean(session_from, SESSION_FROM_MAX, "session-from", required=False)
    conversation.last_entered_at = now()
    await session.flush()
    return await thread_for_user(session, user_id, appid)


async def send_user_text(session: AsyncSession, user_id: int, appid: str, text: str) -> ThreadMessage:
    app = await identity.live_app(session, appid)
    content = _clean(text, TEXT_MAX, "a message", multiline=True)
    conversation = await _open_conversation(session, app, user_id)
    return _thread_message(await _add(session, conversation, "user", "text", {"content": content}))


def _thumb(value: object) -> str:
    """A card's image: the app's own package file as the host resolved it, or an https image."""
    if not isinstance(value, str) or len(value) > URL_MAX:
        return ""
    if re.fullmatch(r"/blobs/[0-9a-f]{64}", value) or value.startswith("https://"):
        return value
    return ""


async def send_user_card(
    session: AsyncSession, user_id: int, appid: str, title: str, path: str, thumb_url: str = ""
) -> ThreadMessage:
    """The message card of `show-message-card`: the page the user was on, sent into the session."""
    app = await identity.live_app(session, appid)
    body = {
        "title": _clean(title, TITLE_MAX, "a card title", required=False) or app.name,
        "pagepath": _clean(path, PATH_MAX, "a card path", required=False).lstrip("/"),
        "thumb_url": _thumb(thumb_url),
    }
    conversation = await _open_conversation(session, app, user_id)
    return _thread_message(await _add(session, conversation, "user", "miniprogrampage", body))


async def thread_for_user(session: AsyncSession, user_id: int, appid: str) -> Thread:
    app = await identity.live_app(session, appid)
    conversation = await _conversation(session, app, user_id)
    if conversation is None:
        return Thread(None, app)
    return Thread(conversation, app, messages=await _messages(session, conversation))


async def mark_read_by_user(session: AsyncSession, user_id: int, appid: str) -> None:
    app = await identity.live_app(session, appid)
    conversation = await _conversation(session, app, user_id)
    if conversation is None:
        return
    newest = await session.scalar(
        select(func.max(Message.id)).where(Message.conversation_id == conversation.id)
    )
    conversation.user_read_id = max(conversation.user_read_id, int(newest or 0))
    await session.flush()


async def _last_messages(session: AsyncSession, ids: list[int]) -> dict[int, ThreadMessage]:
    if not ids:
        return {}
    newest = (
        select(func.max(Message.id).label("id"))
        .where(Message.conversation_id.in_(ids))
        .group_by(Message.conversation_id)
        .subquery()
    )
    rows = await session.scalars(select(Message).join(newest, newest.c.id == Message.id))
    return {row.conversation_id: _thread_message(row) for row in rows}


async def conversations_of_user(session: AsyncSession, user_id: int) -> list[ConversationSummary]:
    """The user's conversations, newest first, with how many agent messages they have not seen."""
    unread = func.count(Message.id)
    rows = await session.execute(
        select(Conversation, App.appid, App.name, App.icon, unread)
        .join(App, App.id == Conversation.app_id)
        .outerjoin(
            Message,
            and_(
                Message.conversation_id == Conversation.id,
                Message.sender == "agent",
                Message.id > Conversation.user_read_id,
            ),
        )
        .where(Conversation.user_id == user_id)
        .group_by(Conversation.id, App.appid, App.name, App.icon)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
    )
    found = rows.all()
    last = await _last_messages(session, [row[0].id for row in found])
    return [
        ConversationSummary(
            c.id, appid, name, icon, "", c.session_from, int(count), aware(c.updated_at), last.get(c.id)
        )
        for c, appid, name, icon, count in found
        if c.id in last
    ]


async def _openids(session: AsyncSession, app: App, user_ids: set[int]) -> dict[int, str]:
    """Each user's openid in ``app``, in one query (made on first need for the few without one)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(OpenId.user_id, OpenId.openid).where(OpenId.app_id == app.id, OpenId.user_id.in_(user_ids))
    )
    found: dict[int, str] = {user_id: openid for user_id, openid in rows.all()}
    for user_id in user_ids - found.keys():
        found[user_id] = await identity.openid_for(session, app, user_id)
    return found


# -- the agent's side (the console) -------------------------------------------------------------------


async def conversations_of_app(
    session: AsyncSession, actor: User, appid: str
) -> tuple[App, list[ConversationSummary]]:
    """The app's conversations, newest first, with how many user messages no agent has seen."""
    app = await get_app(session, actor, appid, Action.CUSTOMER_SERVICE)
    unread = func.count(Message.id)
    rows = await session.execute(
        select(Conversation, unread)
        .outerjoin(
            Message,
            and_(
                Message.conversation_id == Conversation.id,
                Message.sender == "user",
                Message.id > Conversation.agent_read_id,
            ),
        )
        .where(Conversation.app_id == app.id)
        .group_by(Conversation.id)
        .order_by(Conversation.updated_at.desc(), Conversation.id.desc())
    )
    found = [(c, count) for c, count in rows.all()]
    last = await _last_messages(session, [row[0].id for row in found])
    # Opened, never written in: nothing to answer.
    found = [(c, count) for c, count in found if c.id in last]
    openids = await _openids(session, app, {c.user_id for c, _ in found})
    out = []
    for conversation, count in found:
        openid = openids[conversation.user_id]
        out.append(
            ConversationSummary(
                conversation.id,
                app.appid,
                app.name,
                app.icon,
                openid,
                conversation.session_from,
                int(count),
                aware(conversation.updated_at),
                last[conversation.id],
                _replies_left(conversation, [], counted=False) is None,
            )
        )
    return app, out


async def _app_conversation(session: AsyncSession, app: App, conversation_id: int) -> Conversation:
    conversation = await session.get(Conversation, conversation_id)
    if conversation is None or conversation.app_id != app.id:
        raise Problem(404, "conversation_not_found", "no such conversation for this mini program")
    return conversation


async def thread_for_agent(session: AsyncSession, actor: User, appid: str, conversation_id: int) -> Thread:
    """One conversation as the agent sees it (the user by openid); viewing it marks it read."""
    app = await get_app(session, actor, appid, Action.CUSTOMER_SERVICE)
    conversation = await _app_conversation(session, app, conversation_id)
    messages = await _messages(session, conversation)
    if messages:
        conversation.agent_read_id = max(conversation.agent_read_id, messages[-1].id)
    await session.flush()
    return Thread(
        conversation,
        app,
        await identity.openid_for(session, app, conversation.user_id),
        messages,
        _replies_left(conversation, [], counted=False) is None,
    )


async def reply_as_agent(
    session: AsyncSession, actor: User, appid: str, conversation_id: int, text: str
) -> ThreadMessage:
    app = await get_app(session, actor, appid, Action.CUSTOMER_SERVICE)
    conversation = await _app_conversation(session, app, conversation_id)
    content = _clean(text, TEXT_MAX, "a reply", multiline=True)
    if _replies_left(conversation, [], counted=False) is not None:
        raise Problem(
            409,
            "reply_window_closed",
            "the user last wrote more than 48 hours ago: wait for them to write again",
        )
    return _thread_message(await _add(session, conversation, "agent", "text", {"content": content}))


# -- the developer's server (/cgi-bin/message/custom/send, /cgi-bin/media/upload) -------------------


def _field(payload: dict[str, Any], key: str) -> dict[str, Any]:
    value = payload.get(key)
    if not isinstance(value, dict):
        raise SendRefused(BAD_DATA, f"data format error: {key} must be an object")
    return value


def _text(value: object, limit: int, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise SendRefused(BAD_DATA)
    if len(value) > limit:
        raise SendRefused(CONTENT_TOO_LONG, "content size out of limit")
    if _CONTROL.search(value):
        raise SendRefused(BAD_DATA, "data format error: control characters")
    return value


def _web_url(value: object, *, required: bool) -> str:
    url = _text(value, URL_MAX, required=required)
    if url and not re.match(r"^https?://[^\s/]+", url):
        raise SendRefused(BAD_DATA, "data format error: not an http(s) url")
    return url


async def _valid_media(session: AsyncSession, app: App, media_id: object) -> str:
    if not isinstance(media_id, str) or not media_id:
        raise SendRefused(INVALID_MEDIA)
    row = await session.scalar(select(Media).where(Media.media_id == media_id, Media.app_id == app.id))
    if row is None or now() - aware(row.created_at) > MEDIA_LIFETIME:
        raise SendRefused(INVALID_MEDIA)
    return media_id


async def _server_body(
    session: AsyncSession, app: App, msgtype: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """The stored body of one message in WeChat's JSON, checked field by field."""
    if msgtype == "text":
        return {"content": _text(_field(payload, "text").get("content"), TEXT_MAX)}
    if msgtype == "image":
        return {"media_id": await _valid_media(session, app, _field(payload, "image").get("media_id"))}
    if msgtype == "link":
        link = _field(payload, "link")
        return {
            "title": _text(link.get("title"), TITLE_MAX),
            "description": _text(link.get("description"), TEXT_MAX, required=False),
            "url": _web_url(link.get("url"), required=True),
            "thumb_url": _web_url(link.get("thumb_url"), required=False),
        }
    if msgtype == "miniprogrampage":
        card = _field(payload, "miniprogrampage")
        thumb = card.get("thumb_media_id")
        return {
            "title": _text(card.get("title"), TITLE_MAX),
            "pagepath": _text(card.get("pagepath"), PATH_MAX).lstrip("/"),
            "thumb_media_id": await _valid_media(session, app, thumb) if thumb else "",
        }
    raise SendRefused(INVALID_MSGTYPE)


async def send_from_server(session: AsyncSession, app: App, payload: dict[str, Any]) -> ThreadMessage:
    """A message from the developer's server to the user ``payload["touser"]`` (their openid)."""
    openid = payload.get("touser")
    msgtype = payload.get("msgtype")
    if not isinstance(openid, str) or not openid:
        raise SendRefused(INVALID_OPENID)
    if not isinstance(msgtype, str):
        raise SendRefused(INVALID_MSGTYPE)
    user_id = await identity.user_for_openid(session, app, openid)
    conversation = await _conversation(session, app, user_id) if user_id is not None else None
    if user_id is None:
        raise SendRefused(INVALID_OPENID)
    body = await _server_body(session, app, msgtype, payload)
    if conversation is None:
        raise SendRefused(OUT_OF_TIME)
    refused = _replies_left(conversation, await _agent_times(session, conversation), counted=True)
    if refused is not None:
        raise SendRefused(refused)
    return _thread_message(await _add(session, conversation, "agent", msgtype, body))


async def upload_media(session: AsyncSession, app: App, data: bytes) -> tuple[str, datetime]:
    """Temporary media (an image) for image messages and card thumbnails: its media_id, 3 days."""
    if len(data) > MEDIA_MAX_BYTES:
        raise SendRefused(40006, "invalid media size")
    kind = image_type(data)
    if kind is None:
        raise SendRefused(40005, "invalid file type")
    await session.execute(
        delete(Media)
        .where(Media.app_id == app.id, Media.created_at < now() - MEDIA_LIFETIME)
        .execution_options(synchronize_session=False)
    )
    media_id = secrets.token_urlsafe(48)
    moment = now()
    session.add(Media(app_id=app.id, media_id=media_id, content_type=kind, data=data, created_at=moment))
    await session.flush()
    return media_id, moment


async def media_for_user(session: AsyncSession, user_id: int, appid: str, media_id: str) -> Media:
    """An image the app sent this user (only media named by a message in their own conversation)."""
    thread = await thread_for_user(session, user_id, appid)
    named = {m.body.get("media_id") for m in thread.messages} | {
        m.body.get("thumb_media_id") for m in thread.messages
    }
    row = None
    if media_id and media_id in named:
        row = await session.scalar(
            select(Media).where(Media.media_id == media_id, Media.app_id == thread.app.id)
        )
    if row is None:
        raise Problem(404, "media_not_found", "no such image in this conversation")
    return row


# -- message push to the developer's server ------------------------------------------------------------


@dataclass
class Push:
    """An app's message push settings, the token unsealed."""

    url: str
    token: str


def _opened(session: AsyncSession, row: PushSettings) -> Push:
    token = sealing.keyring_of(session).unseal_text(row.token, purpose=push_token_purpose(row.app_id))
    return Push(row.url, token)


async def push_settings(session: AsyncSession, actor: User, appid: str) -> tuple[App, Push | None]:
    app = await get_app(session, actor, appid, Action.CUSTOMER_SERVICE)
    row = await session.get(PushSettings, app.id)
    return app, None if row is None else _opened(session, row)


def check_push(url: str, token: str) -> None:
    """A push URL and token as WeChat takes them (raises Problem otherwise)."""
    if not re.fullmatch(r"https?://[^\s]+", url.strip()) or len(url.strip()) > 500:
        raise Problem(422, "invalid_push_url", "the push URL must be an http(s) URL")
    if not re.fullmatch(r"[A-Za-z0-9]{3,32}", token):
        raise Problem(422, "invalid_push_token", "the token has 3 to 32 letters and digits")


async def set_push(session: AsyncSession, actor: User, appid: str, url: str, token: str) -> Push | None:
    """Where the app's messages are pushed (empty url: nowhere). The token is WeChat's: 3-32 letters
    and digits, shared with the developer's server, which checks each push's signature with it."""
    app = await get_app(session, actor, appid, Action.EDIT_APP)
    row = await session.get(PushSettings, app.id)
    url = url.strip()
    if not url:
        if row is not None:
            await session.delete(row)
        return None
    check_push(url, token)
    sealed = sealing.keyring_of(session).seal(token, purpose=push_token_purpose(app.id))
    if row is None:
        row = PushSettings(app_id=app.id, url=url, token=sealed, updated_at=now())
        session.add(row)
    else:
        row.url, row.token, row.updated_at = url, sealed, now()
    await session.flush()
    return Push(url, token)


async def push_recipient(session: AsyncSession, appid: str, user_id: int) -> tuple[int, str] | None:
    """(the app's id, the user's openid) when the app pushes its messages to its server, else None."""
    app = await identity.live_app(session, appid)
    if await session.get(PushSettings, app.id) is None:
        return None
    return app.id, await identity.openid_for(session, app, user_id)


async def push_target(session: AsyncSession, appid: str, user_id: int) -> tuple[str, str, str] | None:
    """(url, token, the user's openid) when the app pushes its messages to its server, else None."""
    app = await identity.live_app(session, appid)
    row = await session.get(PushSettings, app.id)
    if row is None:
        return None
    opened = _opened(session, row)
    return opened.url, opened.token, await identity.openid_for(session, app, user_id)


async def push_settings_of(session: AsyncSession, app_id: int) -> Push | None:
    """Where and with which token the app's pushes go now (None: push is off)."""
    row = await session.get(PushSettings, app_id)
    return None if row is None else _opened(session, row)


# -- feedback ------------------------------------------------------------------------------------------


async def submit_feedback(
    session: AsyncSession,
    user_id: int,
    appid: str,
    category: str,
    content: str,
    contact: str = "",
    images: list[bytes] | None = None,
) -> Feedback:
    app = await identity.live_app(session, appid)
    if category not in FEEDBACK_CATEGORIES:
        raise Problem(422, "invalid_category", f"the category is one of {', '.join(FEEDBACK_CATEGORIES)}")
    text = _clean(content, FEEDBACK_TEXT_MAX, "the description", multiline=True)
    reach = _clean(contact, FEEDBACK_CONTACT_MAX, "the contact", required=False)
    images = images or []
    if len(images) > FEEDBACK_IMAGES_MAX:
        raise Problem(422, "too_many_images", f"at most {FEEDBACK_IMAGES_MAX} images")
    kinds = []
    for data in images:
        if len(data) > FEEDBACK_IMAGE_MAX_BYTES:
            raise Problem(
                413, "image_too_large", f"an image is at most {FEEDBACK_IMAGE_MAX_BYTES // 1024} KB"
            )
        kind = image_type(data)
        if kind is None:
            raise Problem(415, "not_an_image", "images must be PNG, JPEG, GIF or WebP")
        kinds.append(kind)
    row = Feedback(
        app_id=app.id,
        user_id=user_id,
        category=category,
        content=text,
        contact=reach,
        image_count=len(images),
        created_at=now(),
    )
    session.add(row)
    await session.flush()
    for position, (data, kind) in enumerate(zip(images, kinds, strict=True)):
        session.add(FeedbackImage(feedback_id=row.id, position=position, content_type=kind, data=data))
    await session.flush()
    return row


async def feedback_of_app(
    session: AsyncSession, actor: User, appid: str
) -> tuple[App, list[tuple[Feedback, str]]]:
    """The app's feedback, newest first, each with the user's openid (never their account)."""
    app = await get_app(session, actor, appid, Action.CUSTOMER_SERVICE)
    rows = list(
        await session.scalars(
            select(Feedback).where(Feedback.app_id == app.id).order_by(Feedback.id.desc()).limit(500)
        )
    )
    openids = await _openids(session, app, {row.user_id for row in rows})
    return app, [(row, openids[row.user_id]) for row in rows]


async def feedback_image(
    session: AsyncSession, actor: User, appid: str, feedback_id: int, position: int
) -> FeedbackImage:
    app = await get_app(session, actor, appid, Action.CUSTOMER_SERVICE)
    row = await session.scalar(
        select(FeedbackImage)
        .join(Feedback, Feedback.id == FeedbackImage.feedback_id)
        .where(Feedback.id == feedback_id, Feedback.app_id == app.id, FeedbackImage.position == position)
    )
    if row is None:
        raise Problem(404, "image_not_found", "no such image")
    return row


# -- data rights (server/privacy) ----------------------------------------------------------------------


def _when(value: datetime | None) -> str | None:
    return aware(value).isoformat() if value is not None else None


async def export_conversation(session: AsyncSession, user_id: int, app_id: int) -> Any:
    conversation = await session.scalar(
        select(Conversation).where(Conversation.app_id == app_id, Conversation.user_id == user_id)
    )
    if conversation is None:
        return []
    rows = await session.scalars(
        select(Message).where(Message.conversation_id == conversation.id).order_by(Message.id)
    )
    return [
        {"at": _when(row.created_at), "from": row.sender, "type": row.kind, "body": dict(row.body or {})}
        for row in rows
    ]


async def delete_conversation(session: AsyncSession, user_id: int, app_id: int) -> int:
    ids = list(
        await session.scalars(
            select(Conversation.id).where(Conversation.app_id == app_id, Conversation.user_id == user_id)
        )
    )
    if not ids:
        return 0
    result = await session.execute(delete(Message).where(Message.conversation_id.in_(ids)))
    await session.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    return rows_removed(result)


async def apps_with_conversations(session: AsyncSession, user_id: int) -> set[int]:
    return set(await session.scalars(select(Conversation.app_id).where(Conversation.user_id == user_id)))


async def export_feedback(session: AsyncSession, user_id: int, app_id: int) -> Any:
    rows = await session.scalars(
        select(Feedback).where(Feedback.app_id == app_id, Feedback.user_id == user_id).order_by(Feedback.id)
    )
    return [
        {
            "at": _when(row.created_at),
            "category": row.category,
            "content": row.content,
            "contact": row.contact,
            "images": row.image_count,
        }
        for row in rows
    ]


async def delete_feedback(session: AsyncSession, user_id: int, app_id: int) -> int:
    ids = list(
        await session.scalars(
            select(Feedback.id).where(Feedback.app_id == app_id, Feedback.user_id == user_id)
        )
    )
    if not ids:
        return 0
    await session.execute(delete(FeedbackImage).where(FeedbackImage.feedback_id.in_(ids)))
    await session.execute(delete(Feedback).where(Feedback.id.in_(ids)))
    return len(ids)


async def apps_with_feedback(session: AsyncSession, user_id: int) -> set[int]:
    return set(await session.scalars(select(Feedback.app_id).where(Feedback.user_id == user_id).distinct()))
