"""The W3C MiniApp container (``.ma``, ``application/miniapp-pkg+zip``): the source, a manifest, a signature.

The platform compiles what it receives (BRIEF decision 3), so the package carries the mini program's
source files as they are, after the compiler has checked that they build, plus:

- ``manifest.json`` with the current W3C member names (``app_id``, ``version.{name,code}``,
  ``platform_version.{min_code,...}``, ``pages``, ``window`` in snake_case, ``icons``) and a ``hutong``
  extension object (subpackages, entry page, tabBar, the WeChat-format marker);
- ``app.css``, which the W3C layout requires: the compiled ``app.wxss``.

WeChat's size limits hold per package (2 MB each, main and every subpackage) and in all (30 MB). The
ZIP is byte-reproducible (sorted entries, fixed times and attributes) and signed (``signing.py``).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

import hutong
from hutong.compiler.bundle import BuildResult
from hutong.compiler.errors import CompileError
from hutong.compiler.project import Project
from hutong.compiler.signing import sign

MEDIA_TYPE = "application/miniapp-pkg+zip"
PACKAGE_LIMIT = 2 * 1024 * 1024
TOTAL_LIMIT = 30 * 1024 * 1024
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_GENERATED = frozenset({"manifest.json", "app.css"})


@dataclass
class PackageInfo:
    app_id: str
    name: str
    version_name: str = "1.0.0"
    version_code: int = 1
    min_platform_code: int = 1


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _window(window: dict[str, Any]) -> dict[str, Any]:
    renamed = {"pageOrientation": "orientation"}
    return {renamed.get(key) or _snake(key): value for key, value in sorted(window.items())}


def source_files(project: Project) -> list[str]:
    """The files that travel in the package: the project's files (``packOptions.ignore`` and cloud
    function folders are already out of ``file_list``) but hidden ones and those we generate."""
    return [
        path
        for path in project.file_list
        if not any(part.startswith(".") for part in path.split("/")) and path not in _GENERATED
    ]


def check_sizes(project: Project, sizes: dict[str, int]) -> None:
    """WeChat's limits: 2 MB per package, 30 MB in all; the error lists the largest files."""
    per_package: dict[str, list[tuple[int, str]]] = {package.root: [] for package in project.packages}
    for path, size in sizes.items():
        per_package[project.package_of(path).root].append((size, path))

    def largest(entries: list[tuple[int, str]]) -> str:
        top = sorted(entries, key=lambda entry: (-entry[0], entry[1]))[:5]
        return "; largest files: " + ", ".join(f"{path} ({size / 1024:.0f} KB)" for size, path in top)

    for root, entries in sorted(per_package.items()):
        total = sum(size for size, _ in entries)
        if total > PACKAGE_LIMIT:
            name = "the main package" if not root else f"subpackage {root!r}"
            raise CompileError(
                f"{name} is {total / 1048576:.2f} MB, over the 2 MB limit per package" + largest(entries)
            )
    everything = [entry for entries in per_package.values() for entry in entries]
    total = sum(size for size, _ in everything)
    if total > TOTAL_LIMIT:
        raise CompileError(f"the app is {total / 1048576:.2f} MB, over the 30 MB limit" + largest(everything))


def manifest(build: BuildResult, info: PackageInfo) -> dict[str, Any]:
    config = build.config
    project = build.project
    assert project is not None
    return {
        "app_id": info.app_id,
        "name": info.name,
        "version": {"name": info.version_name, "code": info.version_code},
        "platform_version": {
            "min_code": info.min_platform_code,
            "target_code": info.min_platform_code,
            "release_type": "release",
        },
        "pages": config["pages"],
        "window": _window(config["window"]),
        "icons": [],
        "hutong": {
            "format": 1,
            "source": "wechat",
            "compiler": hutong.__version__,
            "entry_page": config["entryPagePath"],
            "subpackages": [
                {"root": p.root, "name": p.name, "pages": p.pages, "independent": p.independent}
                for p in project.packages[1:]
            ],
            "tab_bar": config.get("tabBar"),
        },
    }


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, entries[name], compresslevel=6)
    return buffer.getvalue()


def pack(build: BuildResult, info: PackageInfo, key: Ed25519PrivateKey) -> bytes:
    """The signed .ma for a successful build of ``build.project``."""
    project = build.project
    if project is None:
        raise ValueError("the build carries no project")
    files = source_files(project)
    sizes = {path: (project.root / path).stat().st_size for path in files}
    check_sizes(project, sizes)
    entries = {path: project.read_bytes(path) for path in files}
    entries["manifest.json"] = (
        json.dumps(manifest(build, info), ensure_ascii=False, sort_keys=True, indent=2) + "\n"
    ).encode()
    entries["app.css"] = build.app_css.encode()
    return sign(_zip(entries), key)
