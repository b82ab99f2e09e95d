"""Assemble a compiled mini program: logic and view bundles plus config, content-addressed.

The same input gives byte-identical output: files are visited in sorted order and nothing depends on
time or the machine.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hutong.compiler.errors import CompileError, Position
from hutong.compiler.project import Project, load_project
from hutong.compiler.scripts import build_logic
from hutong.compiler.wxml.codegen import WxmlCompiler
from hutong.compiler.wxss import compile_wxss

_WINDOW_KEYS_DEFAULTS: dict[str, Any] = {
    "navigationBarBackgroundColor": "#000000",
    "navigationBarTextStyle": "white",
    "navigationBarTitleText": "",
    "navigationStyle": "default",
    "backgroundColor": "#ffffff",
    "backgroundTextStyle": "dark",
    "enablePullDownRefresh": False,
    "onReachBottomDistance": 50,
}


@dataclass
class BuildResult:
    """Named output files; ``bundles`` maps each name to its SHA-256 and size."""

    files: dict[str, bytes]
    config: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    @property
    def bundles(self) -> dict[str, dict[str, Any]]:
        return {
            name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for name, data in sorted(self.files.items())
        }


def _runtime_config(project: Project) -> dict[str, Any]:
    app = project.app_config
    window = {**_WINDOW_KEYS_DEFAULTS, **(app.get("window") or {})}
    pages = {}
    for page in project.pages:
        page_config = project.page_configs.get(page, {})
        pages[page] = {
            "window": {**window, **{k: v for k, v in page_config.items() if k != "usingComponents"}},
            "usingComponents": project.using.get(page, {}),
        }
    components = {
        path: {**config, "usingComponents": project.using.get(path, {})}
        for path, config in sorted(project.component_configs.items())
    }
    return {
        "pages": project.pages,
        "entryPagePath": app.get("entryPagePath") or project.pages[0],
        "window": window,
        "tabBar": app.get("tabBar"),
        "networkTimeout": app.get("networkTimeout") or {},
        "pageConfigs": pages,
        "components": components,
    }


def _canonical_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _reader(project: Project) -> Callable[[str], str | None]:
    """Read a root-relative source file; None when absent; a CompileError when it is not UTF-8."""

    def read(path: str) -> str | None:
        if not project.exists(path):
            return None
        try:
            return project.read_text(path)
        except UnicodeDecodeError as error:
            raise CompileError(f"{path} is not UTF-8 text: {error.reason}", Position(path, 1, 1)) from None

    return read


def build_project(directory: Path) -> BuildResult:
    """Compile the mini program in ``directory``; raises CompileError with the exact place on bad input."""
    project = load_project(directory)
    logic = build_logic(project)
    wxml = WxmlCompiler(_reader(project))
    templates = []
    for path in project.files(".wxml"):
        owner = path[: -len(".wxml")]
        function = wxml.compile(path, project.using.get(owner, project.global_using))
        templates.append(f"  {json.dumps(owner, ensure_ascii=False)}: {function}")
    for path in project.files(".wxs"):
        wxml.wxs_file(path)
    wxs = [f"  {json.dumps(key, ensure_ascii=False)}: {factory}" for key, factory in sorted(wxml.wxs.items())]
    styles = {path[: -len(".wxss")]: compile_wxss(project.read_text(path)) for path in project.files(".wxss")}
    view = (
        "/* hutong view bundle */\n__hutong_view({\n wxml: {\n"
        + ",\n".join(templates)
        + "\n },\n wxs: {\n"
        + ",\n".join(wxs)
        + "\n },\n wxss: "
        + json.dumps(styles, ensure_ascii=False, sort_keys=True, indent=1)
        + "\n});\n"
    )
    config = _runtime_config(project)
    config["lineMap"] = logic.line_map
    files = {
        "logic.js": logic.code.encode(),
        "view.js": view.encode(),
        "app-config.json": _canonical_json(config),
    }
    return BuildResult(files=files, config=config, warnings=project.warnings + wxml.warnings)
