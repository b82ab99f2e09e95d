"""Review and release on a merchant's behalf (/wxa/submit_audit … /wxa/release), the provider's
monthly review and speed-up quotas shared by all its merchants (queryquota, speedupaudit), the review
results pushed to the provider (weapp_audit_success|fail|delay), the app's visit status
(change_visitstatus), and the reviewers' batches: pending commits of identical code, decided (or
delayed) in one go while each merchant's ext stays in view."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.apps.models import App, Release
from hutong.server.apps.release import pending_review
from hutong.server.audit.models import AuditEntry
from hutong.server.audit.service import record
from hutong.server.identity.ids import aware
from hutong.server.problems import Problem
from hutong.server.providers import service
from hutong.server.providers.models import Commit, Provider, ReviewMark, Template
from hutong.server.providers.service import AuthorizerCall
from hutong.server.review import service as review_service
from hutong.server.review.models import Review
from hutong.server.wechat.errors import WxError

MAX_ITEMS = 5
UNDO_PER_DAY = 5
UNDO_PER_MONTH = 10
# WeChat's audit status numbers.
STATUS = {"approved": 0, "rejected": 1, "pending": 2, "withdrawn": 3}
DELAYED = 4  # a pending review the reviewers delayed (weapp_audit_delay), with its reason


def _month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def quota_used(session: AsyncSession, provider: Provider) -> int:
    used = await session.scalar(
        select(func.count())
        .select_from(Review)
        .join(Commit, Commit.release_id == Review.release_id)
        .where(Commit.provider_id == provider.id, Review.created_at >= _month_start(service.now()))
    )
    return int(used or 0)


async def speedups_used(session: AsyncSession, provider: Provider) -> int:
    used = await session.scalar(
        select(func.count())
        .select_from(ReviewMark)
        .where(ReviewMark.provider_id == provider.id, ReviewMark.speedup_at >= _month_start(service.now()))
    )
    return int(used or 0)


async def quota(session: AsyncSession, provider: Provider) -> dict[str, int]:
    used = await quota_used(session, provider)
    speedups = await speedups_used(session, provider)
    return {
        "rest": max(provider.audit_quota - used, 0),
        "limit": provider.audit_quota,
        "speedup_rest": max(provider.speedup_quota - speedups, 0),
        "speedup_limit": provider.speedup_quota,
    }


async def _mark(session: AsyncSession, review: Review) -> ReviewMark | None:
    return await session.scalar(select(ReviewMark).where(ReviewMark.review_id == review.id))


async def speedup(session: AsyncSession, call: AuthorizerCall, auditid: object) -> None:
    """speedupaudit {auditid}: the pending review goes ahead of the reviewers' queue, once, against
    the provider's monthly speed-up quota (89402 not pending or not this app's, 89403 not a commit of
    this provider, 89404 already sped up, 89405 quota used)."""
    review = await session.get(Review, auditid) if isinstance(auditid, int) else None
    if review is None or review.app_id != call.app.id or review.status != "pending":
        raise WxError(89402)
    commit = await session.scalar(select(Commit).where(Commit.release_id == review.release_id))
    if commit is None or commit.provider_id != call.provider.id:
        raise WxError(89403)
    mark = await _mark(session, review)
    if mark is not None and mark.speedup_at is not None:
        raise WxError(89404)
    if await speedups_used(session, call.provider) >= call.provider.speedup_quota:
        raise WxError(89405)
    if mark is None:
        mark = ReviewMark(provider_id=call.provider.id, review_id=review.id)
        session.add(mark)
    mark.speedup_at = service.now()
    await session.flush()
    await record(
        session,
        call.app.id,
        None,
        "review.speedup",
        release_id=review.release_id,
        component_appid=call.provider.component_appid,
    )


async def set_visit_status(session: AsyncSession, call: AuthorizerCall, action: object) -> None:
    """change_visitstatus {action: open|close}: WeChat's 暂停服务; a closed app opens for nobody."""
    if action not in ("open", "close"):
        raise WxError(40097, "invalid args: action is open or close")
    call.app.visit_closed = action == "close"
    await record(
        session,
        call.app.id,
        None,
        "app.visit_status",
        visit=action,
        component_appid=call.provider.component_appid,
    )


async def submit(session: AsyncSession, call: AuthorizerCall, body: dict[str, Any]) -> Review:
    commit = await session.scalar(
        select(Commit)
        .where(Commit.app_id == call.app.id, Commit.provider_id == call.provider.id)
        .order_by(Commit.id.desc())
        .limit(1)
    )
    if commit is None:
        raise WxError(85020, "nothing committed to submit")
    items = body.get("item_list", [])
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise WxError(40097, f"invalid args: item_list holds at most {MAX_ITEMS} items")
    if call.app.status != "active":
        raise WxError(85020, "the app was taken down by the platform")
    if await pending_review(session, call.app) is not None:
        raise WxError(85009)
    if await quota_used(session, call.provider) >= call.provider.audit_quota:
        raise WxError(85085)
    release = await session.get(Release, commit.release_id)
    assert release is not None
    if release.review_state == "approved":
        raise WxError(85009, "this version is already approved; release it")
    desc = body.get("version_desc", "")
    review = Review(
        app_id=call.app.id,
        release_id=release.id,
        submitted_by=None,
        notes=(desc if isinstance(desc, str) else "")[:2000],
    )
    session.add(review)
    release.review_state = "pending"
    await session.flush()
    await record(
        session,
        call.app.id,
        None,
        "review.submit",
        release_id=release.id,
        version=release.version,
        component_appid=call.provider.component_appid,
    )
    return review


def status_of(review: Review, release: Release | None, mark: ReviewMark | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {"status": STATUS.get(review.status, 2)}
    if review.status == "rejected":
        answer.update(reason=review.reason, ScreenShot="")
    elif review.status == "pending" and mark is not None and mark.delayed_at is not None:
        answer.update(status=DELAYED, reason=mark.delay_reason)
    if release is not None:
        answer.update(user_version=release.version, user_desc=release.description)
    answer["submit_audit_time"] = int(aware(review.created_at).timestamp())
    return answer


async def audit_status(session: AsyncSession, call: AuthorizerCall, auditid: object) -> dict[str, Any]:
    review = await session.get(Review, auditid) if isinstance(auditid, int) else None
    if review is None or review.app_id != call.app.id:
        raise WxError(40097, "invalid args: no such auditid for this app")
    return status_of(review, await session.get(Release, review.release_id), await _mark(session, review))


async def latest_status(session: AsyncSession, call: AuthorizerCall) -> dict[str, Any]:
    review = await session.scalar(
        select(Review).where(Review.app_id == call.app.id).order_by(Review.id.desc()).limit(1)
    )
    if review is None:
        raise WxError(86000)
    release_row = await session.get(Release, review.release_id)
    return {"auditid": review.id, **status_of(review, release_row, await _mark(session, review))}


async def release(session: AsyncSession, call: AuthorizerCall) -> Release:
    """The newest approved, unreleased version goes to everyone (85019 none; 85020 not releasable)."""
    if call.app.status != "active":
        raise WxError(85020)
    approved = await session.scalar(
        select(Release)
        .join(Review, Review.release_id == Release.id)
        .where(Review.app_id == call.app.id, Review.status == "approved")
        .order_by(Review.id.desc())
        .limit(1)
    )
    if approved is None:
        raise WxError(85019)
    if approved.id == call.app.current_release_id:
        raise WxError(85020, "this version is already released")
    call.app.current_release_id = approved.id
    call.app.rollout_release_id = None
    call.app.rollout_percentage = 0
    call.app.rollout_allowlist = []
    call.app.rollout_paused = False
    approved.released_at = approved.released_at or service.now()
    await record(
        session,
        call.app.id,
        None,
        "release.start",
        release_id=approved.id,
        version=approved.version,
        mode="full",
        component_appid=call.provider.component_appid,
    )
    return approved


async def undo(session: AsyncSession, call: AuthorizerCall) -> None:
    """undocodeaudit: the pending review withdrawn, at most 5 a day and 10 a month per app (87013)."""
    review = await pending_review(session, call.app)
    if review is None:
        raise WxError(86000)
    moment = service.now()

    async def undone_since(since: datetime) -> int:
        count = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(
                AuditEntry.app_id == call.app.id,
                AuditEntry.action == "review.undo",
                AuditEntry.created_at >= since,
            )
        )
        return int(count or 0)

    if (
        await undone_since(moment - timedelta(days=1)) >= UNDO_PER_DAY
        or await undone_since(_month_start(moment)) >= UNDO_PER_MONTH
    ):
        raise WxError(87013)
    review.status = "withdrawn"
    review.decided_at = moment
    release_row = await session.get(Release, review.release_id)
    if release_row is not None and release_row.review_state == "pending":
        release_row.review_state = "none"
    await record(session, call.app.id, None, "review.undo", release_id=review.release_id)


async def revert(session: AsyncSession, call: AuthorizerCall) -> Release:
    """revertcoderelease: back to the version released before the current one."""
    previous = await session.scalar(
        select(Release)
        .where(
            Release.app_id == call.app.id,
            Release.released_at.is_not(None),
            Release.id != (call.app.current_release_id or 0),
        )
        .order_by(Release.released_at.desc(), Release.id.desc())
        .limit(1)
    )
    if previous is None or call.app.current_release_id is None:
        raise WxError(87011, "no earlier released version to go back to")
    call.app.current_release_id = previous.id
    await record(
        session, call.app.id, None, "release.rollback", release_id=previous.id, version=previous.version
    )
    return previous


async def on_decision(session: AsyncSession, review: Review) -> None:
    """A reviewer decided a provider's commit: the provider hears weapp_audit_success or _fail."""
    commit = await session.scalar(select(Commit).where(Commit.release_id == review.release_id))
    if commit is None or review.status not in ("approved", "rejected"):
        return
    provider = await session.get(Provider, commit.provider_id)
    app = await session.get(App, review.app_id)
    if provider is None or app is None:
        return
    event = "weapp_audit_success" if review.status == "approved" else "weapp_audit_fail"
    await service.enqueue_event(session, provider, event, appid=app.appid, reason=review.reason)


review_service.DECISION_HOOKS.append(on_decision)


# Reviewers' batches -------------------------------------------------------------------------------


@dataclass
class BatchItem:
    review_id: int
    appid: str
    name: str
    version: str
    ext: dict[str, Any]
    speedup: bool = False
    delayed: bool = False


@dataclass
class Batch:
    code_sha256: str
    provider: str
    template_version: str
    items: list[BatchItem] = field(default_factory=list)

    @property
    def speedup(self) -> bool:
        return any(item.speedup for item in self.items)


async def batches(session: AsyncSession, actor: User) -> list[Batch]:
    """Pending reviews of provider commits, grouped by identical code (one template build)."""
    review_service.require_operator(actor)
    rows = await session.execute(
        select(Review, Commit, App, Release, Provider, Template, ReviewMark)
        .join(Commit, Commit.release_id == Review.release_id)
        .join(App, App.id == Review.app_id)
        .join(Release, Release.id == Review.release_id)
        .join(Provider, Provider.id == Commit.provider_id)
        .outerjoin(Template, Template.id == Commit.template_id)
        .outerjoin(ReviewMark, ReviewMark.review_id == Review.id)
        .where(Review.status == "pending")
        .order_by(Review.id)
    )
    groups: dict[str, Batch] = {}
    for review, commit, app, release_row, provider, template, mark in rows:
        batch = groups.setdefault(
            commit.code_sha256,
            Batch(commit.code_sha256, provider.name, template.user_version if template else ""),
        )
        ext = commit.ext_json.get("ext", {}) if isinstance(commit.ext_json, dict) else {}
        batch.items.append(
            BatchItem(
                review.id,
                app.appid,
                app.name,
                release_row.version,
                ext,
                speedup=mark is not None and mark.speedup_at is not None,
                delayed=mark is not None and mark.delayed_at is not None,
            )
        )
    # Sped-up reviews first (speedupaudit), then in order of submission.
    return sorted(groups.values(), key=lambda batch: not batch.speedup)


async def decide_batch(
    session: AsyncSession, actor: User, code: str, review_ids: list[int], *, approve: bool, reason: str = ""
) -> list[Review]:
    """One decision over reviews of identical code (each must be pending and of ``code``): all or none."""
    review_service.require_operator(actor)
    if not review_ids:
        raise Problem(422, "empty_batch", "pick the reviews to decide")
    found = await session.execute(
        select(Review, Commit)
        .join(Commit, Commit.release_id == Review.release_id)
        .where(Review.id.in_(review_ids))
    )
    pairs = list(found)
    if len(pairs) != len(set(review_ids)) or any(commit.code_sha256 != code for _r, commit in pairs):
        raise Problem(409, "not_one_batch", "every review in a batch must be of the same code")
    return [
        await review_service.decide(session, actor, review.id, approve=approve, reason=reason)
        for review, _commit in pairs
    ]


async def delay_batch(
    session: AsyncSession, actor: User, code: str, review_ids: list[int], reason: str
) -> list[Review]:
    """Reviewers delay pending reviews of one code (WeChat's 审核延后): they stay pending, their
    status reads 4 with the reason, and each provider hears weapp_audit_delay; a decision follows."""
    review_service.require_operator(actor)
    if not reason.strip():
        raise Problem(422, "reason_required", "say why the review is delayed")
    found = await session.execute(
        select(Review, Commit)
        .join(Commit, Commit.release_id == Review.release_id)
        .where(Review.id.in_(review_ids or [0]))
    )
    pairs = list(found)
    if (
        not pairs
        or len(pairs) != len(set(review_ids))
        or any(commit.code_sha256 != code or review.status != "pending" for review, commit in pairs)
    ):
        raise Problem(409, "not_one_batch", "every review in a batch must be pending and of the same code")
    moment = service.now()
    for review, commit in pairs:
        mark = await _mark(session, review)
        if mark is None:
            mark = ReviewMark(provider_id=commit.provider_id, review_id=review.id)
            session.add(mark)
        mark.delayed_at = moment
        mark.delay_reason = reason.strip()[:2000]
        provider = await session.get(Provider, commit.provider_id)
        app = await session.get(App, review.app_id)
        if provider is not None and app is not None:
            await service.enqueue_event(
                session, provider, "weapp_audit_delay", appid=app.appid, reason=mark.delay_reason
            )
    await session.flush()
    return [review for review, _commit in pairs]


# Gray (phased) release, on the platform's own rollout (server/apps/release.py) ----------------------

# getgrayreleaseplan's status: 0 none, 1 under way, 2 paused (3 done and 4 deleted are never kept).
GRAY_NONE, GRAY_RUNNING, GRAY_PAUSED = 0, 1, 2


async def gray_release(session: AsyncSession, call: AuthorizerCall, percentage: object) -> None:
    """grayrelease {gray_percentage}: the newest approved version to that share of users (85081 not
    1–100; 85079 no version online to start from; 85080 no approved version; 85082 a gray release is
    under way and the share would not grow: users who got the new version keep it)."""
    app = call.app
    if not isinstance(percentage, int) or isinstance(percentage, bool) or not 1 <= percentage <= 100:
        raise WxError(85081)
    if app.status != "active":
        raise WxError(85020)
    if app.current_release_id is None:
        raise WxError(85079)
    if app.rollout_release_id is not None:
        if percentage <= app.rollout_percentage:
            raise WxError(85082)
        app.rollout_percentage = percentage
        await record(
            session,
            app.id,
            None,
            "release.widen",
            release_id=app.rollout_release_id,
            percentage=percentage,
            component_appid=call.provider.component_appid,
        )
        return
    approved = await session.scalar(
        select(Release)
        .join(Review, Review.release_id == Release.id)
        .where(Review.app_id == app.id, Review.status == "approved", Release.id != app.current_release_id)
        .order_by(Review.id.desc())
        .limit(1)
    )
    if approved is None:
        raise WxError(85080)
    app.rollout_release_id = approved.id
    app.rollout_percentage = percentage
    app.rollout_allowlist = []
    app.rollout_paused = False
    approved.released_at = approved.released_at or service.now()
    await record(
        session,
        app.id,
        None,
        "release.start",
        release_id=approved.id,
        version=approved.version,
        mode="phased",
        percentage=percentage,
        component_appid=call.provider.component_appid,
    )


async def revert_gray_release(session: AsyncSession, call: AuthorizerCall) -> None:
    """revertgrayrelease: the gray release stops; everyone gets the version online (again)."""
    app = call.app
    if app.rollout_release_id is None:
        return
    abandoned = app.rollout_release_id
    app.rollout_release_id = None
    app.rollout_percentage = 0
    app.rollout_allowlist = []
    app.rollout_paused = False
    await record(
        session,
        app.id,
        None,
        "release.rollback",
        release_id=app.current_release_id,
        abandoned_release_id=abandoned,
        component_appid=call.provider.component_appid,
    )


async def gray_release_plan(session: AsyncSession, call: AuthorizerCall) -> dict[str, Any]:
    app = call.app
    if app.rollout_release_id is None:
        return {"status": GRAY_NONE, "create_timestamp": 0, "gray_percentage": 0}
    rollout = await session.get(Release, app.rollout_release_id)
    started = rollout.released_at if rollout is not None else None
    return {
        "status": GRAY_PAUSED if app.rollout_paused else GRAY_RUNNING,
        "create_timestamp": int(aware(started).timestamp()) if started else 0,
        "gray_percentage": app.rollout_percentage,
    }
