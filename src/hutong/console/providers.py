"""Console pages for service providers (the provider's own: its authorized merchants with their
versions, the template library, batch deployments with their progress and failures to retry) and for
reviewers (batches of identical code, each merchant's ext in view, decided at once)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.console.routes import SIGN_IN, _act, _page
from hutong.server.accounts.auth import resolve
from hutong.server.accounts.models import User
from hutong.server.deps import database
from hutong.server.problems import Problem
from hutong.server.providers import audits, deploy, fastregister, scopes, service, templates

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/orgs/{org_id}/provider")
async def provider_page(org_id: int, request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        provider = await service.provider_of_org(session, user, org_id)
        merchants = await service.merchants_of(session, provider)
        library = await templates.template_list(session, provider)
        deployments = await deploy.recent(session, provider)
        quota = await audits.quota(session, provider)
    return _page(
        request,
        "provider.html",
        user,
        csrf,
        org_id=org_id,
        provider=provider,
        merchants=merchants,
        library=library,
        deployments=deployments,
        quota=quota,
        scope_names=scopes.NAMES,
    )


@router.post("/orgs/{org_id}/provider/deployments/{deployment_id}/retry")
async def retry(org_id: int, deployment_id: int, request: Request) -> Response:
    async def action(session: AsyncSession, user: User, _form: dict[str, str]) -> str:
        count = await deploy.retry_failed(session, user, org_id, deployment_id)
        return f"{count} merchants queued again"

    return await _act(request, f"/console/orgs/{org_id}/provider", action)


@router.get("/review/batches")
async def batches_page(request: Request) -> Response:
    user, csrf = await resolve(request)
    if user is None:
        return SIGN_IN
    async with database(request).session() as session:
        found = await audits.batches(session, user)
    return _page(request, "review_batches.html", user, csrf, batches=found)


@router.post("/review/batches/{code}/{verdict}")
async def decide_batch(code: str, verdict: str, request: Request) -> Response:
    if verdict not in ("approve", "reject"):
        raise Problem(404, "not_found", "no such action")

    async def action(session: AsyncSession, user: User, form: dict[str, str]) -> str:
        ids = [int(part) for part in form.get("review_ids", "").split(",") if part.strip().isdigit()]
        decided = await audits.decide_batch(
            session, user, code, ids, approve=verdict == "approve", reason=form.get("reason", "")
        )
        return f"{len(decided)} versions {'approved' if verdict == 'approve' else 'rejected'}"

    return await _act(request, "/console/review/batches", action)


@router.post("/fastregister/{registration_id}/confirm")
async def confirm_registration(registration_id: int, request: Request) -> Response:
    """The legal person confirms a fast registration from their console home."""

    async def action(session: AsyncSession, user: User, _form: dict[str, str]) -> str:
        app = await fastregister.confirm(session, user, registration_id)
        return f"created {app.name} ({app.appid})"

    return await _act(request, "/console/", action)
