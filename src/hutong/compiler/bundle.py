"""Assemble a compiled mini program: per package a logic and a view bundle, plus config and assets.

Output names: ``logic.js`` and ``view.js`` for the main package, ``<root>/logic.js`` and
``<root>/view.js`` for each subpackage, ``app-config.json`` (which package holds which page), and each
asset under its source path. The same input gives byte-identical output: files are visited in sorted
order and nothing depends on time or the machine. Pass a ``CompileCache`` to reuse per-file results.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from hutong.compiler.appconfig import runtime_config
from hutong.compiler.assets import collect_assets
from hutong.compiler.cache import CompileCache, Job
from hutong.compiler.components import GENERIC_PREFIX, PLUGIN_PREFIX
from hutong.compiler.errors import CompileError, Position
from hutong.compiler.extlib import BASE_SHEET, style_alias, weui_enabled
from hutong.compiler.project import Package, Project, load_project
from hutong.compiler.scripts import build_logic, decode_source
from hutong.compiler.wxml.codegen import WxmlCompiler
from hutong.compiler.wxss import StyleUnit, compile_unit, link_style

APP_CONFIG = "app-config.json"


@dataclass
class BuildResult:
    """Named output files; ``bundles`` maps each name to its SHA-256 and size."""

    files: dict[str, bytes]
    config: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    project: Project | None = None
    app_css: str = ""  # app.wxss compiled, imports inlined

    @property
    def bundles(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(self.files.items())
        }


def bundle_names(package: Package) -> tuple[str, str]:
    """The logic and view bundle names of a package."""
    prefix = f"{package.root}/" if package.root else ""
    return f"{prefix}logic.js", f"{prefix}view.js"


def _canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _reader(project: Project) -> Callable[[str], str | None]:
    """Read a root-relative source file; None when absent; a CompileError when it is not UTF-8."""

    def read(path: str) -> str | None:
        if not project.exists(path):
            return None
        return decode_source(project, path)[1]

    return read


def _templates(project: Project, package: Package) -> tuple[list[str], list[str], list[str]]:
    """The package's compiled WXML files, and the wxs modules they and the package's .wxs files need.

    WXML is not cached per file: a file's output depends on the templates it imports and includes.
    """
    wxml = WxmlCompiler(_reader(project))
    templates = []
    for path in project.files(".wxml"):
        if project.package_of(path) is not package:
            continue
        owner = path[: -len(".wxml")]
        using = project.using.get(owner, project.global_using)
        if owner in project.generics:
            # An abstract tag is a component chosen at run time (component.js, genericPath).
            using = {**using, **{tag: f"{GENERIC_PREFIX}{tag}" for tag in project.generics[owner]}}
        plugins = {**project.plugin_tags.get("app.json", {}), **project.plugin_tags.get(owner, {})}
        if plugins:
            using = {**using, **{tag: f"{PLUGIN_PREFIX}{element}" for tag, element in plugins.items()}}
        function = wxml.compile(path, using)
        templates.append(f"  {json.dumps(owner, ensure_ascii=False)}: {function}")
    for path in project.files(".wxs"):
        if project.package_of(path) is package:
            wxml.wxs_file(path)
    wxs = [f"  {json.dumps(key, ensure_ascii=False)}: {factory}" for key, factory in sorted(wxml.wxs.items())]
    return templates, wxs, wxml.warnings


def _styles(project: Project, package: Package, cache: CompileCache) -> dict[str, str]:
    def unit_of(path: str) -> StyleUnit:
        data, text = decode_source(project, path)
        unit = cache.get("wxss", path, data, partial(compile_unit, text, path))
        for warning in unit.warnings:
            project.warn(warning)
        return unit

    def check(importer: str, target: str, position: Position) -> None:
        mine, theirs = project.package_of(importer), project.package_of(target)
        if theirs is not mine and not (theirs.is_main and not mine.independent):
            raise CompileError(f"@import reaches {target!r} in another package", position)

    owners = [*project.pages, *project.component_configs]
    if package.is_main:
        owners.insert(0, "app")
    # Compile the package's own stylesheets together (in parallel when many); imports follow lazily.
    first = [f"{owner}.wxss" for owner in owners if project.exists(f"{owner}.wxss")]
    first = [path for path in first if path == "app.wxss" or project.package_of(path) is package]
    jobs = []
    for path in first:
        data, text = decode_source(project, path)
        jobs.append(Job("wxss", path, data, partial(compile_unit, text, path)))
    cache.get_all(jobs)
    alias = style_alias if weui_enabled(project) else None
    reached: set[str] = set()

    def check_and_note(importer: str, target: str, position: Position) -> None:
        check(importer, target, position)
        reached.add(target)

    styles = {}
    for owner in owners:
        path = f"{owner}.wxss"
        if project.exists(path) and (owner == "app" or project.package_of(owner) is package):
            reached.clear()
            styles[owner] = link_style(path, unit_of, project.exists, check_and_note, alias)
            if owner == "app" and weui_enabled(project) and BASE_SHEET not in reached:
                # WeChat applies the library's sheet app-wide; the import is optional.
                styles["app"] = link_style(BASE_SHEET, unit_of, project.exists) + styles["app"]
    if package.is_main and weui_enabled(project) and "app" not in styles:
        styles["app"] = link_style(BASE_SHEET, unit_of, project.exists)
    return styles


def _view_bundle(project: Project, package: Package, cache: CompileCache) -> tuple[str, dict[str, str]]:
    templates, wxs, warnings = _templates(project, package)
    for warning in warnings:
        project.warn(warning)
    styles = _styles(project, package, cache)
    code = (
        "/* hutong view bundle */\n__hutong_view({\n wxml: {\n"
        + ",\n".join(templates)
        + "\n },\n wxs: {\n"
        + ",\n".join(wxs)
        + "\n },\n wxss: "
        + json.dumps(styles, ensure_ascii=False, sort_keys=True, indent=1)
        + "\n});\n"
    )
    return code, styles


def build(project: Project, cache: CompileCache | None = None) -> BuildResult:
    """Compile a loaded project."""
    cache = cache or CompileCache()
    logic = build_logic(project, cache)
    config = runtime_config(project)
    files: dict[str, bytes] = {}
    packages = []
    app_css = ""
    for package in project.packages:
        logic_name, view_name = bundle_names(package)
        files[logic_name] = logic[package.root].code.encode()
        view, styles = _view_bundle(project, package, cache)
        files[view_name] = view.encode()
        app_css = styles.get("app", app_css)
        entry: dict[str, Any] = {
            "root": package.root,
            "name": package.name,
            "pages": package.pages,
            "independent": package.independent,
            "logic": logic_name,
            "view": view_name,
            "lineMap": logic[package.root].line_map,
        }
        if package.entry:
            entry["entry"] = package.entry
        packages.append(entry)
    assets = {}
    for path, kind in collect_assets(project).items():
        data = project.read_bytes(path)
        files[path] = data
        assets[path] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "type": kind}
    config["packages"] = packages
    config["assets"] = assets
    config["lineMap"] = logic[""].line_map
    files[APP_CONFIG] = _canonical_json(config)
    return BuildResult(
        files=files, config=config, warnings=list(project.warnings), project=project, app_css=app_css
    )


def build_project(directory: Path, cache: CompileCache | None = None) -> BuildResult:
    """Compile the mini program in ``directory``; raises CompileError with the exact place on bad input."""
    return build(load_project(directory), cache)
