"""Uploads: a project zip in, compiled by the platform with the same compiler, out as an immutable release."""

from __future__ import annotations

import asyncio
import re
import tempfile
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.compiler import BuildResult, CompileError, build_project
from hutong.compiler.project import find_root
from hutong.server.accounts.models import User
from hutong.server.accounts.permissions import Action
from hutong.server.apps import developer_keys
from hutong.server.apps.models import App, Release
from hutong.server.apps.service import get_app
from hutong.server.apps.uploads import UploadLimits, unpack_project
from hutong.server.audit.service import record
from hutong.server.delivery.signing import PlatformKeys
from hutong.server.problems import Problem
from hutong.server.providers import ext_config
from hutong.server.storage import BlobStore, media_type_for

_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$")


def _compile(data: bytes, limits: UploadLimits) -> tuple[BuildResult, bytes | None]:
    """The build, and the project's ext.json (beside app.json, as WeChat's DevTools read it) if any."""
    with tempfile.TemporaryDirectory(prefix="hutong-upload-") as temporary:
        root = unpack_project(data, Path(temporary), limits)
        try:
            build = build_project(root)
            ext_file = find_root(root)[0] / "ext.json"
        except CompileError as error:
            # The temp dir is meaningless to the developer: name files relative to the project.
            message = str(error).replace(str(root) + "/", "")
            raise Problem(422, "compile_error", message) from None
        return build, ext_file.read_bytes() if ext_file.is_file() else None


async def upload_version(
    session: AsyncSession,
    store: BlobStore,
    sources: BlobStore,
    limits: UploadLimits,
    actor: User,
    appid: str,
    *,
    version: str,
    description: str,
    project_zip: bytes,
    platform_keys: PlatformKeys | None = None,
    require_signed: bool = False,
) -> Release:
    """Compile the uploaded project into a release: the uploader's new development version.

    ``project_zip`` is a zip of the project, or the signed ``.ma`` package `hutong upload` makes
    (required once the organization registers a signing key, or for everyone with ``require_signed``):
    its signature is checked against the organization's keys before anything is compiled, and
    ``platform_keys`` countersign it."""
    app = await get_app(session, actor, appid, Action.UPLOAD)
    signing_key, verified = await developer_keys.check_signed(
        session, app, project_zip, required=require_signed
    )
    if not _VERSION.match(version):
        raise Problem(422, "invalid_version", "a version is letters, digits, '.', '+' and '-', like 1.2.0")
    existing = await session.scalar(
        select(Release.id).where(Release.app_id == app.id, Release.version == version)
    )
    if existing is not None:
        raise Problem(409, "version_exists", f"version {version} was already uploaded; pick a new one")
    build, ext_raw = await asyncio.to_thread(_compile, project_zip, limits)
    files = dict(build.files)
    ext = ext_config.parse(ext_raw)
    if ext is not None and ext.direct:
        # directCommit: the upload is the ext app's trial version, committed by the provider whose
        # development app this is (server/providers/ext_config.py); no draft is kept.
        return await ext_config.direct_commit(
            session,
            store,
            app,
            actor,
            ext,
            files,
            version=version,
            description=description,
            source_sha256=sources.put(project_zip),
        )
    if ext is not None:
        files.update(ext_config.debug_configs(files, ext, app.appid))
    bundles = {
        name: {"sha256": store.put(data, media_type_for(name)), "size": len(data)}
        for name, data in sorted(files.items())
    }
    package_sha256 = None
    if verified is not None:
        if platform_keys is None:
            raise Problem(500, "no_platform_key", "the platform cannot countersign here")
        package_sha256 = sources.put(platform_keys.countersign(project_zip))
    release = Release(
        app_id=app.id,
        version=version,
        description=description.strip()[:2000],
        uploader_id=actor.id,
        source_sha256=sources.put(project_zip),
        bundles=bundles,
        signing_key_id=signing_key.id if signing_key else None,
        package_sha256=package_sha256,
    )
    session.add(release)
    await session.flush()
    signed = {"signing_key": signing_key.fingerprint} if signing_key else {}
    await record(session, app.id, actor, "version.upload", release_id=release.id, version=version, **signed)
    return release


async def list_versions(session: AsyncSession, actor: User, appid: str) -> tuple[App, list[Release]]:
    app = await get_app(session, actor, appid, Action.READ)
    rows = await session.scalars(select(Release).where(Release.app_id == app.id).order_by(Release.id.desc()))
    return app, list(rows)


async def development_version(session: AsyncSession, app: App, user: User) -> Release | None:
    """A developer's development version is their latest upload (WeChat keeps one per developer)."""
    release: Release | None = await session.scalar(
        select(Release)
        .where(Release.app_id == app.id, Release.uploader_id == user.id)
        .order_by(Release.id.desc())
        .limit(1)
    )
    return release
