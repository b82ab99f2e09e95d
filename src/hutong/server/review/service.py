"""The operators' side: the review queue, approve or reject with a reason, take an app down."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.apps.models import App, Release
from hutong.server.audit.service import record
from hutong.server.problems import Problem
from hutong.server.review.models import Review

# Called in the decision's transaction after each approval or rejection (providers push the result).
DECISION_HOOKS: list[Callable[[AsyncSession, Review], Awaitable[None]]] = []


def require_operator(actor: User, *roles: str) -> None:
    allowed = roles or ("reviewer", "admin")
    if actor.operator_role not in allowed:
        raise Problem(403, "operators_only", "this needs a platform operator role: " + ", ".join(allowed))


@dataclass
class QueueItem:
    review: Review
    app: App
    release: Release


async def queue(session: AsyncSession, actor: User) -> list[QueueItem]:
    require_operator(actor)
    rows = await session.execute(
        select(Review, App, Release)
        .join(App, App.id == Review.app_id)
        .join(Release, Release.id == Review.release_id)
        .where(Review.status == "pending")
        .order_by(Review.id)
    )
    return [QueueItem(review, app, release) for review, app, release in rows]


async def get_item(session: AsyncSession, actor: User, review_id: int) -> QueueItem:
    require_operator(actor)
    review = await session.get(Review, review_id)
    if review is None:
        raise Problem(404, "review_not_found", "no such review")
    app = await session.get(App, review.app_id)
    release = await session.get(Release, review.release_id)
    if app is None or release is None:
        raise Problem(404, "review_not_found", "no such review")
    return QueueItem(review, app, release)


async def decide(
    session: AsyncSession, actor: User, review_id: int, *, approve: bool, reason: str = ""
) -> Review:
    item = await get_item(session, actor, review_id)
    if item.review.status != "pending":
        raise Problem(409, "review_closed", f"this review is already {item.review.status}")
    reason = reason.strip()
    if not approve and not reason:
        raise Problem(422, "reason_required", "say why the version is rejected")
    item.review.status = "approved" if approve else "rejected"
    item.review.reviewer_id = actor.id
    item.review.reason = reason[:4000]
    item.review.decided_at = datetime.now(UTC)
    item.release.review_state = item.review.status
    await record(
        session,
        item.app.id,
        actor,
        "review.approve" if approve else "review.reject",
        release_id=item.release.id,
        version=item.release.version,
        reason=item.review.reason,
    )
    for hook in DECISION_HOOKS:
        await hook(session, item.review)
    return item.review


async def take_down(session: AsyncSession, actor: User, appid: str, reason: str) -> App:
    """An admin removes an app from every user: launches fail and it leaves the list."""
    require_operator(actor, "admin")
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    if not reason.strip():
        raise Problem(422, "reason_required", "say why the app is taken down")
    app.status = "taken_down"
    app.status_reason = reason.strip()[:4000]
    await record(session, app.id, actor, "app.take_down", reason=app.status_reason)
    return app


async def restore(session: AsyncSession, actor: User, appid: str) -> App:
    require_operator(actor, "admin")
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    app.status = "active"
    app.status_reason = ""
    await record(session, app.id, actor, "app.restore")
    return app


async def all_apps(session: AsyncSession, actor: User) -> list[App]:
    """Every app on the platform, for the admins' takedown page."""
    require_operator(actor, "admin")
    return list(await session.scalars(select(App).order_by(App.name, App.id)))


async def decisions_for(session: AsyncSession, app: App) -> list[Review]:
    rows = await session.scalars(select(Review).where(Review.app_id == app.id).order_by(Review.id.desc()))
    return list(rows)
