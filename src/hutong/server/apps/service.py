"""The rules for apps and releases, as plain functions the routes and the CLI call."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.compiler import BuildResult
from hutong.server.apps.models import App, Release
from hutong.server.problems import Problem
from hutong.server.storage import BlobStore


@dataclass
class AppSummary:
    appid: str
    name: str
    description: str


async def publish(
    session: AsyncSession,
    store: BlobStore,
    *,
    appid: str,
    name: str,
    description: str,
    version: str,
    build: BuildResult,
) -> Release:
    """Store a build's bundles, record it as a release and make it the app's current one."""
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None:
        app = App(appid=appid, name=name, description=description)
        session.add(app)
        await session.flush()
    else:
        app.name, app.description = name, description
    bundles = {}
    for bundle_name, data in sorted(build.files.items()):
        bundles[bundle_name] = {"sha256": store.put(data), "size": len(data)}
    release = await session.scalar(
        select(Release).where(Release.app_id == app.id, Release.version == version)
    )
    if release is None:
        release = Release(app_id=app.id, version=version, bundles=bundles)
        session.add(release)
    else:
        release.bundles = bundles
    await session.flush()
    app.current_release_id = release.id
    return release


async def list_apps(session: AsyncSession) -> list[AppSummary]:
    rows = await session.scalars(select(App).where(App.current_release_id.is_not(None)).order_by(App.name))
    return [AppSummary(app.appid, app.name, app.description) for app in rows]


async def current_release(session: AsyncSession, appid: str) -> tuple[App, Release]:
    app = await session.scalar(select(App).where(App.appid == appid))
    if app is None or app.current_release_id is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r} is released")
    release = await session.get(Release, app.current_release_id)
    if release is None:
        raise Problem(404, "app_not_found", f"no mini program {appid!r} is released")
    return app, release
