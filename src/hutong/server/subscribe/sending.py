"""Sending a subscription message (/cgi-bin/message/subscribe/send): who to, which template, every
keyword value checked by its type, and the user's grant spent, all in one transaction. A one-time
grant is taken with one conditional UPDATE (credits > 0), so two sends racing for the last credit
cannot both win; a long-term grant stays. The message is stored for the host inbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server import events as analytics
from hutong.server.apps.models import App, Release
from hutong.server.identity import service as identity
from hutong.server.storage import BlobStore
from hutong.server.subscribe import events, keywords, webpush
from hutong.server.subscribe.library import LONG_TERM, key_of, templates_by_ids
from hutong.server.subscribe.models import Grant, Notification, Switch, Template, Title
from hutong.server.wechat.errors import WxError

STATES = ("developer", "trial", "formal")
LANGS = ("zh_CN", "en_US", "zh_HK", "zh_TW")
PAGE_MAX = 1024
REFUSED = "user refuse to accept the msg"

now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


def _invalid(field: str, how: str = "invalid") -> WxError:
    return WxError(47003, f"argument invalid! {field} {how}")


def check_data(template: Template, data: object) -> list[dict[str, str]]:
    """``data`` as ``{"thing1": {"value": …}}``, each of the template's keywords present and valid;
    answers ``[{key, name, value}]`` in the template's order. Keys the template lacks are ignored,
    as WeChat ignores them."""
    if not isinstance(data, dict):
        raise _invalid("data")
    shown = []
    for keyword in template.keywords:
        key = key_of(keyword)
        entry = data.get(key)
        value = entry.get("value") if isinstance(entry, dict) else None
        if value is None or value == "":
            raise _invalid(f"data.{key}.value", "is empty")
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise _invalid(f"data.{key}.value")
        text = str(value)
        if not keywords.valid(keyword["rule"], text, keyword.get("enum_values") or ()):
            raise _invalid(f"data.{key}.value")
        shown.append({"key": key, "name": keyword["name"], "value": text})
    return shown


async def _release_pages(session: AsyncSession, app: App, state: str, blobs: BlobStore) -> list[str] | None:
    """The pages of the version ``state`` opens (None when the app has no such version yet)."""
    release_id = {"formal": app.current_release_id, "trial": app.trial_release_id}.get(state)
    if state == "developer":
        release_id = await session.scalar(
            select(Release.id).where(Release.app_id == app.id).order_by(Release.id.desc()).limit(1)
        )
    release = await session.get(Release, release_id) if release_id else None
    entry = (release.bundles or {}).get("app-config.json") if release else None
    data = blobs.get(str(entry["sha256"])) if isinstance(entry, dict) else None
    if data is None:
        return None
    pages = json.loads(data).get("pages")
    return [str(page) for page in pages] if isinstance(pages, list) else None


async def check_page(session: AsyncSession, app: App, page: object, state: str, blobs: BlobStore) -> str:
    """An in-app page (query allowed), empty for none; 41030 when the version has no such page."""
    if page is None or page == "":
        return ""
    if not isinstance(page, str) or len(page) > PAGE_MAX or "://" in page:
        raise WxError(41030, "invalid page")
    path = page.lstrip("/").split("?", 1)[0]
    pages = await _release_pages(session, app, state, blobs)
    if not path or (pages is not None and path not in pages):
        raise WxError(41030, "invalid page")
    return page.lstrip("/")


def _choice(payload: dict[str, Any], field: str, allowed: tuple[str, ...], default: str) -> str:
    value = payload.get(field) or default
    if value not in allowed:
        raise _invalid(field)
    return str(value)


async def _spend(session: AsyncSession, user_id: int, template: Template) -> None:
    """Take the user's grant for ``template``: 43101 when there is none (never asked, refused, used)."""
    switch = await session.get(Switch, (user_id, template.app_id))
    title = await session.get(Title, template.tid)
    if (switch is not None and not switch.main_switch) or (title is not None and title.status == "banned"):
        raise WxError(43101, REFUSED)
    if template.type == LONG_TERM:
        granted = await session.scalar(
            select(Grant.long_term).where(Grant.user_id == user_id, Grant.template_id == template.id)
        )
        if not granted:
            raise WxError(43101, REFUSED)
        return
    taken = await session.execute(
        update(Grant)
        .where(Grant.user_id == user_id, Grant.template_id == template.id, Grant.credits > 0)
        .values(credits=Grant.credits - 1, updated_at=now())
    )
    if getattr(taken, "rowcount", 0) != 1:
        raise WxError(43101, REFUSED)


async def send(session: AsyncSession, app: App, payload: dict[str, Any], blobs: BlobStore) -> Notification:
    """Check everything, spend the grant and store the message; nothing is written on any error."""
    openid = payload.get("touser")
    user_id = (
        await identity.user_for_openid(session, app, openid) if isinstance(openid, str) and openid else None
    )
    if user_id is None:
        raise WxError(40003, "invalid openid")
    template_id = payload.get("template_id")
    template = (
        (await templates_by_ids(session, app, [template_id])).get(template_id)
        if isinstance(template_id, str)
        else None
    )
    if template is None:
        raise WxError(40037, "invalid template_id")
    state = _choice(payload, "miniprogram_state", STATES, "formal")
    lang = _choice(payload, "lang", LANGS, "zh_CN")
    shown = check_data(template, payload.get("data"))
    page = await check_page(session, app, payload.get("page"), state, blobs)
    # Everything above only read. End that transaction before writing: on SQLite a transaction that
    # read and then writes cannot wait for another writer (it fails "database is locked" at once), so
    # the writing one starts with its INSERT, which waits its turn; the grant is spent after it and a
    # refusal rolls the message back.
    await session.commit()
    message = Notification(
        app_id=app.id,
        user_id=user_id,
        pri_tmpl_id=template.pri_tmpl_id,
        title=template.title,
        page=page,
        state=state,
        lang=lang,
        data=shown,
        created_at=now(),
    )
    session.add(message)
    await session.flush()
    try:
        await _spend(session, user_id, template)
    except WxError:
        await session.rollback()
        raise
    await webpush.enqueue(session, message)
    sent = {
        "TemplateId": template.pri_tmpl_id,
        "MsgID": str(message.id),
        "ErrorCode": "0",
        "ErrorStatus": "success",
    }
    await events.emit(session, app, user_id, events.SENT, [sent])
    # Counted in the app's analytics as a server event (docs/analytics.md), in this same transaction.
    await analytics.emit(
        session,
        app.id,
        "subscribe_send",
        {"template_id": template.pri_tmpl_id, "state": state},
        f"user:{user_id}",
    )
    await session.commit()
    return message
