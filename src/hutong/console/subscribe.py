"""Console pages for subscription message templates: the app's library (its categories, their approved
titles, a title's keywords), adding a template with chosen keywords and a scene description, the
app's templates with delete, and proposing a new title; and the operators' page that approves or
rejects proposed titles. The same rules as /wxaapi/newtmpl/* (library.py) and proposals.py."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.console.routes import SIGN_IN, _act, _page
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import resolve
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.apps.service import get_app
from hutong.server.deps import database
from hutong.server.problems import Problem
from hutong.server.subscribe import keywords, library, proposals
from hutong.server.subscribe.models import Keyword, Title
from hutong.server.wechat.errors import WxError

router = APIRouter(prefix="/console", include_in_schema=False)


def _problem(error: WxError) -> Problem:
    """A library refusal as the console shows it (the WeChat errcode kept in the code)."""
    return Problem(422, f"wx_{error.errcode}", f"{error.errmsg} ({error.errcode})")


def _number(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


@router.get("/apps/{appid}/templates")
async def templates_page(appid: str, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    query = request.query_params
    search = query.get("q", "")[:32]
    error: str | None = None
    titles: list[Title] = []
    total = 0
    chosen: Title | None = None
    words: list[Keyword] = []
    async with database(request).session() as session:
        app = await get_app(session, user, appid)
        role = await accounts.role_in(session, user, app.organization_id or 0)
        categories = await library.app_categories(session, app)
        category_id = _number(query.get("category"), categories[0].id if categories else None)
        category = next((c for c in categories if c.id == category_id), None)
        if category is not None:
            total, titles = await library.public_titles(
                session, app, str(category.id), 0, library.TITLES_LIMIT, search
            )
        tid = _number(query.get("tid"))
        if tid is not None:
            try:
                words = await library.public_keywords(session, app, tid)
                chosen = await session.get(Title, tid)
            except WxError as refused:
                error = _problem(refused).detail
        mine = await library.templates_of(session, app)
        proposed = await proposals.proposals_of_app(session, app)
    return _page(
        request,
        "templates.html",
        user,
        csrf,
        app=app,
        categories=categories,
        category=category,
        search=search,
        titles=titles,
        total=total,
        chosen=chosen,
        words=words,
        templates=[(t, library.template_view(t)) for t in mine],
        proposals=proposed,
        rules=keywords.RULES,
        can_edit=allows(role, Action.EDIT_APP),
        limits={
            "kids": (library.KIDS_MIN, library.KIDS_MAX),
            "scene": library.SCENE_DESC_MAX,
            "templates": library.TEMPLATES_MAX,
        },
        title_error=error,
    )


@router.post("/apps/{appid}/templates/add")
async def add_template(appid: str, request: Request) -> Response:
    form = await request.form()  # cached: _act reads the same form; kid is a list of boxes ticked
    kids = [str(kid) for kid in form.getlist("kid")]

    async def action(session: AsyncSession, user: User, fields: dict[str, str]) -> str:
        app = await get_app(session, user, appid, Action.EDIT_APP)
        try:
            template = await library.new_template(
                session, app, fields.get("tid", ""), kids, fields.get("scene_desc", "")
            )
        except WxError as refused:
            raise _problem(refused) from None
        return f"template {template.title} added: {template.pri_tmpl_id}"

    return await _act(request, f"/console/apps/{appid}/templates", action)


@router.post("/apps/{appid}/templates/{pri_tmpl_id}/delete")
async def delete_template(appid: str, pri_tmpl_id: str, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, _fields: dict[str, str]) -> str:
        app = await get_app(session, user, appid, Action.EDIT_APP)
        try:
            await library.delete_template(session, app, pri_tmpl_id)
        except WxError as refused:
            raise _problem(refused) from None
        return "template deleted"

    return await _act(request, f"/console/apps/{appid}/templates", action)


@router.post("/apps/{appid}/templates/propose")
async def propose(appid: str, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, fields: dict[str, str]) -> str:
        app = await get_app(session, user, appid, Action.EDIT_APP)
        title = await proposals.propose(
            session,
            app,
            _number(fields.get("category_id"), -1) or -1,
            fields.get("title", ""),
            _number(fields.get("type"), 0) or 0,
            proposals.parse_keywords(fields.get("keywords", "")),
        )
        return f"title {title.title} proposed: the operators will approve or reject it"

    return await _act(request, f"/console/apps/{appid}/templates", action)


@router.get("/admin/templates")
async def proposals_page(request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        waiting = await proposals.pending(session, user)
    return _page(request, "template_proposals.html", user, csrf, proposals=waiting, rules=keywords.RULES)


@router.post("/admin/templates/{tid}/{verdict}")
async def decide(tid: int, verdict: str, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, fields: dict[str, str]) -> str:
        title = await proposals.decide(session, user, tid, verdict, fields.get("reason", ""))
        return f"{title.title} {title.status}"

    return await _act(request, "/console/admin/templates", action)
