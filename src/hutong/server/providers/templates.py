"""Drafts, the template library, and ``/wxa/commit``: one compiled template, many merchants.

A draft is an upload of the provider's development app (compiled once by the platform, like any
upload). Adding it to the library makes a template (200 at most, 85065). Committing a template to a
merchant app makes that app's trial release out of the template's bundles, unchanged and shared
(content-addressed blobs), plus one small ``app-config.json`` of its own: the template's, with the
merchant's ``ext_json`` merged over it as WeChat merges ext.json over app.json, and ``ext`` kept for
``wx.getExtConfig``. So each further merchant costs one config blob and a few rows."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.server.apps.models import App, Release
from hutong.server.audit.service import record
from hutong.server.providers.models import Commit, Provider, Template
from hutong.server.providers.service import AuthorizerCall
from hutong.server.storage import BlobStore
from hutong.server.wechat.errors import WxError

TEMPLATE_CAP = 200
APP_CONFIG = "app-config.json"
# An upload with an enabled ext.json runs with it merged (server/providers/ext_config.py); the code's
# own config is kept here, and that is what /wxa/commit merges a merchant's ext_json over.
TEMPLATE_CONFIG = "template-config.json"
CONFIGS = (APP_CONFIG, TEMPLATE_CONFIG)
EXT_JSON_MAX = 256 * 1024
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$")
# ext_json keys merged over app.json (WeChat's list); extAppid, ext, extEnable, directCommit are the
# ext's own.
OVERRIDES = ("extPages", "pages", "window", "networkTimeout", "tabBar", "plugins", "requiredPrivateInfos")
KNOWN = frozenset({"extAppid", "ext", "extEnable", "directCommit", "subpackages", "subPackages", *OVERRIDES})


def code_sha256(bundles: dict[str, Any]) -> str:
    """What makes two releases the same code: every bundle's hash but the config's."""
    parts = sorted(f"{name}:{entry['sha256']}" for name, entry in bundles.items() if name not in CONFIGS)
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


async def drafts(session: AsyncSession, provider: Provider) -> list[Release]:
    if provider.dev_app_id is None:
        return []
    rows = await session.scalars(
        select(Release).where(Release.app_id == provider.dev_app_id).order_by(Release.id.desc()).limit(100)
    )
    return list(rows)


async def add_to_template(
    session: AsyncSession, provider: Provider, draft_id: object, template_type: object
) -> Template:
    if not isinstance(draft_id, int) or provider.dev_app_id is None:
        raise WxError(85064)
    draft = await session.get(Release, draft_id)
    if draft is None or draft.app_id != provider.dev_app_id:
        raise WxError(85064)
    count = await session.scalar(
        select(func.count()).select_from(Template).where(Template.provider_id == provider.id)
    )
    if (count or 0) >= TEMPLATE_CAP:
        raise WxError(85065)
    kind = template_type if isinstance(template_type, int) and template_type in (0, 1) else 0
    template = Template(
        provider_id=provider.id,
        release_id=draft.id,
        user_version=draft.version,
        user_desc=draft.description,
        template_type=kind,
    )
    session.add(template)
    await session.flush()
    return template


async def template_list(session: AsyncSession, provider: Provider) -> list[Template]:
    rows = await session.scalars(
        select(Template).where(Template.provider_id == provider.id).order_by(Template.id)
    )
    return list(rows)


async def template_of(session: AsyncSession, provider: Provider, template_id: object) -> Template:
    if isinstance(template_id, str) and template_id.isdigit():
        template_id = int(template_id)
    if not isinstance(template_id, int):
        raise WxError(85014)
    template = await session.get(Template, template_id)
    if template is None or template.provider_id != provider.id:
        raise WxError(85014)
    return template


async def delete_template(session: AsyncSession, provider: Provider, template_id: object) -> None:
    await session.delete(await template_of(session, provider, template_id))


def parse_ext_json(raw: object) -> dict[str, Any]:
    """ext_json arrives as a JSON string (WeChat's field); an object is taken as given."""
    if raw is None or raw == "":
        return {}
    if isinstance(raw, dict):
        return raw
    if not isinstance(raw, str) or len(raw) > EXT_JSON_MAX:
        raise WxError(85048)
    try:
        parsed = json.loads(raw)
    except json.JSONDecodeError:
        raise WxError(85048) from None
    if not isinstance(parsed, dict):
        raise WxError(85048)
    return parsed


def _page_path(path: object) -> str:
    return str(path).strip().lstrip("/").removesuffix(".html") if isinstance(path, str) else ""


def _subpackages(packages: list[dict[str, Any]], items: object) -> list[dict[str, Any]]:
    """ext_json's subpackages: which of the template's compiled subpackages this merchant gets, and
    which of their pages (code cannot be added, only chosen); a root or page not compiled is 85045."""
    if not isinstance(items, list):
        raise WxError(85013, "invalid ext_json: subpackages is a list")
    compiled = {package["root"]: package for package in packages[1:]}
    kept = []
    for item in items:
        root = _page_path(item.get("root")) if isinstance(item, dict) else ""
        package = compiled.get(root)
        if package is None:
            raise WxError(85045, f"some path in ext_json does not exist: subpackages {root or '(none)'}")
        listed = item.get("pages")
        if listed is None:
            kept.append(package)
            continue
        if not isinstance(listed, list) or not listed:
            raise WxError(85013, f"invalid ext_json: subpackages {root} pages is a list of paths")
        chosen = [f"{root}/{_page_path(page)}" for page in listed]
        missing = [page for page in chosen if page not in package["pages"]]
        if missing:
            raise WxError(85045, f"some path in ext_json does not exist: subpackages {missing[0]}")
        kept.append({**package, "pages": chosen})
    return kept


def _merge_pages(merged: dict[str, Any], ext_json: dict[str, Any]) -> None:
    """``pages`` (the main package's, in order, the first the entry) and ``subpackages`` chosen
    among the compiled ones, as WeChat reads them from ext.json; ``pages`` and ``packages`` of the
    config then agree."""
    packages: list[dict[str, Any]] = list(merged.get("packages") or [])
    main = list(packages[0]["pages"]) if packages else list(merged.get("pages") or [])
    pages = ext_json.get("pages")
    if pages is not None:
        if not isinstance(pages, list) or not pages:
            raise WxError(85047)
        chosen = [_page_path(page) for page in pages]
        missing = [page for page in chosen if page not in main]
        if missing:
            raise WxError(85045, f"some path in ext_json does not exist: pages {missing[0]}")
        main = chosen
        merged["entryPagePath"] = chosen[0]
    key = "subpackages" if "subpackages" in ext_json else "subPackages" if "subPackages" in ext_json else None
    subs = packages[1:]
    if key is not None:
        subs = _subpackages(packages, ext_json[key])
    if pages is None and key is None:
        return
    if packages:
        merged["packages"] = [{**packages[0], "pages": main}, *subs]
    merged["pages"] = main + [page for package in subs for page in package["pages"]]
    if merged.get("entryPagePath") not in merged["pages"]:
        merged["entryPagePath"] = main[0]


def merge(config: dict[str, Any], ext_json: dict[str, Any], appid: str) -> dict[str, Any]:
    """The template's app-config.json with ext_json merged over it (WeChat's order: ext_json over
    app.json; a page's own json still wins over the window; extPages over both)."""
    unknown = sorted(set(ext_json) - KNOWN)
    if unknown:
        raise WxError(85013, f"invalid ext_json: unknown field {unknown[0]}")
    ext_appid = ext_json.get("extAppid")
    if ext_appid is not None and ext_appid != appid:
        raise WxError(85013, "invalid ext_json: extAppid is not the authorized app")
    merged: dict[str, Any] = json.loads(json.dumps(config))
    compiled = list(merged.get("pages") or [])
    _merge_pages(merged, ext_json)
    window = ext_json.get("window")
    if window is not None:
        if not isinstance(window, dict):
            raise WxError(85013, "invalid ext_json: window is an object")
        before = dict(merged.get("window") or {})
        merged["window"] = {**before, **window}
        for page_config in (merged.get("pageConfigs") or {}).values():
            own = page_config.get("window") or {}
            # A key the page's json set (it differs from the app's window) keeps the page's value.
            page_config["window"] = {
                **own,
                **{key: value for key, value in window.items() if own.get(key) == before.get(key)},
            }
    ext_pages = ext_json.get("extPages")
    if ext_pages is not None:
        if not isinstance(ext_pages, dict):
            raise WxError(85013, "invalid ext_json: extPages is an object")
        for path, overrides in ext_pages.items():
            page = _page_path(path)
            target = (merged.get("pageConfigs") or {}).get(page)
            if target is None:
                raise WxError(85045, f"some path in ext_json does not exist: extPages {page}")
            if not isinstance(overrides, dict):
                raise WxError(85013, f"invalid ext_json: extPages {page} is an object")
            target["window"] = {**(target.get("window") or {}), **overrides}
    tab_bar = ext_json.get("tabBar")
    if tab_bar is not None:
        if not isinstance(tab_bar, dict):
            raise WxError(85013, "invalid ext_json: tabBar is an object")
        merged_bar = {**(merged.get("tabBar") or {}), **tab_bar}
        for item in merged_bar.get("list") or []:
            path = _page_path(item.get("pagePath") if isinstance(item, dict) else None)
            if path not in compiled:
                raise WxError(85045, f"some path in ext_json does not exist: tabBar {path or '(none)'}")
        merged["tabBar"] = merged_bar
    timeouts = ext_json.get("networkTimeout")
    if timeouts is not None:
        if not isinstance(timeouts, dict) or not all(isinstance(v, int) and v > 0 for v in timeouts.values()):
            raise WxError(85013, "invalid ext_json: networkTimeout values are milliseconds")
        merged["networkTimeout"] = {**(merged.get("networkTimeout") or {}), **timeouts}
    app_fields = dict(merged.get("app") or {})
    for key in ("plugins", "requiredPrivateInfos"):
        if key in ext_json:
            app_fields[key] = ext_json[key]
    merged["app"] = app_fields
    ext = ext_json.get("ext", {})
    if not isinstance(ext, dict):
        raise WxError(85013, "invalid ext_json: ext is an object")
    # extEnable false: the ext is shipped but not given to the app (WeChat's switch).
    merged["ext"] = ext if ext_json.get("extEnable", True) is not False else {}
    return merged


@dataclass
class Committed:
    release: Release
    commit: Commit


async def commit(
    session: AsyncSession,
    store: BlobStore,
    call: AuthorizerCall,
    template_id: object,
    ext_json_raw: object,
    user_version: object,
    user_desc: object,
) -> Committed:
    """/wxa/commit: the template's code with the merchant's ext_json becomes the app's trial version."""
    template = await template_of(session, call.provider, template_id)
    source = await session.get(Release, template.release_id)
    if source is None:
        raise WxError(85014)
    if not isinstance(user_version, str) or not _VERSION.match(user_version):
        raise WxError(40097, "invalid args: user_version is letters, digits, '.', '+', '-' (at most 64)")
    description = user_desc[:2000] if isinstance(user_desc, str) else ""
    ext_json = parse_ext_json(ext_json_raw)
    config_entry = source.bundles.get(TEMPLATE_CONFIG) or source.bundles.get(APP_CONFIG)
    config_bytes = store.get(config_entry["sha256"]) if config_entry else None
    if config_bytes is None:
        raise WxError(85014, "invalid template id: its compiled config is missing")
    merged = merge(json.loads(config_bytes), ext_json, call.app.appid)
    data = json.dumps(merged, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    bundles = {
        **{name: entry for name, entry in source.bundles.items() if name != TEMPLATE_CONFIG},
        APP_CONFIG: {"sha256": store.put(data, "application/json"), "size": len(data)},
    }
    code = code_sha256(bundles)
    existing = await session.scalar(
        select(Release).where(Release.app_id == call.app.id, Release.version == user_version)
    )
    if existing is not None:
        earlier = await session.scalar(select(Commit).where(Commit.release_id == existing.id))
        # The same commit again (a retried deploy) is answered as done; anything else is refused.
        if earlier is None or existing.bundles != bundles:
            raise WxError(
                85013, f"invalid ext_json: version {user_version} was already committed differently"
            )
        call.app.trial_release_id = existing.id
        return Committed(existing, earlier)
    release = Release(
        app_id=call.app.id,
        version=user_version,
        description=description,
        uploader_id=None,
        source_sha256=source.source_sha256,
        bundles=bundles,
    )
    session.add(release)
    await session.flush()
    row = Commit(
        provider_id=call.provider.id,
        app_id=call.app.id,
        release_id=release.id,
        template_id=template.id,
        code_sha256=code,
        ext_json=ext_json,
    )
    session.add(row)
    call.app.trial_release_id = release.id
    await session.flush()
    await record(
        session,
        call.app.id,
        None,
        "provider.commit",
        component_appid=call.provider.component_appid,
        template_id=template.id,
        release_id=release.id,
        version=user_version,
    )
    return Committed(release, row)


async def commit_of(session: AsyncSession, release_id: int) -> Commit | None:
    return await session.scalar(select(Commit).where(Commit.release_id == release_id))


async def latest_commit(session: AsyncSession, app: App) -> Commit | None:
    return await session.scalar(
        select(Commit).where(Commit.app_id == app.id).order_by(Commit.id.desc()).limit(1)
    )


async def trial_pages(session: AsyncSession, store: BlobStore, app: App) -> list[str]:
    """get_page: the pages of the app's trial version (its last commit), as its config lists them."""
    trial = await session.get(Release, app.trial_release_id) if app.trial_release_id else None
    entry = trial.bundles.get(APP_CONFIG) if trial is not None else None
    data = store.get(entry["sha256"]) if entry else None
    if data is None:
        raise WxError(86000, "no code has been committed for this app")
    pages = json.loads(data).get("pages", [])
    return [str(page) for page in pages if isinstance(page, str)]
