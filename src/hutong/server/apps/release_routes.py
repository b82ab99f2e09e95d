"""HTTP routes for versions: upload, trial, review submission, release, phases, rollback, history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from pydantic import BaseModel, Field

from hutong.server.accounts.auth import current_user
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps import release, versions
from hutong.server.apps.models import App, Release
from hutong.server.apps.service import get_app
from hutong.server.apps.uploads import UploadLimits
from hutong.server.audit.service import history
from hutong.server.deps import blob_store, database, settings
from hutong.server.problems import Problem

router = APIRouter(prefix="/api/manage/apps/{appid}", tags=["versions"])
CurrentUser = Annotated[User, Depends(current_user)]


class VersionOut(BaseModel):
    id: int
    version: str
    description: str
    uploader_id: int | None
    signing_key_id: int | None = None  # the organization's developer key that signed the upload
    review_state: str
    released_at: datetime | None
    created_at: datetime
    bundles: dict[str, Any]


def version_out(r: Release) -> VersionOut:
    return VersionOut(
        id=r.id,
        version=r.version,
        description=r.description,
        uploader_id=r.uploader_id,
        signing_key_id=r.signing_key_id,
        review_state=r.review_state,
        released_at=r.released_at,
        created_at=r.created_at,
        bundles=r.bundles,
    )


class ReleaseStateOut(BaseModel):
    current: VersionOut | None
    trial: VersionOut | None
    rollout: VersionOut | None
    percentage: int
    allowlist: list[str]
    paused: bool
    in_review: VersionOut | None


async def state_out(session: Any, app: App) -> ReleaseStateOut:
    state = await release.release_state(session, app)

    def out(r: Release | None) -> VersionOut | None:
        return version_out(r) if r else None

    return ReleaseStateOut(
        current=out(state.current),
        trial=out(state.trial),
        rollout=out(state.rollout),
        percentage=state.percentage,
        allowlist=state.allowlist,
        paused=state.paused,
        in_review=out(state.in_review),
    )


@router.post("/versions", response_model=VersionOut, status_code=201)
async def upload(
    appid: str,
    request: Request,
    user: CurrentUser,
    project: Annotated[
        UploadFile,
        File(description="The signed .ma package (hutong upload), or the project folder as a zip."),
    ],
    version: Annotated[str, Form(max_length=64)],
    description: Annotated[str, Form(max_length=2000)] = "",
) -> VersionOut:
    """Upload the source project; the platform checks its signature against the organization's
    signing keys, compiles it into an immutable release and countersigns the package."""
    config = settings(request)
    limits = UploadLimits(config.upload_max_bytes, config.upload_max_unpacked_bytes, config.upload_max_files)
    data = await project.read(config.upload_max_bytes + 1)
    if len(data) > config.upload_max_bytes:
        raise Problem(413, "upload_too_large", f"the project zip is over {config.upload_max_bytes} bytes")
    async with database(request).session() as session:
        created = await versions.upload_version(
            session,
            blob_store(request),
            request.app.state.sources,
            limits,
            user,
            appid,
            version=version,
            description=description,
            project_zip=data,
            platform_keys=request.app.state.platform_key,
            require_signed=config.require_signed_uploads,
        )
        return version_out(created)


@router.get("/versions", response_model=list[VersionOut])
async def list_versions(appid: str, request: Request, user: CurrentUser) -> list[VersionOut]:
    async with database(request).session() as session:
        _app, rows = await versions.list_versions(session, user, appid)
        return [version_out(r) for r in rows]


@router.get("/release", response_model=ReleaseStateOut)
async def release_state(appid: str, request: Request, user: CurrentUser) -> ReleaseStateOut:
    async with database(request).session() as session:
        return await state_out(session, await get_app(session, user, appid))


class VersionRef(BaseModel):
    release_id: int


class SubmitIn(VersionRef):
    notes: str = Field(default="", max_length=2000)


class ReleaseIn(VersionRef):
    percentage: int = Field(default=100, ge=1, le=100)
    allowlist: list[str] = Field(default_factory=list)


class WidenIn(BaseModel):
    percentage: int = Field(ge=1, le=100)
    allowlist: list[str] = Field(default_factory=list)


class ReviewOut(BaseModel):
    id: int
    release_id: int
    status: str


@router.post("/trial", response_model=VersionOut)
async def set_trial(appid: str, body: VersionRef, request: Request, user: CurrentUser) -> VersionOut:
    async with database(request).session() as session:
        return version_out(await release.set_trial(session, user, appid, body.release_id))


@router.post("/review", response_model=ReviewOut, status_code=201)
async def submit(appid: str, body: SubmitIn, request: Request, user: CurrentUser) -> ReviewOut:
    """Submit a version for review; a pending submission of this app is replaced."""
    async with database(request).session() as session:
        review = await release.submit_for_review(session, user, appid, body.release_id, body.notes)
        return ReviewOut(id=review.id, release_id=review.release_id, status=review.status)


@router.delete("/review", status_code=204)
async def withdraw(appid: str, request: Request, user: CurrentUser) -> None:
    async with database(request).session() as session:
        await release.withdraw_review(session, user, appid)


async def _state_after(
    request: Request, user: User, appid: str, action: Any, *args: Any, **kw: Any
) -> ReleaseStateOut:
    async with database(request).session() as session:
        app = await action(session, user, appid, *args, **kw)
        return await state_out(session, app)


@router.post("/release", response_model=ReleaseStateOut)
async def start_release(appid: str, body: ReleaseIn, request: Request, user: CurrentUser) -> ReleaseStateOut:
    """Release an approved version to everyone (100) or in phases (percentage and allow-list)."""
    return await _state_after(
        request,
        user,
        appid,
        release.release,
        body.release_id,
        percentage=body.percentage,
        allowlist=body.allowlist,
    )


@router.post("/release/widen", response_model=ReleaseStateOut)
async def widen(appid: str, body: WidenIn, request: Request, user: CurrentUser) -> ReleaseStateOut:
    return await _state_after(request, user, appid, release.widen, body.percentage, body.allowlist)


@router.post("/release/pause", response_model=ReleaseStateOut)
async def pause(appid: str, request: Request, user: CurrentUser) -> ReleaseStateOut:
    return await _state_after(request, user, appid, release.pause)


@router.post("/release/resume", response_model=ReleaseStateOut)
async def resume(appid: str, request: Request, user: CurrentUser) -> ReleaseStateOut:
    return await _state_after(request, user, appid, release.resume)


@router.post("/release/complete", response_model=ReleaseStateOut)
async def complete(appid: str, request: Request, user: CurrentUser) -> ReleaseStateOut:
    return await _state_after(request, user, appid, release.complete)


@router.post("/rollback", response_model=ReleaseStateOut)
async def rollback(appid: str, body: VersionRef, request: Request, user: CurrentUser) -> ReleaseStateOut:
    """Everyone gets ``release_id`` (an earlier release) from their next launch."""
    return await _state_after(request, user, appid, release.rollback, body.release_id)


class AuditOut(BaseModel):
    id: int
    action: str
    actor_email: str
    detail: dict[str, Any]
    created_at: datetime


@router.get("/audit", response_model=list[AuditOut])
async def audit(appid: str, request: Request, user: CurrentUser) -> list[AuditOut]:
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.READ)
        rows = await history(session, app.id)
        return [
            AuditOut(
                id=e.id, action=e.action, actor_email=e.actor_email, detail=e.detail, created_at=e.created_at
            )
            for e in rows
        ]


class TrialLinkOut(BaseModel):
    url: str


@router.get("/trial-link", response_model=TrialLinkOut)
async def trial_link(appid: str, request: Request, user: CurrentUser) -> TrialLinkOut:
    """The link the trial QR code carries (testers open it signed in)."""
    async with database(request).session() as session:
        app = await get_app(session, user, appid, Action.USE_TRIAL)
        if app.trial_release_id is None:
            raise Problem(404, "no_trial_version", "pick a trial version first")
    return TrialLinkOut(url=trial_url(settings(request).public_url, appid))


def trial_url(public_url: str, appid: str) -> str:
    return f"{public_url.rstrip('/')}/?open={appid}&channel=trial"
