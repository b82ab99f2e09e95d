"""ext.json in an uploaded project: WeChat's DevTools read it beside app.json when a third-party
platform develops its template (开发第三方平台小程序).

- ``extEnable: true``: the development app runs with it as DevTools run it: its keys merged over
  app.json as ``/wxa/commit`` merges ``ext_json`` (``window``, ``extPages``, ``pages``, ``tabBar``,
  ``networkTimeout``, …) and ``wx.getExtConfigSync()`` answering its ``ext``. The upload is still a
  draft, and its template keeps the code's own config (``template-config.json``): ``/wxa/commit``
  merges each merchant's ``ext_json`` over app.json, never over the developer's debugging ext.
- ``extEnable: true`` and ``directCommit: true``: the upload skips the drafts and becomes the trial
  (development) version of ``extAppid``, committed by the provider whose development app this is, as
  WeChat's DevTools upload does; the provider can then ``submit_audit`` it. The ext app must have
  authorized the provider with set 18.
- Without ``extEnable: true`` the file is ignored, as in WeChat."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.accounts.models import User
from hutong.server.apps.models import App, Release
from hutong.server.audit.service import record
from hutong.server.problems import Problem
from hutong.server.providers import scopes, templates
from hutong.server.providers.models import Authorization, Commit, Provider
from hutong.server.storage import BlobStore, media_type_for
from hutong.server.wechat.errors import WxError


@dataclass
class ExtJson:
    data: dict[str, Any]

    @property
    def direct(self) -> bool:
        return self.data.get("directCommit") is True

    @property
    def ext_appid(self) -> str | None:
        value = self.data.get("extAppid")
        return value if isinstance(value, str) and value else None


def parse(raw: bytes | None) -> ExtJson | None:
    """The project's ext.json when it is enabled (``extEnable: true``); None otherwise."""
    if raw is None:
        return None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Problem(422, "invalid_ext_json", "ext.json is not JSON") from None
    if not isinstance(data, dict):
        raise Problem(422, "invalid_ext_json", "ext.json must hold a JSON object")
    if data.get("extEnable") is not True:
        return None
    return ExtJson(data)


def _merged(config: bytes, ext: ExtJson, appid: str) -> bytes:
    try:
        merged = templates.merge(json.loads(config), ext.data, appid)
    except WxError as error:
        raise Problem(422, "invalid_ext_json", f"ext.json: {error.errmsg}") from None
    return json.dumps(merged, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def debug_configs(files: dict[str, bytes], ext: ExtJson, appid: str) -> dict[str, bytes]:
    """The development app's config with the ext merged (what it runs), and the code's own config
    kept for the template."""
    config = files[templates.APP_CONFIG]
    return {
        templates.APP_CONFIG: _merged(config, ext, ext.ext_appid or appid),
        templates.TEMPLATE_CONFIG: config,
    }


async def direct_commit(
    session: AsyncSession,
    store: BlobStore,
    dev_app: App,
    actor: User,
    ext: ExtJson,
    files: dict[str, bytes],
    *,
    version: str,
    description: str,
    source_sha256: str,
) -> Release:
    """directCommit: the compiled upload, with ext.json merged, becomes extAppid's trial version."""
    provider = await session.scalar(select(Provider).where(Provider.dev_app_id == dev_app.id))
    if provider is None:
        raise Problem(
            422, "not_a_template_app", "directCommit works from a third-party platform's development app"
        )
    appid = ext.ext_appid
    if appid is None:
        raise Problem(422, "invalid_ext_json", "ext.json: directCommit needs extAppid")
    target = await session.scalar(select(App).where(App.appid == appid))
    authorization = (
        await session.scalar(
            select(Authorization).where(
                Authorization.provider_id == provider.id,
                Authorization.app_id == target.id,
                Authorization.status == "authorized",
            )
        )
        if target is not None
        else None
    )
    if target is None or authorization is None:
        raise Problem(403, "not_authorized", f"{appid} has not authorized {provider.name} (61003)")
    if scopes.DEVELOPMENT not in authorization.func_info:
        raise Problem(403, "scope_not_granted", f"{appid} did not grant development management (61007)")
    existing = await session.scalar(
        select(Release.id).where(Release.app_id == target.id, Release.version == version)
    )
    if existing is not None:
        raise Problem(409, "version_exists", f"{appid} already has version {version}; pick a new one")
    built = {
        **files,
        templates.APP_CONFIG: _merged(files[templates.APP_CONFIG], ext, appid),
    }
    bundles = {
        name: {"sha256": store.put(data, media_type_for(name)), "size": len(data)}
        for name, data in sorted(built.items())
    }
    release = Release(
        app_id=target.id,
        version=version,
        description=description.strip()[:2000],
        uploader_id=actor.id,
        source_sha256=source_sha256,
        bundles=bundles,
    )
    session.add(release)
    await session.flush()
    session.add(
        Commit(
            provider_id=provider.id,
            app_id=target.id,
            release_id=release.id,
            template_id=None,
            code_sha256=templates.code_sha256(bundles),
            ext_json=ext.data,
        )
    )
    target.trial_release_id = release.id
    await session.flush()
    await record(
        session,
        target.id,
        actor,
        "provider.commit",
        component_appid=provider.component_appid,
        direct_from=dev_app.appid,
        release_id=release.id,
        version=version,
    )
    return release
