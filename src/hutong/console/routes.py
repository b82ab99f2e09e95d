"""Console pages. Each form posts here, is checked for its CSRF token, calls one service function and
redirects back; a refused action comes back as a message on the page it came from."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import segno
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import (
    SESSION_COOKIE,
    check_csrf,
    clear_session_cookie,
    resolve,
    set_session_cookie,
)
from hutong.server.accounts.models import ORG_ROLES, User
from hutong.server.accounts.permissions import Action, allows
from hutong.server.apps import developer_keys, release, service, versions
from hutong.server.apps.models import DOMAIN_KINDS
from hutong.server.apps.release_routes import trial_url
from hutong.server.audit.service import history
from hutong.server.deps import database, settings
from hutong.server.problems import Problem
from hutong.server.providers import fastregister
from hutong.server.ratelimit import client_address
from hutong.server.review import service as review

router = APIRouter(prefix="/console", include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
# Console pages must not be framed by other sites (clickjacking), nor cached.
HEADERS = {"X-Frame-Options": "SAMEORIGIN", "Cache-Control": "no-store"}


def _page(request: Request, name: str, user: User | None, csrf: str | None, **context: Any) -> HTMLResponse:
    context.update(
        user=user,
        csrf=csrf,
        error=request.query_params.get("error"),
        notice=request.query_params.get("notice"),
    )
    return templates.TemplateResponse(request, name, context, headers=HEADERS)


def _back(path: str, *, error: str | None = None, notice: str | None = None) -> RedirectResponse:
    if error:
        path += ("&" if "?" in path else "?") + "error=" + quote(error)
    if notice:
        path += ("&" if "?" in path else "?") + "notice=" + quote(notice)
    return RedirectResponse(path, status_code=303)


def _local(target: str) -> str:
    """Only a path on this site: "//evil.example" and "/\\evil.example" would leave it."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target or "\n" in target:
        return "/console/"
    return target


SIGN_IN = RedirectResponse("/console/signin", status_code=303)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def _act(
    request: Request,
    back: str,
    action: Callable[[AsyncSession, User, dict[str, str]], Awaitable[str | None]],
) -> Response:
    """Authenticate, check CSRF, run ``action`` in a transaction, redirect to ``back`` with its message."""
    user, csrf = await resolve(request)
    if user is None or csrf is None:
        return SIGN_IN
    await check_csrf(request, csrf)
    form = await _form(request)
    try:
        async with database(request).session() as session:
            notice = await action(session, user, form)
    except Problem as problem:
        return _back(back, error=problem.detail)
    return _back(back, notice=notice)


# Sign in and out ---------------------------------------------------------------------------------


@router.get("/signin")
async def sign_in_page(request: Request) -> Response:
    return _page(request, "signin.html", None, None, mode="signin")


@router.get("/signup")
async def sign_up_page(request: Request) -> Response:
    return _page(request, "signin.html", None, None, mode="signup")


async def _start(request: Request, mode: str) -> Response:
    limiter = request.app.state.limiter
    if await limiter.hit(
        f"auth:{client_address(request.scope)}", settings(request).auth_rate_limit_per_minute, 60
    ):
        return _back(f"/console/{mode}", error="too many attempts; wait a minute")
    form = await _form(request)
    try:
        async with database(request).session() as session:
            if mode == "signup":
                user = await accounts.sign_up(
                    session, form.get("email", ""), form.get("password", ""), form.get("name", "")
                )
            else:
                user = await accounts.authenticate(session, form.get("email", ""), form.get("password", ""))
            new = await accounts.start_session(session, user)
    except Problem as problem:
        return _back(f"/console/{mode}", error=problem.detail)
    response = _back(_local(request.query_params.get("next", "/console/")))
    set_session_cookie(request, response, new.token)
    return response


@router.post("/signin")
async def sign_in(request: Request) -> Response:
    return await _start(request, "signin")


@router.post("/signup")
async def sign_up(request: Request) -> Response:
    return await _start(request, "signup")


@router.post("/signout")
async def sign_out(request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is not None and csrf is not None:
        await check_csrf(request, csrf)
        async with database(request).session() as session:
            await accounts.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = _back("/console/signin")
    clear_session_cookie(response)
    return response


@router.get("/tokens")
async def tokens_page(request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        tokens = await accounts.list_api_tokens(session, user)
    return _page(request, "tokens.html", user, csrf, tokens=tokens)


@router.post("/tokens/{token_id}/revoke")
async def revoke_token(token_id: int, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await accounts.revoke_api_token(session, user, token_id)
        return "token revoked"

    return await _act(request, "/console/tokens", action)


# Organizations -------------------------------------------------------------------------------------


@router.get("/")
async def home(request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        orgs = []
        for org, role in await accounts.organizations_of(session, user):
            orgs.append((org, role, await service.apps_of_organization(session, user, org.id)))
        # Fast registrations naming this user as the legal person wait here for their confirmation.
        waiting = await fastregister.waiting_for(session, user)
    return _page(request, "home.html", user, csrf, orgs=orgs, waiting=waiting)


@router.post("/orgs")
async def create_org(request: Request) -> Response:
    created: dict[str, int] = {}

    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        org = await accounts.create_organization(session, user, form.get("name", ""))
        created["id"] = org.id
        return f"created {org.name}"

    response = await _act(request, "/console/", action)
    if "id" in created:
        response.headers["location"] = f"/console/orgs/{created['id']}"
    return response


@router.get("/orgs/{org_id}")
async def org_page(org_id: int, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        org = await accounts.get_organization(session, user, org_id)
        role = await accounts.role_in(session, user, org_id)
        apps = await service.apps_of_organization(session, user, org_id)
        members = await accounts.list_members(session, user, org_id)
        signing_keys = await developer_keys.list_keys(session, user, org_id)
    return _page(
        request,
        "org.html",
        user,
        csrf,
        org=org,
        role=role,
        apps=apps,
        members=members,
        roles=ORG_ROLES,
        can_manage=allows(role, Action.MANAGE_MEMBERS),
        can_register=allows(role, Action.EDIT_APP),
        signing_keys=signing_keys,
        can_manage_keys=allows(role, Action.MANAGE_SIGNING_KEYS),
        can_view_payments=allows(role, Action.VIEW_PAYMENTS),
    )


@router.post("/orgs/{org_id}/apps")
async def register_app(org_id: int, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None or csrf is None:
        return SIGN_IN
    await check_csrf(request, csrf)
    form = await _form(request)
    try:
        async with database(request).session() as session:
            app, secret = await service.register_app(
                session,
                user,
                org_id,
                name=form.get("name", ""),
                description=form.get("description", ""),
                icon=form.get("icon", ""),
                category=form.get("category", ""),
                keywords=[w for w in form.get("keywords", "").split(",")],
            )
    except Problem as problem:
        return _back(f"/console/orgs/{org_id}", error=problem.detail)
    # The secret is shown on this one response and never again.
    return _page(request, "secret.html", user, csrf, app=app, secret=secret)


@router.post("/orgs/{org_id}/members")
async def set_member(org_id: int, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        member = await accounts.set_member(session, user, org_id, form.get("email", ""), form.get("role", ""))
        return f"{member.email} is now {member.role}"

    return await _act(request, f"/console/orgs/{org_id}", action)


@router.post("/orgs/{org_id}/members/{user_id}/remove")
async def remove_member(org_id: int, user_id: int, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await accounts.remove_member(session, user, org_id, user_id)
        return "member removed"

    return await _act(request, f"/console/orgs/{org_id}", action)


@router.post("/orgs/{org_id}/signing-keys")
async def add_signing_key(org_id: int, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        key = await developer_keys.add_key(
            session, user, org_id, form.get("name", ""), form.get("public_key", "")
        )
        return f"key {key.name} registered: uploads signed with it are accepted"

    return await _act(request, f"/console/orgs/{org_id}", action)


@router.post("/orgs/{org_id}/signing-keys/{key_id}/revoke")
async def revoke_signing_key(org_id: int, key_id: int, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        key = await developer_keys.revoke_key(session, user, org_id, key_id)
        return f"key {key.name} revoked: uploads signed with it are refused"

    return await _act(request, f"/console/orgs/{org_id}", action)


# One app -----------------------------------------------------------------------------------------


@router.get("/apps/{appid}")
async def app_page(appid: str, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        app, rows = await versions.list_versions(session, user, appid)
        role = await accounts.role_in(session, user, app.organization_id or 0)
        state = await release.release_state(session, app)
        decisions = {r.release_id: r for r in reversed(await review.decisions_for(session, app))}
        audit = await history(session, app.id)
    # The release guard's stop is news until someone acts on the release again (newest entry first).
    moves = (e for e in audit if e.action.startswith("release.") and e.action != "release.guard_settings")
    last_release = next(moves, None)
    guard_stop = last_release if last_release is not None and last_release.action == "release.guard" else None
    trial = trial_url(settings(request).public_url, appid) if state.trial else None
    qr = segno.make(trial, error="m").svg_inline(scale=4, dark="#111") if trial else None
    return _page(
        request,
        "app.html",
        user,
        csrf,
        app=app,
        role=role,
        versions=rows,
        state=state,
        decisions=decisions,
        audit=audit,
        guard_stop=guard_stop,
        trial_url=trial,
        trial_qr=qr,
        domain_kinds=DOMAIN_KINDS,
        can=lambda action: allows(role, Action(action)),
    )


def _app_action(
    appid: str, run: Callable[[AsyncSession, User, dict[str, str]], Awaitable[str]]
) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request) -> Response:
        return await _act(request, f"/console/apps/{appid}", run)

    return handler


def _int(form: dict[str, str], key: str) -> int:
    try:
        return int(form.get(key, ""))
    except ValueError:
        raise Problem(422, "invalid_request", f"{key} must be a number") from None


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]


@router.post("/apps/{appid}/{verb}")
async def app_action(appid: str, verb: str, request: Request) -> Response:
    async def settings_(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await service.update_app(
            session,
            user,
            appid,
            name=form.get("name"),
            description=form.get("description"),
            icon=form.get("icon"),
            category=form.get("category"),
            keywords=_list(form.get("keywords", "")),
        )
        return "settings saved"

    async def domains(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await service.set_domains(session, user, appid, {k: _list(form.get(k, "")) for k in DOMAIN_KINDS})
        return "domains saved"

    async def trial(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        chosen = await release.set_trial(session, user, appid, _int(form, "release_id"))
        return f"{chosen.version} is the trial version"

    async def submit(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await release.submit_for_review(session, user, appid, _int(form, "release_id"), form.get("notes", ""))
        return "submitted for review"

    async def withdraw(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await release.withdraw_review(session, user, appid)
        return "review withdrawn"

    async def release_(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        percentage = _int(form, "percentage") if form.get("percentage") else 100
        await release.release(
            session,
            user,
            appid,
            _int(form, "release_id"),
            percentage=percentage,
            allowlist=_list(form.get("allowlist", "")),
        )
        return f"released to {percentage}%"

    async def widen(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await release.widen(session, user, appid, _int(form, "percentage"), _list(form.get("allowlist", "")))
        return "phased release widened"

    async def pause(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await release.pause(session, user, appid)
        return "phased release paused"

    async def resume(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await release.resume(session, user, appid)
        return "phased release resumed"

    async def complete(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await release.complete(session, user, appid)
        return "released to everyone"

    async def rollback(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await release.rollback(session, user, appid, _int(form, "release_id"))
        return "rolled back"

    actions: dict[str, Callable[[AsyncSession, User, dict[str, str]], Awaitable[str]]] = {
        "settings": settings_,
        "domains": domains,
        "trial": trial,
        "submit": submit,
        "withdraw": withdraw,
        "release": release_,
        "widen": widen,
        "pause": pause,
        "resume": resume,
        "complete": complete,
        "rollback": rollback,
    }
    if verb == "secret":
        return await _rotate_secret(appid, request)
    if verb not in actions:
        raise Problem(404, "not_found", "no such action")
    return await _act(request, f"/console/apps/{appid}", actions[verb])


async def _rotate_secret(appid: str, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None or csrf is None:
        return SIGN_IN
    await check_csrf(request, csrf)
    try:
        async with database(request).session() as session:
            secret = await service.rotate_secret(session, user, appid)
            app = await service.get_app(session, user, appid)
    except Problem as problem:
        return _back(f"/console/apps/{appid}", error=problem.detail)
    return _page(request, "secret.html", user, csrf, app=app, secret=secret)


# Operators ---------------------------------------------------------------------------------------


@router.get("/review")
async def review_queue(request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        items = await review.queue(session, user)
    return _page(request, "review_queue.html", user, csrf, items=items)


@router.get("/review/{review_id}")
async def review_page(review_id: int, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        item = await review.get_item(session, user, review_id)
    return _page(request, "review.html", user, csrf, item=item)


@router.post("/review/{review_id}/{verdict}")
async def decide(review_id: int, verdict: str, request: Request) -> Response:
    if verdict not in ("approve", "reject"):
        raise Problem(404, "not_found", "no such action")

    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        await review.decide(
            session, user, review_id, approve=verdict == "approve", reason=form.get("reason", "")
        )
        return "approved" if verdict == "approve" else "rejected"

    response = await _act(request, f"/console/review/{review_id}", action)
    if "error=" not in response.headers.get("location", ""):
        response.headers["location"] = "/console/review?notice=" + (
            "approved" if verdict == "approve" else "rejected"
        )
    return response


@router.get("/admin")
async def admin_page(request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        apps = await review.all_apps(session, user)
    return _page(request, "admin.html", user, csrf, apps=apps)


@router.post("/admin/apps/{appid}/{verb}")
async def admin_app(appid: str, verb: str, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        if verb == "takedown":
            await review.take_down(session, user, appid, form.get("reason", ""))
            return f"{appid} taken down"
        if verb == "restore":
            await review.restore(session, user, appid)
            return f"{appid} restored"
        raise Problem(404, "not_found", "no such action")

    back = "/console/admin" if "/console/admin" in request.headers.get("referer", "") else "/console/review"
    return await _act(request, back, action)
