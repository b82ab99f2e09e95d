"""WeChat's extended libraries (app.json ``useExtendedLib``): our own WeUI component library.

With ``"useExtendedLib": {"weui": true}`` an app names components as ``weui-miniprogram/dialog/dialog``
without shipping them, and may import ``weui-miniprogram/weui-wxss/dist/style/weui.wxss``. Hutong's
implementations live in ``hutong/extlib/weui`` (written for Hutong, API-compatible with
weui-miniprogram). They join the project as virtual files under ``__extlib__/weui-miniprogram/``: the
components an app uses and the style sheets, never counted in its package size nor packed with its
source, and compiled like the app's own components.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from hutong.compiler.project import Project

LIBRARY_DIR = Path(__file__).resolve().parent.parent / "extlib" / "weui"
WEUI_PREFIX = "weui-miniprogram/"
# Where the library's files sit among the project's files (a folder no app can ship: see project.py).
VIRTUAL_ROOT = "__extlib__/weui-miniprogram"
STYLE_FOLDER = "weui-wxss"
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


def component_name(request: str) -> str:
    """``weui-miniprogram/dialog/dialog`` -> ``dialog`` (the first folder after the prefix)."""
    return request.strip().strip("/").removeprefix(WEUI_PREFIX).split("/")[0]


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
    parts = request.strip().strip("/").removesuffix(".json").split("/")
    if name not in supported_components() or parts[1:] not in ([name, name], [name, "index"], [name]):
        return None
    path = f"{VIRTUAL_ROOT}/{name}/{name}"
    if not project.exists(f"{path}.json"):
        load_styles(project)
        _load_folder(project, name)
    return path


def style_alias(specifier: str) -> str | None:
    """The virtual sheet an app's ``@import "weui-miniprogram/..."`` names."""
    cleaned = specifier.split("?")[0].strip().lstrip("/")
    if not cleaned.startswith(WEUI_PREFIX):
        return None
    return f"{VIRTUAL_ROOT}/{cleaned.removeprefix(WEUI_PREFIX)}"
