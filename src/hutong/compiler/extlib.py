"""WeChat's extended libraries (app.json ``useExtendedLib``): our own WeUI component library.

With ``"useExtendedLib": {"weui": true}`` an app names components as ``weui-miniprogram/dialog/dialog``
without shipping them, and may import ``weui-miniprogram/weui-wxss/dist/style/weui.wxss``. Hutong's
implementations live in ``hutong/extlib/weui`` (written for Hutong, API-compatible with
weui-miniprogram). They join the project as virtual files under ``__extlib__/weui-miniprogram/``: the
components an app uses and the style sheets, never counted in its package size nor packed with its
source, and compiled like the app's own components.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hutong.compiler.project import Project

LIBRARY_DIR = Path(__file__).resolve().parent.parent / "extlib" / "weui"
WEUI_PREFIX = "weui-miniprogram/"
# Where the library's files sit among the project's files (a folder no app can ship: see project.py).
VIRTUAL_ROOT = "__extlib__/weui-miniprogram"
STYLE_FOLDER = "weui-wxss"
# Behaviors the components share (required by relative path, so shipped beside them).
SHARED_FOLDER = "behaviors"
# The sheet WeChat applies app-wide when the library is on (apps may also @import it).
BASE_SHEET = f"{VIRTUAL_ROOT}/{STYLE_FOLDER}/dist/style/weui.wxss"


def weui_enabled(project: Project) -> bool:
    libraries = project.app_config.get("useExtendedLib")
    return isinstance(libraries, dict) and libraries.get("weui") is True


def supported_components() -> list[str]:
    """The weui-miniprogram components Hutong implements (folder names)."""
    return sorted(
        folder.name
        for folder in LIBRARY_DIR.iterdir()
        if folder.is_dir() and (folder / f"{folder.name}.json").is_file()
    )


def library_path(request: str) -> str | None:
    """What a request names inside the library (``dialog/dialog``), or None when it is not the
    library's. WeChat takes ``weui-miniprogram/...`` and the npm form ``/miniprogram_npm/weui-...``."""
    cleaned = request.split("?")[0].strip().lstrip("/").removeprefix("miniprogram_npm/")
    return cleaned.removeprefix(WEUI_PREFIX) if cleaned.startswith(WEUI_PREFIX) else None


def component_name(request: str) -> str:
    """``weui-miniprogram/dialog/dialog`` -> ``dialog`` (the first folder after the prefix)."""
    return (library_path(request) or "").split("/")[0]


def _load_folder(project: Project, folder: str) -> None:
    source = LIBRARY_DIR / folder
    for file in sorted(source.rglob("*")):
        if file.is_file():
            relative = file.relative_to(LIBRARY_DIR).as_posix()
            project.add_virtual(f"{VIRTUAL_ROOT}/{relative}", file.read_bytes())


def load_styles(project: Project) -> None:
    """Add the base style sheets (once)."""
    if not project.exists(BASE_SHEET):
        _load_folder(project, STYLE_FOLDER)


def load_component(project: Project, request: str) -> str | None:
    """The virtual component path for a ``weui-miniprogram/<name>/<name>`` request, its files added to
    ``project``; None when Hutong has no such component (the caller reports it)."""
    name = component_name(request)
    parts = (library_path(request) or "").strip("/").removesuffix(".json").split("/")
    if name not in supported_components() or parts not in ([name, name], [name, "index"], [name]):
        return None
    path = f"{VIRTUAL_ROOT}/{name}/{name}"
    if not project.exists(f"{path}.json"):
        load_styles(project)
        if not project.exists(f"{VIRTUAL_ROOT}/{SHARED_FOLDER}/popup.js"):
            _load_folder(project, SHARED_FOLDER)
        _load_folder(project, name)
    return path


def style_alias(specifier: str) -> str | None:
    """The virtual sheet an app's ``@import "weui-miniprogram/..."`` names."""
    inside = library_path(specifier)
    return f"{VIRTUAL_ROOT}/{inside}" if inside is not None else None


def npm_copy(project: Project) -> str | None:
    """A weui-miniprogram package the app ships in a miniprogram_npm folder, if any."""
    marker = "/miniprogram_npm/weui-miniprogram/"
    for path in project.file_list:
        at = f"/{path}".find(marker)
        if at >= 0:
            return path[: at + len(marker) - 2]
    return None


# Every component of weui-miniprogram 1.x, with what Hutong's implementation lacks ("" when nothing;
# None when Hutong has none). docs/compatibility.md is generated from this; a test keeps it equal to the
# folders of the library.
WEUI_COMPONENTS: dict[str, str | None] = {
    "actionsheet": "rootPortal is ignored (the sheet is fixed to the page)",
    "badge": "",
    "cell": "",
    "cells": "",
    "checkbox": "",
    "checkbox-group": "",
    "dialog": "rootPortal is ignored (the dialog is fixed to the page)",
    "form": "",
    "form-page": "",
    "gallery": "rootPortal is ignored (the viewer is fixed to the page)",
    "grids": "",
    "half-screen-dialog": "rootPortal is ignored (the dialog is fixed to the page)",
    "icon": "",
    "loading": "",
    "msg": "",
    "navigation-bar": "",
    "searchbar": "",
    "slideview": "",
    "tabbar": "",
    "toptips": "",
    "uploader": "",
}


def icon_names() -> list[str]:
    """The icon names mp-icon draws (the keys of icon/shapes.js)."""
    text = (LIBRARY_DIR / "icon" / "shapes.js").read_text(encoding="utf-8")
    body = text[text.index("export const SHAPES") :]
    return sorted(re.findall(r"^  '?([a-z0-9-]+)'?: \{", body, re.MULTILINE))


def style_classes() -> list[str]:
    """The weui-* classes the base sheet styles."""
    found: set[str] = set()
    for sheet in sorted((LIBRARY_DIR / STYLE_FOLDER).glob("*.wxss")):
        found.update(re.findall(r"\.(weui-[A-Za-z0-9_-]+)", sheet.read_text(encoding="utf-8")))
    return sorted(found)


def compat_section() -> list[str]:
    """docs/compatibility.md's section on the extended library."""
    names = icon_names()
    lines = [
        "## Extended library: WeUI",
        "",
        'With `"useExtendedLib": {"weui": true}` in app.json, `weui-miniprogram/<name>/<name>` in',
        "usingComponents names Hutong's own implementation of that component (same properties, defaults,",
        "slots, events and `ext-class` hooks; compiled into the app, never counted in its size). A",
        "component Hutong lacks is a compile error at its place in the page's json. Without",
        "`useExtendedLib` such paths are looked up like any other (and usually not found). The npm form",
        "`/miniprogram_npm/weui-miniprogram/...` names the library too when it is on.",
        "",
        "| component | status | what is missing |",
        "|---|---|---|",
    ]
    for name, note in WEUI_COMPONENTS.items():
        if note is None:
            lines.append(f"| `weui-miniprogram/{name}` | unsupported | compile error |")
            continue
        lines.append(f"| `weui-miniprogram/{name}` | {'partial' if note else 'supported'} | {note} |")
    lines += [
        "",
        f"mp-icon draws all {len(names)} of WeUI's icon names in both types with Hutong's own drawings;",
        "another name shows nothing and warns in the console.",
        "",
        "tabs, sticky, index-list, video-swiper, emoji and the like are separate npm packages",
        "(`@miniprogram-component-plus/...`), not part of this library: ship them in miniprogram_npm.",
        "",
        "The library's style sheet applies app-wide (as in WeChat); `@import",
        "'weui-miniprogram/weui-wxss/dist/style/weui.wxss'` is accepted and puts it where the import is.",
        'It is Hutong\'s own WeUI-like sheet; its colours are variables, so `data-weui-theme="dark"` on an',
        "element turns it and the components under it dark, as WeUI's does. It styles these classes:",
        "",
        ", ".join(f"`{name}`" for name in style_classes()),
        "",
    ]
    return lines
