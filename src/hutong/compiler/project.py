"""Load a WeChat-format mini program project: its root, app.json, packages, pages and their configs.

The loader checks what WeChat checks when it packs an app (pages exist, subpackage roots are not
nested, tabBar pages live in the main package) and reports each problem at its place in app.json.
Custom components are resolved by ``components.resolve_components`` once the pages are known.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hutong.compiler.components import resolve_components
from hutong.compiler.errors import CompileError
from hutong.compiler.jsonfile import JsonFile, parse_json, read_json_file

# app.json fields WeChat documents; any other is kept in the config with a warning.
APP_FIELDS = frozenset(
    [
        "entryPagePath",
        "pages",
        "window",
        "tabBar",
        "networkTimeout",
        "debug",
        "functionalPages",
        "subpackages",
        "subPackages",
        "workers",
        "requiredBackgroundModes",
        "requiredPrivateInfos",
        "plugins",
        "preloadRule",
        "resizable",
        "usingComponents",
        "permission",
        "sitemapLocation",
        "style",
        "useExtendedLib",
        "entranceDeclare",
        "darkmode",
        "themeLocation",
        "lazyCodeLoading",
        "singlePage",
        "embeddedAppIdList",
        "halfPage",
        "debugOptions",
        "enablePassiveEvent",
        "resolveAlias",
        "renderer",
        "rendererOptions",
        "componentFramework",
        "convertRpxToVw",
        "chatTools",
        "supportedMaterials",
        "serviceProviderTicket",
        "miniApp",
        "static",
        "componentPlaceholder",
        "navigateToMiniProgramAppIdList",
        "restartStrategy",
        "appBar",
        "manualSplashScreen",
    ]
)
# Folders that never hold mini program files.
# ``__extlib__`` is where extended libraries' files appear (extlib.py): an app's own is not read.
_SKIPPED_DIRS = frozenset(
    {"node_modules", ".git", ".svn", ".hg", ".idea", ".vscode", "__pycache__", "__extlib__"}
)


@dataclass
class Package:
    """The main package (root "") or one subpackage."""

    root: str
    name: str
    pages: list[str]
    independent: bool = False
    entry: str | None = None

    @property
    def is_main(self) -> bool:
        return self.root == ""


@dataclass
class Project:
    """A mini program's source tree, rooted where app.json lives."""

    root: Path
    app: JsonFile
    pages: list[str]
    packages: list[Package]
    file_list: list[str]
    page_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    page_files: dict[str, JsonFile] = field(default_factory=dict)
    # Custom components reachable from the pages: path (no extension) -> its .json
    component_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # For each page and component path: tag -> resolved component path (usingComponents, globals included)
    using: dict[str, dict[str, str]] = field(default_factory=dict)
    # app.json's usingComponents, resolved: usable in every page and component
    global_using: dict[str, str] = field(default_factory=dict)
    # componentGenerics (abstract nodes): component path -> generic tag -> its default component path
    # ("" when it has none); the component using it chooses with `generic:tag="some-component"`
    generics: dict[str, dict[str, str]] = field(default_factory=dict)
    # Platform plugins' tags (components.PLATFORM_PLUGINS): page, component or "app.json" -> tag ->
    # the element the runtime draws for it
    plugin_tags: dict[str, dict[str, str]] = field(default_factory=dict)
    theme: dict[str, dict[str, Any]] | None = None
    theme_file: JsonFile | None = None
    project_config: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Files an extended library adds (extlib.py): compiled with the app's, never packed with its source.
    virtual: dict[str, bytes] = field(default_factory=dict)
    _file_set: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._file_set = frozenset(self.file_list)

    @property
    def app_config(self) -> dict[str, Any]:
        config: dict[str, Any] = self.app.data
        return config

    def read_text(self, relative: str) -> str:
        # Universal newlines, as a file opened in text mode reads.
        return self.read_bytes(relative).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")

    def read_bytes(self, relative: str) -> bytes:
        if relative in self.virtual:
            return self.virtual[relative]
        return (self.root / relative).read_bytes()

    def exists(self, relative: str) -> bool:
        return relative in self._file_set or relative in self.virtual

    def files(self, suffix: str) -> list[str]:
        """Every file with ``suffix`` (the app's and the extended libraries'), as sorted POSIX paths."""
        paths = [path for path in self.file_list if path.endswith(suffix)]
        paths.extend(path for path in self.virtual if path.endswith(suffix))
        return sorted(paths)

    def add_virtual(self, relative: str, data: bytes) -> None:
        self.virtual[relative] = data

    def json_file(self, relative: str) -> JsonFile:
        """A project JSON file (the app's or an extended library's) that knows where its values are."""
        if relative in self.virtual:
            return parse_json(self.virtual[relative].decode("utf-8"), relative)
        return read_json_file(self.root / relative, relative)

    def package_of(self, path: str) -> Package:
        """The package a file or page belongs to: the subpackage whose root holds it, else the main one."""
        for package in self.packages[1:]:
            if path == package.root or path.startswith(package.root + "/"):
                return package
        return self.packages[0]

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)


def _excluded(project_dir: Path, root: Path, config: dict[str, Any]) -> tuple[set[str], set[str]]:
    """Folders and files (relative to ``root``) that are not part of the mini program: the cloud
    functions and plugin folders project.config.json names, and its ``packOptions.ignore`` rules."""
    folders: set[str] = set()
    files: set[str] = set()
    for key in ("cloudfunctionRoot", "cloudbaseRoot", "pluginRoot", "cloudcontainerRoot"):
        value = config.get(key)
        if isinstance(value, str) and value.strip("./"):
            with contextlib.suppress(ValueError):  # a folder outside the mini program root: nothing to do
                folders.add((project_dir / value).resolve().relative_to(root).as_posix())
    options = config.get("packOptions")
    rules = options.get("ignore") if isinstance(options, dict) else None
    for rule in rules if isinstance(rules, list) else []:
        if isinstance(rule, dict) and isinstance(rule.get("value"), str):
            value = rule["value"].strip().strip("/").removeprefix("./")
            if rule.get("type") == "folder":
                folders.add(value)
            elif rule.get("type") == "file":
                files.add(value)
    return folders, files


def list_files(
    root: Path, skip_folders: set[str] | None = None, skip_files: set[str] | None = None
) -> list[str]:
    """Every file under ``root`` (skipping tool and VCS folders), sorted, as POSIX relative paths."""
    skip_folders = skip_folders or set()
    skip_files = skip_files or set()
    found: list[str] = []
    for directory, dirs, files in os.walk(root):
        relative = Path(directory).relative_to(root).as_posix()
        prefix = "" if relative == "." else relative + "/"
        dirs[:] = [name for name in dirs if name not in _SKIPPED_DIRS and prefix + name not in skip_folders]
        found.extend(prefix + name for name in files if prefix + name not in skip_files)
    return sorted(found)


def find_root(directory: Path) -> tuple[Path, dict[str, Any]]:
    """The mini program root (project.config.json's miniprogramRoot, else ``directory``) and that config."""
    directory = directory.resolve()
    config_file = directory / "project.config.json"
    project_config: dict[str, Any] = {}
    root = directory
    if config_file.is_file():
        parsed = read_json_file(config_file, "project.config.json")
        if not isinstance(parsed.data, dict):
            raise parsed.error("project.config.json must hold a JSON object")
        project_config = parsed.data
        miniprogram_root = project_config.get("miniprogramRoot")
        if isinstance(miniprogram_root, str) and miniprogram_root.strip("./"):
            root = (directory / miniprogram_root).resolve()
            if not root.is_dir():
                raise parsed.error(f"miniprogramRoot {miniprogram_root!r} is not a folder", "miniprogramRoot")
    if not (root / "app.json").is_file():
        raise CompileError(f"app.json is missing: {root} is not a mini program root")
    return root, project_config


def _string_list(app: JsonFile, value: Any, *path: str | int) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise app.error(f'"{path[-1]}" must be a list of page paths', *path)
    return [item.strip().strip("/") for item in value]


def _read_packages(app: JsonFile, main_pages: list[str]) -> list[Package]:
    config = app.data
    packages = [Package(root="", name="__APP__", pages=main_pages)]
    key = "subpackages" if "subpackages" in config else "subPackages"
    items = config.get(key) or []
    if not isinstance(items, list):
        raise app.error(f'"{key}" must be a list', key)
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not isinstance(item.get("root"), str) or not item["root"].strip("/"):
            raise app.error('each subpackage needs a "root" folder', key, index)
        root = item["root"].strip().strip("/")
        pages = _string_list(app, item.get("pages", []), key, index, "pages")
        for other in packages[1:]:
            if root == other.root or root.startswith(other.root + "/") or other.root.startswith(root + "/"):
                raise app.error(
                    f"subpackage root {root!r} is nested with {other.root!r}: roots may not nest",
                    key,
                    index,
                    "root",
                )
        entry = item.get("entry")
        packages.append(
            Package(
                root=root,
                name=str(item.get("name") or root),
                pages=[f"{root}/{page}" for page in pages],
                independent=item.get("independent") is True,
                # The entry script is named relative to the subpackage root.
                entry=f"{root}/{entry.strip('/')}" if isinstance(entry, str) and entry.strip("/") else None,
            )
        )
    for index, page in enumerate(main_pages):
        for package in packages[1:]:
            if page.startswith(package.root + "/"):
                raise app.error(
                    f"page {page!r} is listed in pages but lies in subpackage {package.root!r}",
                    "pages",
                    index,
                )
    return packages


def _check_tab_bar(app: JsonFile, main_pages: list[str]) -> None:
    tab_bar = app.data.get("tabBar")
    if tab_bar is None:
        return
    if not isinstance(tab_bar, dict):
        raise app.error('"tabBar" must be an object', "tabBar")
    items = tab_bar.get("list")
    if not isinstance(items, list) or not 2 <= len(items) <= 5:
        raise app.error('"tabBar.list" must hold 2 to 5 items', "tabBar", "list")
    for index, item in enumerate(items):
        page = item.get("pagePath") if isinstance(item, dict) else None
        if not isinstance(page, str):
            raise app.error('each tabBar item needs a "pagePath"', "tabBar", "list", index)
        if page.strip("/") not in main_pages:
            raise app.error(
                f"tabBar page {page!r} must be a page of the main package",
                "tabBar",
                "list",
                index,
                "pagePath",
            )


def _read_theme(project: Project) -> None:
    app = project.app.data
    location = app.get("themeLocation")
    if not isinstance(location, str):
        if app.get("darkmode") is True:
            project.warn('app.json: "darkmode" is on but no "themeLocation" names theme.json')
        return
    path = location.strip("/")
    if not project.exists(path):
        raise project.app.error(f"themeLocation {location!r} is missing", "themeLocation")
    theme = read_json_file(project.root / path, path)
    if not isinstance(theme.data, dict) or not all(isinstance(v, dict) for v in theme.data.values()):
        raise theme.error("theme.json must map each theme (light, dark) to an object of variables")
    project.theme = theme.data
    project.theme_file = theme


def _read_page_config(project: Project, page: str, index: tuple[str | int, ...]) -> None:
    if not project.exists(f"{page}.wxml"):
        raise project.app.error(f"page {page!r} has no {page}.wxml", *index)
    config_path = f"{page}.json"
    if project.exists(config_path):
        parsed = read_json_file(project.root / config_path, config_path)
        if not isinstance(parsed.data, dict):
            raise parsed.error(f"{config_path} must hold a JSON object")
        project.page_configs[page] = parsed.data
        project.page_files[page] = parsed
    else:
        project.page_configs[page] = {}


def load_project(directory: Path) -> Project:
    """Find the mini program root and read app.json, its packages and every page's config."""
    root, project_config = find_root(directory)
    skip_folders, skip_files = _excluded(directory.resolve(), root, project_config)
    app = read_json_file(root / "app.json", "app.json")
    if not isinstance(app.data, dict):
        raise app.error("app.json must hold a JSON object")
    if "pages" not in app.data:
        raise app.error('app.json needs "pages": a non-empty list of page paths')
    main_pages = _string_list(app, app.data["pages"], "pages")
    packages = _read_packages(app, main_pages)
    if not main_pages and not any(p.pages for p in packages):
        raise app.error('app.json needs "pages": a non-empty list of page paths', "pages")
    all_pages = [page for package in packages for page in package.pages]
    project = Project(
        root=root,
        app=app,
        pages=all_pages,
        packages=packages,
        file_list=list_files(root, skip_folders, skip_files),
        project_config=project_config,
    )
    for key in sorted(app.data):
        if key not in APP_FIELDS:
            position = app.position(key)
            project.warn(f"{position}: unknown app.json field {key!r} kept as written")
    seen: set[str] = set()
    for package_index, package in enumerate(packages):
        for page_index, page in enumerate(package.pages):
            if page in seen:
                project.warn(f"app.json: page {page!r} is listed twice")
                continue
            seen.add(page)
            where: tuple[str | int, ...] = ("pages", page_index)
            if package_index:
                key = "subpackages" if "subpackages" in app.data else "subPackages"
                where = (key, package_index - 1, "pages", page_index)
            _read_page_config(project, page, where)
    project.pages = [page for page in dict.fromkeys(all_pages)]
    entry = app.data.get("entryPagePath")
    if entry is not None and (not isinstance(entry, str) or entry.strip("/") not in project.pages):
        raise app.error(f"entryPagePath {entry!r} is not one of the pages", "entryPagePath")
    _check_tab_bar(app, main_pages)
    _read_theme(project)
    resolve_components(project)
    return project
