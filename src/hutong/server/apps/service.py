"""The rules for apps: registration, settings, secrets, allowed domains, and the public list."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.compiler import BuildResult
from hutong.server.accounts import service as accounts
from hutong.server.accounts.models import User
from hutong.server.accounts.passwords import digest, new_secret
from hutong.server.accounts.permissions import Action
from hutong.server.apps.icons import store_icon
from hutong.server.apps.models import DOMAIN_KINDS, App, Release
from hutong.server.audit.service import record
from hutong.server.identity import tokens
from hutong.server.identity.launch import key_for_secret
from hutong.server.problems import Problem
from hutong.server.storage import BlobStore, media_type_for

MAX_KEYWORDS = 10
MAX_DOMAINS_PER_KIND = 50
# Each kind of allowed domain takes one scheme, as in WeChat's server-domain settings.
DOMAIN_SCHEMES = {
    "request": ("https",),
    "upload": ("https",),
    "download": ("https",),
    "socket": ("wss",),
    "webview": ("https",),
    "proxy": ("https",),
}
_HOST = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$"
)


@dataclass
class AppSummary:
    appid: str
    name: str
    description: str
    icon: str
    category: str
    keywords: list[str]


def summary(app: App) -> AppSummary:
    return AppSummary(app.appid, app.name, app.description, app.icon, app.category, list(app.keywords or []))


def new_appid() -> str:
    return "hx" + secrets.token_hex(8)


async def get_app(session: AsyncSession, actor: User, appid: str, action: Action = Action.READ) -> App:
    """The app if ``actor``'s role in its organization allows ``action``; outsiders get 404."""
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None or app.organization_id is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r}")
    try:
        await accounts.require(session, actor, app.organization_id, action)
    except Problem as problem:
        if problem.status == 404:
            raise Problem(404, "app_not_found", f"no mini program {appid!r}") from None
        raise
    return app


def _clean_keywords(keywords: list[str]) -> list[str]:
    cleaned = [word.strip()[:40] for word in keywords if word.strip()]
    if len(cleaned) > MAX_KEYWORDS:
        raise Problem(422, "too_many_keywords", f"at most {MAX_KEYWORDS} keywords")
    return cleaned


async def register_app(
    session: AsyncSession,
    actor: User,
    organization_id: int,
    *,
    name: str,
    description: str = "",
    icon: str = "",
    category: str = "",
    keywords: list[str] | None = None,
) -> tuple[App, str]:
    """Register a mini program; returns it and its AppSecret, which is never shown again."""
    await accounts.require(session, actor, organization_id, Action.EDIT_APP)
    if not name.strip():
        raise Problem(422, "invalid_name", "a mini program needs a name")
    app = App(
        appid=new_appid(),
        organization_id=organization_id,
        name=name.strip()[:200],
        description=description.strip(),
        icon=icon.strip()[:500],
        category=category.strip()[:100],
        keywords=_clean_keywords(keywords or []),
        domains={kind: [] for kind in DOMAIN_KINDS},
    )
    secret = _new_secret(session, app)
    session.add(app)
    await session.flush()
    await record(session, app.id, actor, "app.register", name=app.name)
    return app, secret


async def apps_of_organization(session: AsyncSession, actor: User, organization_id: int) -> list[App]:
    await accounts.require(session, actor, organization_id, Action.READ)
    rows = await session.scalars(
        select(App).where(App.organization_id == organization_id).order_by(App.name, App.id)
    )
    return list(rows)


async def update_app(
    session: AsyncSession,
    actor: User,
    appid: str,
    *,
    name: str | None = None,
    description: str | None = None,
    icon: str | None = None,
    category: str | None = None,
    keywords: list[str] | None = None,
) -> App:
    app = await get_app(session, actor, appid, Action.EDIT_APP)
    if name is not None:
        if not name.strip():
            raise Problem(422, "invalid_name", "a mini program needs a name")
        app.name = name.strip()[:200]
    if description is not None:
        app.description = description.strip()
    if icon is not None:
        app.icon = icon.strip()[:500]
    if category is not None:
        app.category = category.strip()[:100]
    if keywords is not None:
        app.keywords = _clean_keywords(keywords)
    await record(session, app.id, actor, "app.update")
    return app


async def set_icon(session: AsyncSession, store: BlobStore, actor: User, appid: str, image: bytes) -> App:
    """Store an uploaded icon (re-encoded as a PNG) and make it the app's."""
    app = await get_app(session, actor, appid, Action.EDIT_APP)
    app.icon = store_icon(store, image)
    await record(session, app.id, actor, "app.icon", icon=app.icon)
    return app


async def rotate_secret(session: AsyncSession, actor: User, appid: str) -> str:
    """A new AppSecret; the old one, and every access token made with it, stop working at once."""
    app = await get_app(session, actor, appid, Action.ROTATE_SECRET)
    secret = _new_secret(session, app)
    await tokens.revoke_all(session, app.id)
    await record(session, app.id, actor, "app.secret_rotated")
    return secret


def _new_secret(session: AsyncSession, app: App) -> str:
    """A new AppSecret for ``app``: its hash and its sealed launch-data key kept; the secret returned."""
    secret = new_secret()
    app.secret_hash = digest(secret)
    app.launch_key = key_for_secret(session, app.appid, secret)
    return secret


async def new_example_secret(session: AsyncSession, appid: str) -> str:
    """A fresh AppSecret for an example app, handed to its own back end by ``hutong demo`` (no actor:
    the examples belong to the demo organization, which has no members)."""
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        raise Problem(404, "app_not_found", f"no app {appid}")
    secret = _new_secret(session, app)
    await tokens.revoke_all(session, app.id)
    await record(session, app.id, None, "app.secret_rotated", by="hutong demo")
    return secret


async def check_secret(session: AsyncSession, appid: str, secret: str) -> bool:
    """For the developer's server calling code2session, token and the like."""
    app = await session.scalar(select(App).where(App.appid == appid))
    return bool(app and app.secret_hash and secrets.compare_digest(app.secret_hash, digest(secret)))


def normalize_domain(kind: str, value: str) -> str:
    """``https://api.example.com[:port]``: scheme fixed per kind, no path, query or credentials."""
    raw = value.strip().lower().rstrip("/")
    parts = urlsplit(raw)
    schemes = DOMAIN_SCHEMES[kind]
    if parts.scheme not in schemes:
        raise Problem(422, "invalid_domain", f"{value!r}: {kind} domains start with {schemes[0]}://")
    if parts.path or parts.query or parts.fragment or parts.username or parts.password:
        raise Problem(422, "invalid_domain", f"{value!r}: give the origin only, without a path")
    try:
        port = parts.port
    except ValueError:
        raise Problem(422, "invalid_domain", f"{value!r}: the port is not a number") from None
    host = parts.hostname or ""
    if not _HOST.match(host) or host.replace(".", "").isdigit() or host == "localhost":
        raise Problem(422, "invalid_domain", f"{value!r}: give a domain name, not an IP address")
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


async def set_domains(session: AsyncSession, actor: User, appid: str, domains: dict[str, list[str]]) -> App:
    app = await get_app(session, actor, appid, Action.EDIT_APP)
    unknown = set(domains) - set(DOMAIN_KINDS)
    if unknown:
        raise Problem(422, "invalid_domain_kind", f"domain kinds are {', '.join(DOMAIN_KINDS)}")
    cleaned = dict(app.domains or {})
    for kind, values in domains.items():
        normalized = sorted({normalize_domain(kind, value) for value in values if value.strip()})
        if len(normalized) > MAX_DOMAINS_PER_KIND:
            raise Problem(422, "too_many_domains", f"at most {MAX_DOMAINS_PER_KIND} {kind} domains")
        cleaned[kind] = normalized
    app.domains = {kind: cleaned.get(kind, []) for kind in DOMAIN_KINDS}
    await record(session, app.id, actor, "app.domains", domains=app.domains)
    return app


# The public list and seeding ------------------------------------------------------------------


async def list_apps(session: AsyncSession, category: str | None = None) -> list[AppSummary]:
    """Mini programs anyone can open: released and not taken down; optionally of one category."""
    statement = select(App).where(App.current_release_id.is_not(None), App.status == "active")
    if category is not None:
        statement = statement.where(App.category == category)
    rows = await session.scalars(statement.order_by(App.name))
    return [summary(app) for app in rows]


async def publish(
    session: AsyncSession,
    store: BlobStore,
    *,
    appid: str,
    name: str,
    description: str,
    version: str,
    build: BuildResult,
    organization_id: int | None = None,
    keywords: list[str] | None = None,
    category: str | None = None,
) -> Release:
    """Seed a build straight to everyone (the demo and the tests): no review, recorded in the audit log."""
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        app = App(
            appid=appid,
            name=name,
            description=description,
            organization_id=organization_id,
            keywords=[],
            domains={kind: [] for kind in DOMAIN_KINDS},
        )
        session.add(app)
        await session.flush()
    else:
        app.name, app.description = name, description
        if organization_id is not None:
            app.organization_id = organization_id
    if keywords is not None:
        app.keywords = _clean_keywords(keywords)
    if category is not None:
        app.category = category.strip()[:100]
    bundles = {}
    for bundle_name, data in sorted(build.files.items()):
        bundles[bundle_name] = {"sha256": store.put(data, media_type_for(bundle_name)), "size": len(data)}
    release = await session.scalar(
        select(Release).where(Release.app_id == app.id, Release.version == version)
    )
    if release is None:
        release = Release(app_id=app.id, version=version, bundles=bundles)
        session.add(release)
    else:
        release.bundles = bundles
    release.review_state = "approved"
    release.released_at = release.released_at or datetime.now(UTC)
    await session.flush()
    app.current_release_id = release.id
    await record(session, app.id, None, "release.seed", release_id=release.id, version=version)
    return release


async def current_release(session: AsyncSession, appid: str) -> tuple[App, Release]:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None or app.current_release_id is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r} is released")
    release = await session.get(Release, app.current_release_id)
    if release is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r} is released")
    return app, release
