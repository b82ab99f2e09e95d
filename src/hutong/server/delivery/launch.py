"""Which release a given user gets, and the launch manifest that tells the host what to fetch and check."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps.models import DOMAIN_KINDS, App, Release
from hutong.server.apps.release import pending_review
from hutong.server.apps.service import get_app
from hutong.server.apps.versions import development_version
from hutong.server.problems import Problem

CHANNELS = ("release", "trial", "develop", "review")
# Long enough for clock skew and a slow network; short enough that an old manifest cannot be replayed
# for long to hold a user on a rolled-back version.
MANIFEST_LIFETIME = timedelta(hours=1)


def user_audience(user_id: int) -> str:
    """How launches, recents and events name a signed-in user."""
    return f"user:{user_id}"


@dataclass(frozen=True)
class Audience:
    """Who is launching: a signed-in user, or an anonymous device with a stable random id."""

    user: User | None
    device_id: str

    @property
    def key(self) -> str:
        return user_audience(self.user.id) if self.user else f"device:{self.device_id}"

    def names(self) -> set[str]:
        """What an allow-list entry may name: the user's email, or the device id."""
        names = {self.device_id.lower()} if self.device_id else set()
        if self.user:
            names.add(self.user.email.lower())
        return names


def bucket(appid: str, audience_key: str) -> int:
    """0..99, the same every time for one user of one app, independent across apps."""
    digest = hashlib.sha256(f"{appid}\x00{audience_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 100


def opaque_audience(appid: str, audience_key: str) -> str:
    """Who launches, as the host may know it: stable per app and person, naming neither."""
    return hashlib.sha256(f"storage\x00{appid}\x00{audience_key}".encode()).hexdigest()[:32]


def in_rollout(app: App, audience: Audience) -> bool:
    if app.rollout_release_id is None:
        return False
    if audience.names() & set(app.rollout_allowlist or []):
        return True
    return bucket(app.appid, audience.key) < app.rollout_percentage


async def choose_release(
    session: AsyncSession, appid: str, audience: Audience, channel: str
) -> tuple[App, Release]:
    if channel not in CHANNELS:
        raise Problem(422, "invalid_channel", f"channels are {', '.join(CHANNELS)}")
    if channel == "release":
        app = await session.scalar(select(App).where(App.appid == appid))
        if app is None:
            raise Problem(404, "app_not_found", f"no mini program {appid!r} is released")
        if app.visit_closed:
            # 暂停服务 (change_visitstatus close): the released app opens for nobody until it opens again.
            raise Problem(410, "app_closed", "this mini program has paused its service")
        release_id = app.rollout_release_id if in_rollout(app, audience) else app.current_release_id
    else:
        if audience.user is None:
            raise Problem(401, "sign_in_required", f"sign in to open the {channel} version")
        app, release_id = await _private_channel(session, appid, audience.user, channel)
    if app.status != "active":
        raise Problem(410, "app_taken_down", "this mini program was taken down", reason=app.status_reason)
    release = await session.get(Release, release_id) if release_id is not None else None
    if release is None:
        raise Problem(404, "app_not_found", f"no {channel} version of {appid!r}")
    return app, release


async def _private_channel(
    session: AsyncSession, appid: str, user: User, channel: str
) -> tuple[App, int | None]:
    if channel == "review" and user.operator_role in ("reviewer", "admin"):
        app = await session.scalar(select(App).where(App.appid == appid))
        if app is None:
            raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    else:
        action = {"trial": Action.USE_TRIAL, "develop": Action.UPLOAD, "review": Action.READ}[channel]
        app = await get_app(session, user, appid, action)
    if channel == "trial":
        return app, app.trial_release_id
    if channel == "develop":
        mine = await development_version(session, app, user)
        return app, mine.id if mine else None
    review = await pending_review(session, app)
    return app, review.release_id if review else None


def manifest(app: App, release: Release, channel: str, now: datetime | None = None) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    bundles = {
        name: {"url": f"/blobs/{info['sha256']}", "sha256": info["sha256"], "size": info["size"]}
        for name, info in release.bundles.items()
    }
    domains = app.domains or {}
    return {
        "appid": app.appid,
        "name": app.name,
        "version": release.version,
        "release_id": release.id,
        "channel": channel,
        "issued_at": int(now.timestamp()),
        "expires_at": int((now + MANIFEST_LIFETIME).timestamp()),
        "bundles": bundles,
        "domains": {kind: list(domains.get(kind, [])) for kind in DOMAIN_KINDS},
    }


def encode(document: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent; the host verifies these bytes before parsing them."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
