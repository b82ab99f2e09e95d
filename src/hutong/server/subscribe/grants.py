"""Asking and keeping: what wx.requestSubscribeMessage shows the user, what their answers grant, and
the switches they see in wx.getSetting, wx.openSetting and Me → Authorizations.

A one-time acceptance is one send (``credits`` + 1); a long-term acceptance lasts until switched off.
An answer kept ("always keep this choice") is asked no more: a kept acceptance keeps adding one send
per request without a dialog, as WeChat does. WeChat's errCodes: 10001 empty, 10004 not strings,
20001 unknown template, 20002 one-time and long-term mixed, 20003 more than 5, 20004 main switch off."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.identity import service as identity
from hutong.server.subscribe import events
from hutong.server.subscribe.library import LONG_TERM, templates_by_ids
from hutong.server.subscribe.models import Grant, Switch, Template, Title
from hutong.server.subscribe.sending import now

MAX_IDS = 5
ERRORS = {
    10001: "TmplIds can't be empty",
    10004: "Invalid template id",
    20001: "No template data return, verify the template id exist",
    20002: "Templates type must be same",
    20003: "Templates count out of max bounds",
    20004: "The main switch is switched off",
}


class AskRefused(Exception):
    def __init__(self, errcode: int) -> None:
        super().__init__(ERRORS[errcode])
        self.errcode = errcode
        self.errmsg = ERRORS[errcode]


@dataclass
class AskItem:
    id: str
    title: str
    type: int
    # "ask" (the dialog asks), or the answer already known: "accept"/"reject" (kept), "ban", "filter"
    status: str
    keywords: list[str] = field(default_factory=list)


async def _grants(session: AsyncSession, user_id: int, templates: list[Template]) -> dict[int, Grant]:
    ids = [template.id for template in templates]
    rows = await session.scalars(select(Grant).where(Grant.user_id == user_id, Grant.template_id.in_(ids)))
    return {row.template_id: row for row in rows.all()}


async def main_switch(session: AsyncSession, user_id: int, app: App) -> bool:
    row = await session.get(Switch, (user_id, app.id))
    return row is None or row.main_switch


async def prepare(
    session: AsyncSession, user_id: int, appid: str, ids: list[Any]
) -> tuple[App, list[AskItem]]:
    """The dialog's content for these ids, or AskRefused with WeChat's errCode."""
    if not ids:
        raise AskRefused(10001)
    if any(not isinstance(item, str) or not item for item in ids):
        raise AskRefused(10004)
    if len(ids) > MAX_IDS:
        raise AskRefused(20003)
    app = await identity.live_app(session, appid)
    found = await templates_by_ids(session, app, ids)
    if any(item not in found for item in ids):
        raise AskRefused(20001)
    templates = [found[item] for item in dict.fromkeys(ids)]
    if len({template.type for template in templates}) > 1:
        raise AskRefused(20002)
    if not await main_switch(session, user_id, app):
        raise AskRefused(20004)
    grants = await _grants(session, user_id, templates)
    titles = {
        row.tid: row
        for row in (
            await session.scalars(select(Title).where(Title.tid.in_([t.tid for t in templates])))
        ).all()
    }
    seen: set[str] = set()
    items = []
    for template in templates:
        title = titles.get(template.tid)
        grant = grants.get(template.id)
        if title is not None and title.status == "banned":
            status = "ban"
        elif template.title in seen:
            status = "filter"  # WeChat shows one of several templates with the same title
        else:
            status = grant.kept if grant is not None and grant.kept else "ask"
        seen.add(template.title)
        items.append(
            AskItem(
                template.pri_tmpl_id,
                template.title,
                template.type,
                status,
                [k["name"] for k in template.keywords],
            )
        )
    return app, items


async def _grant(session: AsyncSession, user_id: int, template: Template) -> Grant:
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    values = {
        "user_id": user_id,
        "app_id": template.app_id,
        "template_id": template.id,
        "credits": 0,
        "long_term": False,
        "kept": "",
        "updated_at": now(),
    }
    await session.execute(insert(Grant).values(**values).on_conflict_do_nothing())
    row = await session.scalar(
        select(Grant).where(Grant.user_id == user_id, Grant.template_id == template.id).with_for_update()
    )
    assert row is not None
    return row


async def decide(
    session: AsyncSession, user_id: int, appid: str, ids: list[Any], choices: Mapping[str, str], keep: bool
) -> dict[str, str]:
    """Record the user's answers to the dialog (for the ids it asked) and answer each id's result.
    Ids the dialog did not ask (kept, banned, filtered) keep their status whatever ``choices`` say."""
    app, items = await prepare(session, user_id, appid, ids)
    templates = await templates_by_ids(session, app, [item.id for item in items])
    results: dict[str, str] = {}
    shown: list[dict[str, str]] = []
    for item in items:
        answer = item.status
        if answer == "ask":
            answer = "accept" if choices.get(item.id) == "accept" else "reject"
        results[item.id] = answer
        if answer not in ("accept", "reject"):
            continue
        grant = await _grant(session, user_id, templates[item.id])
        if templates[item.id].type == LONG_TERM:
            grant.long_term = answer == "accept"
        elif answer == "accept":
            grant.credits += 1
        if keep and item.status == "ask":
            grant.kept = answer
        if item.status == "ask":
            shown.append({"TemplateId": item.id, "SubscribeStatusString": answer, "PopupScene": "0"})
        grant.updated_at = now()
    await events.emit(session, app, user_id, events.POPUP, shown)
    await session.commit()
    return results


@dataclass
class KeptItem:
    id: str
    title: str
    type: int
    setting: str  # accept, reject or ban


async def settings_of(session: AsyncSession, user_id: int, appid: str) -> tuple[bool, list[KeptItem]]:
    """The main switch and the kept choices (wx.getSetting's subscriptionsSetting)."""
    app = await identity.live_app(session, appid)
    rows = await session.execute(
        select(Grant, Template, Title)
        .join(Template, Template.id == Grant.template_id)
        .join(Title, Title.tid == Template.tid)
        .where(Grant.user_id == user_id, Grant.app_id == app.id, Grant.kept != "")
        .order_by(Template.id)
    )
    kept = [
        KeptItem(t.pri_tmpl_id, t.title, t.type, "ban" if title.status == "banned" else g.kept)
        for g, t, title in rows.all()
    ]
    return await main_switch(session, user_id, app), kept


async def change_settings(
    session: AsyncSession, user_id: int, appid: str, switch: bool | None, items: Mapping[str, str]
) -> None:
    """Turn the main switch, or change or forget (empty) kept choices: the user's, for one app."""
    app = await identity.live_app(session, appid)
    if switch is not None:
        row = await session.get(Switch, (user_id, app.id))
        if row is None:
            session.add(Switch(user_id=user_id, app_id=app.id, main_switch=switch))
        else:
            row.main_switch = switch
    templates = await templates_by_ids(session, app, list(items))
    changed: list[dict[str, str]] = []
    for pri_tmpl_id, setting in items.items():
        template = templates.get(pri_tmpl_id)
        if template is None:
            continue
        grant = await _grant(session, user_id, template)
        grant.kept = setting
        if template.type == LONG_TERM and setting:
            grant.long_term = setting == "accept"
        grant.updated_at = now()
        if setting:
            changed.append({"TemplateId": pri_tmpl_id, "SubscribeStatusString": setting})
    await events.emit(session, app, user_id, events.CHANGE, changed)
    await session.commit()


async def apps_with_settings(session: AsyncSession, user_id: int) -> list[App]:
    """The mini programs whose messages the user has switches for (kept choices or a main switch)."""
    kept = select(Grant.app_id).where(Grant.user_id == user_id, Grant.kept != "")
    switched = select(Switch.app_id).where(Switch.user_id == user_id)
    rows = await session.scalars(select(App).where(App.id.in_(kept.union(switched))).order_by(App.name))
    return list(rows.all())
