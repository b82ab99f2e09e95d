"""Load a WeChat-format mini program project: its root, app.json, and the files of each page."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hutong.compiler.errors import CompileError, Position, position_at


@dataclass
class Project:
    """A mini program's source tree, rooted where app.json lives."""

    root: Path
    app_config: dict[str, Any]
    pages: list[str]
    page_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Custom components reachable from the pages: path (no extension) -> its .json
    component_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # For each page and component path: tag -> resolved component path (usingComponents, globals included)
    using: dict[str, dict[str, str]] = field(default_factory=dict)
    # app.json's usingComponents, resolved: usable in every page and component
    global_using: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def read_text(self, relative: str) -> str:
        return (self.root / relative).read_text(encoding="utf-8")

    def exists(self, relative: str) -> bool:
        return (self.root / relative).is_file()

    def files(self, suffix: str) -> list[str]:
        """Every file with ``suffix`` under the root, as sorted POSIX paths relative to it."""
        found = [
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob(f"*{suffix}")
            if path.is_file() and "node_modules" not in path.relative_to(self.root).parts
        ]
        return sorted(found)


def read_json(path: Path, display: str) -> Any:
    """Parse a JSON file, reporting a syntax error at its line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CompileError(f"{display} is missing") from None
    except UnicodeDecodeError as error:
        raise CompileError(f"{display} is not UTF-8 text: {error.reason}", Position(display, 1, 1)) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CompileError(
            f"invalid JSON: {error.msg}", position_at(text, error.pos, display), text
        ) from None


def load_project(directory: Path) -> Project:
    """Find the mini program root (project.config.json's miniprogramRoot) and read app.json."""
    directory = directory.resolve()
    root = directory
    config_file = directory / "project.config.json"
    if config_file.is_file():
        project_config = read_json(config_file, "project.config.json")
        if isinstance(project_config, dict) and isinstance(project_config.get("miniprogramRoot"), str):
            root = (directory / project_config["miniprogramRoot"]).resolve()
    if not (root / "app.json").is_file():
        raise CompileError(f"app.json is missing: {root} is not a mini program root")
    app_config = read_json(root / "app.json", "app.json")
    if not isinstance(app_config, dict):
        raise CompileError("app.json must hold a JSON object", Position("app.json", 1, 1))
    pages = app_config.get("pages")
    if not isinstance(pages, list) or not pages or not all(isinstance(page, str) for page in pages):
        raise CompileError(
            'app.json needs "pages": a non-empty list of page paths', Position("app.json", 1, 1)
        )
    project = Project(root=root, app_config=app_config, pages=[page.strip("/") for page in pages])
    for page in project.pages:
        if not project.exists(f"{page}.wxml"):
            raise CompileError(
                f"page {page!r} listed in app.json has no {page}.wxml", Position("app.json", 1, 1)
            )
        config_path = root / f"{page}.json"
        config = read_json(config_path, f"{page}.json") if config_path.is_file() else {}
        if not isinstance(config, dict):
            raise CompileError(f"{page}.json must hold a JSON object", Position(f"{page}.json", 1, 1))
        project.page_configs[page] = config
    _resolve_components(project)
    return project


def _resolve_component(project: Project, owner: str, request: str) -> str | None:
    """The component path (no extension) that ``request`` in ``owner``'s usingComponents names."""
    if request.startswith("plugin://"):
        return None
    if request.startswith("/"):
        base = request.strip("/")
    else:
        parts = owner.split("/")[:-1]
        for part in request.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part and part != ".":
                parts.append(part)
        base = "/".join(parts)
    for candidate in (base, f"{base}/index"):
        if project.exists(f"{candidate}.json") and project.exists(f"{candidate}.wxml"):
            return candidate
    return None


def _resolve_components(project: Project) -> None:
    """Follow usingComponents from app.json and every page, transitively through components."""
    global_using = project.app_config.get("usingComponents") or {}
    pending: list[tuple[str, dict[str, Any], str]] = [
        (page, config, f"{page}.json") for page, config in project.page_configs.items()
    ]
    seen: set[str] = set()
    resolved_globals: dict[str, str] = {}
    for tag, request in sorted(global_using.items()):
        path = _resolve_component(project, "app.json", str(request))
        if path is None:
            raise CompileError(
                f"usingComponents: component {tag!r} at {request!r} not found", Position("app.json", 1, 1)
            )
        resolved_globals[tag] = path
        pending.append((path, {}, f"{path}.json"))
    project.global_using = resolved_globals
    tab_bar = project.app_config.get("tabBar")
    if isinstance(tab_bar, dict) and tab_bar.get("custom") and project.exists("custom-tab-bar/index.wxml"):
        # The runtime mounts custom-tab-bar/index on every tab page: it is a component like any other.
        pending.append(("custom-tab-bar/index", {}, "custom-tab-bar/index.json"))
    while pending:
        owner, config, display = pending.pop()
        if owner in seen and owner in project.using:
            continue
        seen.add(owner)
        if owner not in project.page_configs:
            config = read_json(project.root / f"{owner}.json", f"{owner}.json")
            if not isinstance(config, dict):
                raise CompileError(f"{owner}.json must hold a JSON object", Position(f"{owner}.json", 1, 1))
            project.component_configs[owner] = config
        using = dict(resolved_globals)
        for tag, request in sorted((config.get("usingComponents") or {}).items()):
            path = _resolve_component(project, owner, str(request))
            if path is None:
                raise CompileError(
                    f"usingComponents: component {tag!r} at {request!r} not found", Position(display, 1, 1)
                )
            using[tag] = path
            if path not in seen:
                pending.append((path, {}, f"{path}.json"))
        project.using[owner] = using
