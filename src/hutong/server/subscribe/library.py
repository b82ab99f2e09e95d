"""The public template library and an app's own templates: WeChat's /wxaapi/newtmpl/* behaviour.

An app is in the library categories its category text names (seed.py ``words``); it lists titles
and adds templates only from those. Long-term titles (type 3) need a category the operator allows
them in. Errors are WeChat's codes (200012 too many, 200014 tid, 200016–19 paging and category ids,
200020 kidList, 200021 sceneDesc)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App
from hutong.server.identity.ids import random_id
from hutong.server.subscribe.models import Category, Keyword, Template, Title
from hutong.server.wechat.errors import WxError

TITLES_LIMIT = 30  # getpubtemplatetitles: at most 30 a page
KIDS_MIN, KIDS_MAX = 2, 5
SCENE_DESC_MAX = 15
TEMPLATES_MAX = 50  # an app's templates (WeChat's current cap)
ONE_TIME, LONG_TERM = 2, 3


def in_category(app: App, category: Category) -> bool:
    text = app.category.lower()
    return any(word.lower() in text for word in category.words)


async def app_categories(session: AsyncSession, app: App) -> list[Category]:
    rows = (await session.scalars(select(Category).order_by(Category.id))).all()
    return [row for row in rows if in_category(app, row)]


def _ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise WxError(200019, "invalid category ids") from None
    return ids


async def public_titles(
    session: AsyncSession, app: App, ids: str, start: int, limit: int, keyword: str = ""
) -> tuple[int, list[Title]]:
    """One page of approved titles in the given categories (which must be the app's)."""
    if not ids.strip():
        raise WxError(200018, "category ids missing")
    wanted = _ids(ids)
    mine = {category.id for category in await app_categories(session, app)}
    if not wanted or any(category_id not in mine for category_id in wanted):
        raise WxError(200019, "invalid category ids")
    if start < 0:
        raise WxError(200016, "invalid start")
    if not 1 <= limit <= TITLES_LIMIT:
        raise WxError(200017, "invalid limit")
    where = [Title.category_id.in_(wanted), Title.status == "approved"]
    if keyword:
        where.append(Title.title.contains(keyword[:32]))
    count = await session.scalar(select(func.count()).select_from(Title).where(*where))
    rows = await session.scalars(select(Title).where(*where).order_by(Title.tid).offset(start).limit(limit))
    return int(count or 0), list(rows.all())


async def _usable_title(session: AsyncSession, app: App, tid: object) -> Title:
    """An approved title in one of the app's categories (long-term only where allowed): else 200014."""
    try:
        number = int(str(tid))
    except ValueError:
        raise WxError(200014, "invalid tid") from None
    title = await session.get(Title, number)
    category = await session.get(Category, title.category_id) if title else None
    if title is None or category is None or title.status != "approved" or not in_category(app, category):
        raise WxError(200014, "invalid tid")
    if title.type == LONG_TERM and not category.long_term:
        raise WxError(200014, "invalid tid: long-term templates are not allowed in this category")
    return title


async def public_keywords(session: AsyncSession, app: App, tid: object) -> list[Keyword]:
    title = await _usable_title(session, app, tid)
    rows = await session.scalars(select(Keyword).where(Keyword.tid == title.tid).order_by(Keyword.kid))
    return list(rows.all())


def _kid_list(value: object) -> list[int]:
    if isinstance(value, str):
        value = [part for part in value.replace("[", "").replace("]", "").split(",") if part.strip()]
    if not isinstance(value, list):
        raise WxError(200020, "invalid kidList")
    try:
        kids = [int(str(item)) for item in value]
    except ValueError:
        raise WxError(200020, "invalid kidList") from None
    if not KIDS_MIN <= len(kids) <= KIDS_MAX or len(set(kids)) != len(kids):
        raise WxError(200020, "invalid kidList: 2 to 5 different keywords")
    return kids


def key_of(keyword: dict[str, Any]) -> str:
    """The keyword's name in ``data`` and in the template's content: rule + kid ("thing3")."""
    return f"{keyword['rule']}{keyword['kid']}"


async def add_template(
    session: AsyncSession, app: App, tid: object, kid_list: object, scene_desc: object
) -> Template:
    template = await new_template(session, app, tid, kid_list, scene_desc)
    await session.commit()
    return template


async def new_template(
    session: AsyncSession,
    app: App,
    tid: object,
    kid_list: object,
    scene_desc: object,
    pri_tmpl_id: str | None = None,
) -> Template:
    """Check and add (not commit) a template; ``pri_tmpl_id`` is given only for the examples' seeds."""
    title = await _usable_title(session, app, tid)
    kids = _kid_list(kid_list)
    scene = "" if scene_desc is None else str(scene_desc)
    if len(scene) > SCENE_DESC_MAX:
        raise WxError(200021, "invalid sceneDesc: 15 characters at most")
    by_kid = {row.kid: row for row in await public_keywords(session, app, title.tid)}
    if any(kid not in by_kid for kid in kids):
        raise WxError(200020, "invalid kidList: no such keyword")
    count = await session.scalar(select(func.count()).select_from(Template).where(Template.app_id == app.id))
    if (count or 0) >= TEMPLATES_MAX:
        raise WxError(200012, "too many templates")
    keywords = [
        {
            "kid": kid,
            "name": by_kid[kid].name,
            "rule": by_kid[kid].rule,
            "example": by_kid[kid].example,
            "enum_values": list(by_kid[kid].enum_values or []),
        }
        for kid in kids
    ]
    template = Template(
        pri_tmpl_id=pri_tmpl_id or random_id("", 43),
        app_id=app.id,
        tid=title.tid,
        title=title.title,
        type=title.type,
        scene_desc=scene,
        keywords=keywords,
    )
    session.add(template)
    await session.flush()
    return template


async def templates_of(session: AsyncSession, app: App) -> list[Template]:
    rows = await session.scalars(select(Template).where(Template.app_id == app.id).order_by(Template.id))
    return list(rows.all())


async def templates_by_ids(session: AsyncSession, app: App, ids: Sequence[str]) -> dict[str, Template]:
    """The app's own templates among ``ids`` (another app's id is as unknown as a made-up one)."""
    if not ids:
        return {}
    rows = await session.scalars(
        select(Template).where(Template.app_id == app.id, Template.pri_tmpl_id.in_(list(ids)))
    )
    return {row.pri_tmpl_id: row for row in rows.all()}


async def delete_template(session: AsyncSession, app: App, pri_tmpl_id: object) -> None:
    found = (await templates_by_ids(session, app, [str(pri_tmpl_id or "")])).get(str(pri_tmpl_id or ""))
    if found is None:
        raise WxError(40037, "invalid template_id")
    await session.delete(found)
    await session.commit()


def template_view(template: Template) -> dict[str, Any]:
    """gettemplate's shape: content with {{key.DATA}} placeholders, an example, enum values."""
    content = "".join(f"{k['name']}:{{{{{key_of(k)}.DATA}}}}\n" for k in template.keywords)
    example = "".join(f"{k['name']}:{k['example']}\n" for k in template.keywords)
    view: dict[str, Any] = {
        "priTmplId": template.pri_tmpl_id,
        "title": template.title,
        "content": content,
        "example": example,
        "type": template.type,
    }
    enums = [
        {"keywordCode": f"{key_of(k)}.DATA", "enumValueList": k["enum_values"]}
        for k in template.keywords
        if k["rule"] == "enum"
    ]
    if enums:
        view["keywordEnumValueList"] = enums
    return view


async def seed_templates(session: AsyncSession, app: App, specs: Sequence[dict[str, Any]]) -> None:
    """The example apps' templates, at the ids their code names (project.config.json
    ``hutong.subscribe``: ``[{id, tid, kidList, sceneDesc}]``); ids already there are kept."""
    for spec in specs:
        pri_tmpl_id = str(spec["id"])
        if await session.scalar(select(Template.id).where(Template.pri_tmpl_id == pri_tmpl_id)) is None:
            await new_template(
                session, app, spec["tid"], spec["kidList"], spec.get("sceneDesc", ""), pri_tmpl_id
            )
