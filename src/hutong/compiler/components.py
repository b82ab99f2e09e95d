"""Resolve ``usingComponents`` the way WeChat does, for app.json, every page and every component.

A request is root-absolute (``/components/card``), relative (``./card``, ``../card``), or else tried
relative to the owner first and then as a package in ``miniprogram_npm``, looked up from the owner's
folder upwards to the root. A path names a component when ``<path>.json`` and ``<path>.wxml`` exist,
else ``<path>/index``. A page or component may use only components of its own package and of the main
package (an independent subpackage only its own), unless the tag has a ``componentPlaceholder``; any
other use is a warning, and fails at run time while the other package is not loaded, as in WeChat.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from hutong.compiler.extlib import (
    WEUI_COMPONENTS,
    WEUI_PREFIX,
    component_name,
    library_path,
    load_component,
    load_styles,
    npm_copy,
    supported_components,
    weui_enabled,
)
from hutong.compiler.jsonfile import JsonFile
from hutong.compiler.paths import is_relative, join, npm_candidates, parent_dir

if TYPE_CHECKING:
    from hutong.compiler.project import Project

CUSTOM_TAB_BAR = "custom-tab-bar/index"


# What an abstract (componentGenerics) tag's component path is written as until the runtime knows
# which component the user chose: `generic:<tag>`.
GENERIC_PREFIX = "generic:"
# Plugins the platform itself provides, drawn by the runtime (not loaded from the app):
# (provider appid, component) -> the tag the page frame draws. In a WXML file's component map the
# tag's path is PLUGIN_PREFIX + that tag (bundle.py), and codegen draws the element, not a component.
PLUGIN_PREFIX = "plugin:"
PLATFORM_PLUGINS = {("wxf3f436ba9bd4be7b", "send-coupon"): "hutong-send-coupon"}


def package_main(project: Project, package_dir: str) -> str | None:
    """The ``main`` of ``package_dir/package.json``, if it names one."""
    path = f"{package_dir}/package.json"
    if not project.exists(path):
        return None
    try:
        main = json.loads(project.read_text(path)).get("main")
    except (ValueError, AttributeError, UnicodeDecodeError):
        return None
    return main if isinstance(main, str) else None


def _component_at(project: Project, base: str) -> str | None:
    base = base.removesuffix(".json").removesuffix(".wxml").removesuffix(".js")
    for candidate in (base, f"{base}/index"):
        if project.exists(f"{candidate}.json") and project.exists(f"{candidate}.wxml"):
            return candidate
    return None


def resolve_component(project: Project, owner: str, request: str) -> str | None:
    """The component path (no extension) that ``request`` in ``owner``'s usingComponents names."""
    request = request.strip()
    owner_dir = parent_dir(owner)
    if request.startswith("/") or is_relative(request):
        base = join(owner_dir, request)
        return _component_at(project, base) if base is not None else None
    relative = join(owner_dir, request)
    if relative is not None and (found := _component_at(project, relative)):
        return found
    for candidate in npm_candidates(owner_dir, request, lambda d: package_main(project, d)):
        if found := _component_at(project, candidate):
            return found
    return None


def _extended_library(project: Project, request: str) -> bool:
    """Whether ``request`` names a component of a library WeChat provides that Hutong does not (kbone)."""
    libraries = project.app_config.get("useExtendedLib")
    return isinstance(libraries, dict) and bool(libraries.get("kbone")) and request.startswith("kbone")


def _load_json(project: Project, path: str) -> JsonFile:
    parsed = project.json_file(f"{path}.json")
    if not isinstance(parsed.data, dict):
        raise parsed.error(f"{path}.json must hold a JSON object")
    return parsed


def _check_package(project: Project, owner: str, target: str, tag: str, config: JsonFile) -> None:
    """A page or component may use its own package's components and the main package's only."""
    placeholders = config.data.get("componentPlaceholder")
    if isinstance(placeholders, dict) and tag in placeholders:
        return
    mine = project.package_of(owner)
    theirs = project.package_of(target)
    if theirs is mine or (theirs.is_main and not mine.independent):
        return
    # WeChat builds this and fails only when the page is shown while the other package is not loaded
    # ("Component is not found in path"): so a warning here, and the runtime fails where WeChat does
    # (logic/component.js). With a componentPlaceholder the tag is WeChat's asynchronous use.
    where = "the main package" if theirs.is_main else f"subpackage {theirs.root!r}"
    project.warn(
        f"{config.position('usingComponents', tag)}: usingComponents: {tag!r} is {target!r} in {where}; "
        f"{owner!r} may use only its own package's"
        + ("" if mine.independent or mine.is_main else " and the main package's")
        + " components, so it is found only once that package has loaded "
        "(give it a componentPlaceholder)"
    )


def _platform_plugin(project: Project, request: str) -> str | None:
    """The runtime's tag for ``plugin://<alias>/<component>`` when app.json's ``plugins`` names the
    alias's provider as one the platform provides (the send-coupon plugin), else None."""
    if not request.startswith("plugin://"):
        return None
    alias, _, component = request.removeprefix("plugin://").partition("/")
    declared = project.app_config.get("plugins")
    spec = declared.get(alias) if isinstance(declared, dict) else None
    provider = spec.get("provider") if isinstance(spec, dict) else None
    return PLATFORM_PLUGINS.get((str(provider), component))


def _resolve_map(project: Project, owner: str, config: JsonFile, check: bool) -> dict[str, str]:
    using = config.data.get("usingComponents") or {}
    if not isinstance(using, dict):
        raise config.error('"usingComponents" must be an object', "usingComponents")
    resolved: dict[str, str] = {}
    for tag, request in sorted(using.items()):
        if not isinstance(request, str):
            raise config.error(f"usingComponents: {tag!r} must name a path", "usingComponents", tag)
        platform_tag = _platform_plugin(project, request)
        if platform_tag is not None:
            project.plugin_tags.setdefault(owner, {})[tag] = platform_tag
            continue
        if request.startswith("plugin://") or request.startswith("plugin-private://"):
            project.warn(f"{config.position('usingComponents', tag)}: plugin component {request!r} skipped")
            continue
        if weui_enabled(project) and library_path(request) is not None:
            # WeChat's extended library wins over any copy the app ships.
            path = load_component(project, request)
            if path is None:
                name = component_name(request)
                if name in supported_components():
                    problem = f"{WEUI_PREFIX}{library_path(request)} is not a file of the library"
                else:
                    unknown = "" if name in WEUI_COMPONENTS else " (nor is it one of WeChat's WeUI ones)"
                    problem = f"{WEUI_PREFIX}{name} is not supported by Hutong{unknown}"
                raise config.error(f"usingComponents: {tag!r}: {problem}", "usingComponents", tag)
            if check and project.package_of(owner).independent:
                raise config.error(
                    f"usingComponents: {tag!r}: extended library components are not available "
                    "in an independent subpackage in Hutong",
                    "usingComponents",
                    tag,
                )
            resolved[tag] = path
            continue
        path = resolve_component(project, owner, request)
        if path is None and _extended_library(project, request):
            position = config.position("usingComponents", tag)
            project.warn(f"{position}: {request!r} comes from an extended library (useExtendedLib); skipped")
            continue
        if path is None:
            raise config.error(
                f"usingComponents: component {tag!r} at {request!r} not found", "usingComponents", tag
            )
        if check:
            _check_package(project, owner, path, tag, config)
        resolved[tag] = path
    return resolved


def resolve_components(project: Project) -> None:
    """Follow usingComponents from app.json and every page, transitively through components."""
    if weui_enabled(project):
        load_styles(project)
        if copy := npm_copy(project):
            # WeChat's tools refuse both; Hutong builds, and the library wins.
            project.warn(
                f"app.json: useExtendedLib.weui is on and {copy} is in the app too: "
                "weui-miniprogram paths use the extended library"
            )
    project.global_using = _resolve_map(project, "app.json", project.app, check=False)
    pending: list[str] = list(project.global_using.values())
    tab_bar: Any = project.app_config.get("tabBar")
    if isinstance(tab_bar, dict) and tab_bar.get("custom") is True:
        found = _component_at(project, CUSTOM_TAB_BAR)
        if found is None:
            # WeChat then shows no tab bar at all; apps that draw their own rely on that.
            position = project.app.position("tabBar", "custom")
            project.warn(
                f'{position}: custom tabBar without a "custom-tab-bar/index" component: none is shown'
            )
        else:
            pending.append(found)
    for page in project.pages:
        config = project.page_files.get(page) or JsonFile(f"{page}.json", "{}", {})
        local = _resolve_map(project, page, config, check=True)
        project.using[page] = {**project.global_using, **local}
        pending.extend(local.values())
    while pending:
        path = pending.pop()
        if path in project.component_configs:
            continue
        config = _load_json(project, path)
        project.component_configs[path] = config.data
        local = _resolve_map(project, path, config, check=True)
        project.using[path] = {**project.global_using, **local}
        pending.extend(target for target in local.values() if target not in project.component_configs)
        generics = _resolve_generics(project, path, config)
        if generics:
            project.generics[path] = generics
            pending.extend(target for target in generics.values() if target)


def _resolve_generics(project: Project, owner: str, config: JsonFile) -> dict[str, str]:
    """componentGenerics: each abstract tag and the path of its default component ("" for none)."""
    declared = config.data.get("componentGenerics") or {}
    if not isinstance(declared, dict):
        raise config.error('"componentGenerics" must be an object', "componentGenerics")
    generics: dict[str, str] = {}
    for tag, spec in sorted(declared.items()):
        default = spec.get("default") if isinstance(spec, dict) else None
        if not isinstance(default, str):
            generics[tag] = ""
            continue
        path = resolve_component(project, owner, default)
        if path is None:
            raise config.error(
                f"componentGenerics: default of {tag!r} at {default!r} not found",
                "componentGenerics",
                tag,
            )
        _check_package(project, owner, path, tag, config)
        generics[tag] = path
    return generics
