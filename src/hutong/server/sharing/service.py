"""The rules of sharing, as plain functions the routes and the tests call: a share made on the host's
sheet (a card into each chosen chat, or a link), an open of a share (its scene, its ticket, whether it
brought a new user), share tickets traded for per-app group ids, and the counts per share, sharer and
page. Every share and every open is also an event in the one event pipeline (events.emit)."""

from __future__ import annotations

import bisect
import io
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError
from sqlalchemy import Integer, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.chats import service as chats
from hutong.server.chats.models import Chat, ChatMember
from hutong.server.chats.service import Outgoing, Result
from hutong.server.db.base import utcnow
from hutong.server.events import service as events
from hutong.server.events.models import AnalyticsUser
from hutong.server.events.models import events as event_rows
from hutong.server.identity import service as identity
from hutong.server.identity.ids import aware, random_id
from hutong.server.identity.models import OpenId
from hutong.server.problems import Problem
from hutong.server.sharing import crypto
from hutong.server.sharing.models import GroupOpenId, Share, ShareOpen
from hutong.server.storage import BlobStore

# WeChat's scenes for a way in through a chat (growth.md, "Scene values").
SCENE_SINGLE, SCENE_GROUP, SCENE_TICKET = 1007, 1008, 1044
# chatType in launch options: 1 a one-to-one chat, 3 a group (2 and 4 are WeCom's).
CHAT_SINGLE, CHAT_GROUP = 1, 3
MAX_TARGETS = 9  # WeChat's share sheet picks at most 9 chats at once
MAX_TITLE = 128
_PATH = re.compile(r"^[A-Za-z0-9_\-./@]{1,512}$")


def new_share_id() -> str:
    return "sh" + secrets.token_urlsafe(12)


def new_ticket() -> str:
    """Opaque, 192 random bits: it cannot be guessed, only received in a chat."""
    return secrets.token_urlsafe(24)


def clean_path(path: str) -> str:
    route = path.lstrip("/")
    if not _PATH.match(route) or ".." in route.split("/"):
        raise Problem(422, "invalid_path", "path is a page of the mini program, such as pages/menu/menu")
    return route


def clean_image(url: str) -> str:
    """The card's image: the platform's own blobs, or an https/http address; anything else is dropped."""
    if not url:
        return ""
    if re.fullmatch(r"/blobs/[0-9a-f]{64}", url):
        return url
    parts = urlsplit(url)
    return url if parts.scheme in ("https", "http") and parts.netloc and len(url) <= 1024 else ""


MAX_CARD_IMAGE_BYTES = 1024 * 1024
CARD_IMAGE_MAX_SIDE = 1000


def store_card_image(store: BlobStore, data: bytes) -> str:
    """A page's picture for a card (the host's snapshot when the page gave no imageUrl): a PNG of at
    most 1 MB and 1000 px a side, roughly 5:4, re-encoded by the platform (nothing else in the file
    survives) and kept as a content-addressed blob; answers its address."""
    if len(data) > MAX_CARD_IMAGE_BYTES:
        raise Problem(413, "too_large", "a card image is at most 1 MB")
    try:
        opened = Image.open(io.BytesIO(data))
        if opened.format != "PNG" or max(opened.size) > CARD_IMAGE_MAX_SIDE or min(opened.size) < 1:
            raise Problem(422, "invalid_image", "a card image is a PNG of at most 1000 px a side")
        if not 1.1 <= opened.width / opened.height <= 1.4:
            raise Problem(422, "invalid_image", "a card image is 5:4")
        picture = opened.convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise Problem(422, "invalid_image", "a card image is a PNG of at most 1000 px a side") from None
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    return f"/blobs/{store.put(out.getvalue(), 'image/png')}"


def clean_query(query: dict[str, Any]) -> dict[str, str]:
    if len(query) > 32:
        raise Problem(422, "invalid_query", "at most 32 query parameters")
    out = {str(k)[:64]: str(v)[:512] for k, v in query.items()}
    return out


@dataclass
class Made:
    share: Share
    chat: Chat | None


def share_out(share: Share, app: App) -> dict[str, Any]:
    return {
        "share_id": share.share_id,
        "appid": app.appid,
        "chat_id": share.chat_id,
        "path": share.path,
        "query": share.query,
        "title": share.title,
        "image_url": share.image_url,
        "with_share_ticket": share.ticket is not None,
        "created_at": share.created_at.isoformat(),
    }


def card(share: Share, app: App) -> dict[str, Any]:
    """What a mini program card in a chat shows and opens (its ticket stays on the server)."""
    return {
        "share_id": share.share_id,
        "appid": app.appid,
        "app_name": app.name,
        "app_icon": app.icon,
        "title": share.title or app.name,
        "path": share.path,
        "image_url": share.image_url or app.icon,
    }


async def make_shares(
    session: AsyncSession,
    user: User,
    appid: str,
    *,
    path: str,
    query: dict[str, Any],
    title: str,
    image_url: str,
    chat_ids: Sequence[int],
    with_share_ticket: bool,
    link: bool,
) -> Result:
    """What the user chose on the host's share sheet: a card into each chat (each its own share), and/or
    a link. Only the host calls this, with the user's session; a chat must be the user's."""
    app = await identity.live_app(session, appid)
    route = clean_path(path)
    clean = clean_query(query)
    title = " ".join(title.split())[:MAX_TITLE]
    image = clean_image(image_url)
    targets = list(dict.fromkeys(chat_ids))
    if not targets and not link:
        raise Problem(422, "no_target", "choose a chat or a link")
    if len(targets) > MAX_TARGETS:
        raise Problem(422, "too_many_targets", f"share to at most {MAX_TARGETS} chats at once")
    sharer_openid = await identity.openid_for(session, app, user.id)
    made: list[dict[str, Any]] = []
    outgoing: list[Outgoing] = []
    for chat_id in [*targets, *([None] if link else [])]:
        chat = (await chats.membership(session, user.id, chat_id))[0] if chat_id is not None else None
        ticket = new_ticket() if with_share_ticket and chat is not None and chat.kind == "group" else None
        share = Share(
            share_id=new_share_id(),
            app_id=app.id,
            sharer_id=user.id,
            chat_id=chat.id if chat else None,
            path=route,
            query=clean,
            title=title,
            image_url=image,
            ticket=ticket,
        )
        session.add(share)
        await session.flush()
        if chat is not None:
            sent = await chats.send(session, user, chat.id, "miniprogram", card(share, app))
            outgoing.extend(sent.outgoing)
        await events.emit(
            session,
            app.id,
            "share",
            {
                "share_id": share.share_id,
                "sharer": sharer_openid,
                "page": route,
                "to": "link" if chat is None else chat.kind,
                "with_share_ticket": ticket is not None,
            },
            f"user:{user.id}",
        )
        made.append(share_out(share, app))
    return Result(made, outgoing)


async def _is_new(session: AsyncSession, app: App, user_id: int) -> bool:
    """A new user to the app: never launched it, never known to it by an openid."""
    launched = await session.scalar(
        select(AnalyticsUser.first_day).where(
            AnalyticsUser.app_id == app.id, AnalyticsUser.audience == f"user:{user_id}"
        )
    )
    known = await session.scalar(select(OpenId.id).where(OpenId.app_id == app.id, OpenId.user_id == user_id))
    return launched is None and known is None


async def open_share(session: AsyncSession, user: User | None, share_id: str) -> dict[str, Any]:
    """Someone taps a card (or opens a shared link): the launch it makes, counted against the share. A
    card opens only for the members of the chat it was sent to; a link for anyone."""
    share = await session.scalar(select(Share).where(Share.share_id == share_id))
    if share is None:
        raise Problem(404, "share_not_found", "no such share")
    app = await identity.live_app(session, (await _appid(session, share.app_id)))
    chat: Chat | None = None
    if share.chat_id is not None:
        if user is None:
            raise Problem(404, "share_not_found", "no such share")
        chat = (await chats.membership(session, user.id, share.chat_id))[0]
    new_user = user is not None and user.id != share.sharer_id and await _is_new(session, app, user.id)
    if user is not None:
        await identity.openid_for(session, app, user.id)  # known from now on: a second open is not new
    if chat is None:
        scene, chat_type = SCENE_SINGLE, None
    elif chat.kind == "group":
        scene, chat_type = (SCENE_TICKET if share.ticket else SCENE_GROUP), CHAT_GROUP
    else:
        scene, chat_type = SCENE_SINGLE, CHAT_SINGLE
    # The sharer tapping their own card brought no one: it opens, uncounted.
    if user is None or user.id != share.sharer_id:
        session.add(
            ShareOpen(share_pk=share.id, user_id=user.id if user else None, scene=scene, new_user=new_user)
        )
        sharer = (
            await identity.openid_for(session, app, share.sharer_id) if share.sharer_id is not None else ""
        )
        data = {
            "share_id": share.share_id,
            "sharer": sharer,
            "page": share.path,
            "scene": scene,
            "new_user": new_user,
        }
        await events.emit(session, app.id, "share_open", data, f"user:{user.id}" if user else "guest")
    launch: dict[str, Any] = {
        "appid": app.appid,
        "path": share.path,
        "query": share.query,
        "scene": scene,
        "share_id": share.share_id,
    }
    if share.ticket and chat is not None:
        launch["shareTicket"] = share.ticket
    if chat_type is not None:
        launch["chatType"] = chat_type
    return launch


async def _appid(session: AsyncSession, app_id: int) -> str:
    appid = await session.scalar(select(App.appid).where(App.id == app_id))
    if appid is None:
        raise Problem(404, "share_not_found", "no such share")
    return appid


# Group ids and tickets -------------------------------------------------------------------------------


async def open_gid(session: AsyncSession, app: App, chat_id: int) -> str:
    """The group as ``app`` sees it: the same for every member, different for every app."""
    query = select(GroupOpenId.open_gid).where(GroupOpenId.app_id == app.id, GroupOpenId.chat_id == chat_id)
    found = await session.scalar(query)
    if found is None:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        values = {"app_id": app.id, "chat_id": chat_id, "open_gid": random_id("tG"), "created_at": utcnow()}
        await session.execute(insert(GroupOpenId).values(**values).on_conflict_do_nothing())
        found = await session.scalar(query)
    assert found is not None
    return found


async def _ticket_group(session: AsyncSession, user: User, appid: str, ticket: str) -> tuple[App, str, str]:
    """(app, session_key, openGId) for a ticket. It must be this app's, and the user a member of its
    group; anything else reads as an unknown ticket (no oracle for other apps' tickets or groups)."""
    app = await identity.live_app(session, appid)
    share = await session.scalar(select(Share).where(Share.ticket == ticket)) if ticket else None
    if share is None or share.app_id != app.id or share.chat_id is None:
        raise Problem(404, "invalid_share_ticket", "this shareTicket is not valid for this mini program")
    member = await session.scalar(
        select(ChatMember.id).where(
            ChatMember.chat_id == share.chat_id, ChatMember.user_id == user.id, ChatMember.left_at.is_(None)
        )
    )
    if member is None:
        raise Problem(404, "invalid_share_ticket", "this shareTicket is not valid for this mini program")
    key = await identity.current_session_key(session, app, user.id)
    if key is None:
        raise Problem(409, "login_required", "call wx.login (and code2session) first")
    return app, key, await open_gid(session, app, share.chat_id)


async def share_info(session: AsyncSession, user: User, appid: str, ticket: str) -> dict[str, str]:
    """wx.getShareInfo: the group's openGId sealed for the app's server with the user's session_key."""
    app, key, gid = await _ticket_group(session, user, appid, ticket)
    encrypted, iv = crypto.seal(key, {"openGId": gid}, app.appid)
    return {"encryptedData": encrypted, "iv": iv}


async def group_enter_info(session: AsyncSession, user: User, appid: str, ticket: str) -> dict[str, str]:
    """wx.getGroupEnterInfo (2.17.3): the same group, under WeChat's newer key name ``opengid``."""
    app, key, gid = await _ticket_group(session, user, appid, ticket)
    encrypted, iv = crypto.seal(key, {"opengid": gid}, app.appid)
    return {"encryptedData": encrypted, "iv": iv}


# Attribution -----------------------------------------------------------------------------------------


DEFAULT_WINDOW = timedelta(hours=24)


async def attribution(
    session: AsyncSession, app: App, limit: int = 200, window: timedelta = DEFAULT_WINDOW
) -> dict[str, Any]:
    """What each share brought (opens, distinct openers, new users, orders and their GMV in fen), and
    the same per sharer (by openid, never anything else) and per page."""
    opens = (
        select(
            ShareOpen.share_pk.label("pk"),
            func.count(ShareOpen.id).label("opens"),
            func.count(func.distinct(ShareOpen.user_id)).label("openers"),
            func.sum(func.cast(ShareOpen.new_user, Integer)).label("new_users"),
        )
        .group_by(ShareOpen.share_pk)
        .subquery()
    )
    rows = (
        await session.execute(
            select(Share, opens.c.opens, opens.c.openers, opens.c.new_users, OpenId.openid, Chat.kind)
            .outerjoin(opens, opens.c.pk == Share.id)
            .outerjoin(OpenId, (OpenId.app_id == Share.app_id) & (OpenId.user_id == Share.sharer_id))
            .outerjoin(Chat, Chat.id == Share.chat_id)
            .where(Share.app_id == app.id)
            .order_by(Share.id.desc())
            .limit(limit)
        )
    ).all()
    orders = await attributed_orders(session, app, [row[0].id for row in rows], window)
    shares = [
        {
            "share_id": share.share_id,
            "sharer_openid": openid or "",
            "page": share.path,
            "query": share.query,
            "to": "link" if share.chat_id is None else (kind or "chat"),
            "with_share_ticket": share.ticket is not None,
            "created_at": share.created_at.isoformat(),
            "opens": int(n or 0),
            "openers": int(u or 0),
            "new_users": int(new or 0),
            "orders": orders.get(share.id, (0, 0))[0],
            "gmv_fen": orders.get(share.id, (0, 0))[1],
        }
        for share, n, u, new, openid, kind in rows
    ]

    def total(key: str) -> list[dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for s in shares:
            row = out.setdefault(
                s[key], {key: s[key], "shares": 0, "opens": 0, "new_users": 0, "orders": 0, "gmv_fen": 0}
            )
            row["shares"] += 1
            for figure in ("opens", "new_users", "orders", "gmv_fen"):
                row[figure] += s[figure]
        return sorted(out.values(), key=lambda r: (-r["opens"], -r["gmv_fen"], str(r[key])))

    return {
        "attribution_hours": int(window.total_seconds() // 3600),
        "shares": shares,
        "by_sharer": total("sharer_openid"),
        "by_page": total("page"),
    }


async def attributed_orders(
    session: AsyncSession, app: App, share_pks: Sequence[int], window: timedelta
) -> dict[int, tuple[int, int]]:
    """share pk -> (orders, GMV in fen). A payment (the payments domain's ``payment`` event in the one
    event pipeline) counts toward the share its payer last opened at most ``window`` before paying
    (last touch); a payment later reversed does not count. The sharer's own taps are never opens, so
    what a sharer buys is never credited to their share."""
    if not share_pks:
        return {}
    touches: dict[str, list[tuple[datetime, int]]] = {}
    for pk, user_id, at in (
        await session.execute(
            select(ShareOpen.share_pk, ShareOpen.user_id, ShareOpen.created_at).where(
                ShareOpen.share_pk.in_(share_pks), ShareOpen.user_id.is_not(None)
            )
        )
    ).all():
        touches.setdefault(f"user:{user_id}", []).append((aware(at), pk))
    if not touches:
        return {}
    for opened in touches.values():
        opened.sort()
    first = min(opened[0][0] for opened in touches.values())
    paid: list[tuple[datetime, str, int, str]] = []
    reversed_ids: set[str] = set()
    audiences = sorted(touches)
    for start in range(0, len(audiences), 500):  # bounded IN lists
        found = await session.execute(
            select(
                event_rows.c.at,
                event_rows.c.audience,
                event_rows.c.name,
                event_rows.c.value,
                event_rows.c.data,
            ).where(
                event_rows.c.app_id == app.id,
                event_rows.c.kind == "server",
                event_rows.c.name.in_(("payment", "payment_reversed")),
                event_rows.c.audience.in_(audiences[start : start + 500]),
                # The day column is the analytics zone's: a day's margin keeps partition pruning safe.
                event_rows.c.day >= first.date() - timedelta(days=1),
                event_rows.c.at >= first,
            )
        )
        for at, audience, name, value, data in found.all():
            transaction = str((data or {}).get("transaction_id") or "")
            if name == "payment_reversed":
                reversed_ids.add(transaction)
            else:
                paid.append((aware(at), audience, int(value or 0), transaction))
    out: dict[int, tuple[int, int]] = {}
    for at, audience, fen, transaction in paid:
        if transaction and transaction in reversed_ids:
            continue
        opened = touches[audience]
        index = bisect.bisect_right(opened, (at, 1 << 62)) - 1  # the last open at or before the payment
        if index < 0 or at - opened[index][0] > window:
            continue
        pk = opened[index][1]
        count, gmv = out.get(pk, (0, 0))
        out[pk] = (count + 1, gmv + fen)
    return out


async def preview(session: AsyncSession, share_id: str) -> tuple[Share, App] | None:
    """A link share for the preview page; cards sent into chats are not public."""
    found = (
        await session.execute(
            select(Share, App).join(App, App.id == Share.app_id).where(Share.share_id == share_id)
        )
    ).first()
    if found is None or found[0].chat_id is not None or found[1].status != "active":
        return None
    return found[0], found[1]
