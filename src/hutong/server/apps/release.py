"""Versions on their way to users: trial, review submission, release (full or phased), rollback.

A phased release sends ``rollout_release`` to the users whose bucket (a hash of appid and user, 0..99)
is under ``rollout_percentage`` or who are on the allow-list; everyone else keeps ``current_release``.
The bucket never changes for a user, and the percentage only grows, so a user keeps what they got.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import App, Release
from hutong.server.apps.service import get_app
from hutong.server.audit.service import record
from hutong.server.problems import Problem
from hutong.server.review.models import Review

MAX_ALLOWLIST = 1000


async def _release_of(session: AsyncSession, app: App, release_id: int) -> Release:
    release = await session.get(Release, release_id)
    if release is None or release.app_id != app.id:
        raise Problem(404, "version_not_found", "this app has no such version")
    return release


def _require_active(app: App) -> None:
    if app.status != "active":
        raise Problem(409, "app_taken_down", "the app was taken down by the platform")


async def set_trial(session: AsyncSession, actor: User, appid: str, release_id: int) -> Release:
    """The one trial version testers open (scene 1017 in WeChat)."""
    app = await get_app(session, actor, appid, Action.SET_TRIAL)
    release = await _release_of(session, app, release_id)
    app.trial_release_id = release.id
    await record(session, app.id, actor, "version.trial", release_id=release.id, version=release.version)
    return release


async def pending_review(session: AsyncSession, app: App) -> Review | None:
    review: Review | None = await session.scalar(
        select(Review).where(Review.app_id == app.id, Review.status == "pending")
    )
    return review


async def submit_for_review(
    session: AsyncSession, actor: User, appid: str, release_id: int, notes: str = ""
) -> Review:
    """Only one version is in review at a time: submitting another replaces the pending one."""
    app = await get_app(session, actor, appid, Action.SUBMIT_REVIEW)
    _require_active(app)
    release = await _release_of(session, app, release_id)
    if release.review_state == "approved":
        raise Problem(409, "already_approved", f"version {release.version} is already approved")
    previous = await pending_review(session, app)
    if previous is not None:
        await _withdraw(session, previous, actor)
        await session.flush()  # the old one stops being pending before the new one is
    review = Review(app_id=app.id, release_id=release.id, submitted_by=actor.id, notes=notes.strip()[:2000])
    session.add(review)
    release.review_state = "pending"
    await session.flush()
    await record(session, app.id, actor, "review.submit", release_id=release.id, version=release.version)
    return review


async def _withdraw(session: AsyncSession, review: Review, actor: User) -> None:
    review.status = "withdrawn"
    review.decided_at = datetime.now(UTC)
    release = await session.get(Release, review.release_id)
    if release is not None and release.review_state == "pending":
        release.review_state = "none"
    await record(session, review.app_id, actor, "review.withdraw", release_id=review.release_id)


async def withdraw_review(session: AsyncSession, actor: User, appid: str) -> None:
    app = await get_app(session, actor, appid, Action.SUBMIT_REVIEW)
    review = await pending_review(session, app)
    if review is None:
        raise Problem(409, "nothing_in_review", "no version of this app is in review")
    await _withdraw(session, review, actor)


def _clean_allowlist(entries: list[str]) -> list[str]:
    cleaned = sorted({entry.strip().lower() for entry in entries if entry.strip()})
    if len(cleaned) > MAX_ALLOWLIST:
        raise Problem(422, "allowlist_too_long", f"at most {MAX_ALLOWLIST} allow-list entries")
    return cleaned


def _check_percentage(percentage: int) -> None:
    if not 1 <= percentage <= 100:
        raise Problem(422, "invalid_percentage", "a phased release goes to 1 to 100 percent of users")


async def release(
    session: AsyncSession,
    actor: User,
    appid: str,
    release_id: int,
    *,
    percentage: int = 100,
    allowlist: list[str] | None = None,
) -> App:
    """Release an approved version to everyone, or in phases by percentage and allow-list."""
    app = await get_app(session, actor, appid, Action.RELEASE)
    _require_active(app)
    target = await _release_of(session, app, release_id)
    if target.review_state != "approved":
        raise Problem(409, "not_approved", f"version {target.version} has not passed review")
    if target.id == app.current_release_id:
        raise Problem(409, "already_released", f"version {target.version} is already released")
    _check_percentage(percentage)
    allowed = _clean_allowlist(allowlist or [])
    now = datetime.now(UTC)
    if percentage == 100 and not allowed:
        app.current_release_id = target.id
        _clear_rollout(app)
        mode = "full"
    else:
        if app.current_release_id is None:
            raise Problem(409, "first_release_is_full", "the first release goes to everyone")
        app.rollout_release_id = target.id
        app.rollout_percentage = percentage
        app.rollout_allowlist = allowed
        app.rollout_paused = False
        mode = "phased"
    target.released_at = target.released_at or now
    await record(
        session,
        app.id,
        actor,
        "release.start",
        release_id=target.id,
        version=target.version,
        mode=mode,
        percentage=percentage,
        allowlist=allowed,
    )
    return app


def _clear_rollout(app: App) -> None:
    app.rollout_release_id = None
    app.rollout_percentage = 0
    app.rollout_allowlist = []
    app.rollout_paused = False


async def _rollout_app(session: AsyncSession, actor: User, appid: str) -> App:
    app = await get_app(session, actor, appid, Action.RELEASE)
    if app.rollout_release_id is None:
        raise Problem(409, "no_phased_release", "no phased release is under way")
    return app


async def widen(
    session: AsyncSession, actor: User, appid: str, percentage: int, allowlist: list[str] | None = None
) -> App:
    """Grow the share (never shrink it: a user keeps the version they got) and add to the allow-list."""
    app = await _rollout_app(session, actor, appid)
    _require_active(app)
    if app.rollout_paused:
        raise Problem(409, "release_paused", "resume the phased release before widening it")
    _check_percentage(percentage)
    if percentage < app.rollout_percentage:
        raise Problem(
            409, "cannot_narrow", "users who got the new version keep it; pause or roll back instead"
        )
    app.rollout_allowlist = _clean_allowlist([*(app.rollout_allowlist or []), *(allowlist or [])])
    app.rollout_percentage = percentage
    await record(
        session,
        app.id,
        actor,
        "release.widen",
        release_id=app.rollout_release_id,
        percentage=percentage,
        allowlist=app.rollout_allowlist,
    )
    return app


async def pause(session: AsyncSession, actor: User, appid: str) -> App:
    """Freeze the phased release where it is: no widening until it is resumed."""
    app = await _rollout_app(session, actor, appid)
    app.rollout_paused = True
    await record(session, app.id, actor, "release.pause", release_id=app.rollout_release_id)
    return app


async def resume(session: AsyncSession, actor: User, appid: str) -> App:
    app = await _rollout_app(session, actor, appid)
    app.rollout_paused = False
    await record(session, app.id, actor, "release.resume", release_id=app.rollout_release_id)
    return app


async def complete(session: AsyncSession, actor: User, appid: str) -> App:
    """The phased version goes to everyone."""
    app = await _rollout_app(session, actor, appid)
    _require_active(app)
    released = app.rollout_release_id
    app.current_release_id = released
    _clear_rollout(app)
    await record(session, app.id, actor, "release.complete", release_id=released)
    return app


async def rollback(session: AsyncSession, actor: User, appid: str, release_id: int) -> App:
    """Send every user back to an earlier released version on their next launch; any phase stops."""
    app = await get_app(session, actor, appid, Action.RELEASE)
    target = await _release_of(session, app, release_id)
    if target.released_at is None:
        raise Problem(409, "never_released", f"version {target.version} was never released")
    if target.id == app.current_release_id and app.rollout_release_id is None:
        raise Problem(409, "already_released", f"everyone already gets version {target.version}")
    abandoned = app.rollout_release_id
    app.current_release_id = target.id
    _clear_rollout(app)
    await record(
        session,
        app.id,
        actor,
        "release.rollback",
        release_id=target.id,
        version=target.version,
        abandoned_release_id=abandoned,
    )
    return app


@dataclass
class ReleaseState:
    current: Release | None
    trial: Release | None
    rollout: Release | None
    percentage: int
    allowlist: list[str]
    paused: bool
    in_review: Release | None


async def release_state(session: AsyncSession, app: App) -> ReleaseState:
    async def load(release_id: int | None) -> Release | None:
        return await session.get(Release, release_id) if release_id is not None else None

    review = await pending_review(session, app)
    return ReleaseState(
        current=await load(app.current_release_id),
        trial=await load(app.trial_release_id),
        rollout=await load(app.rollout_release_id),
        percentage=app.rollout_percentage,
        allowlist=list(app.rollout_allowlist or []),
        paused=app.rollout_paused,
        in_review=await load(review.release_id) if review else None,
    )
