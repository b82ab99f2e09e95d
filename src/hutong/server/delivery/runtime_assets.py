"""The base library and the host shell as versioned, immutable assets, held in memory.

Every file under ``runtime/`` (and the shell under ``shell/``) is read once when the app is made. The
version is a hash of all of them, so ``/_rt/<version>/…`` never changes meaning and is served with a
year's cache: the browser and a CDN keep it, and a new release of Hutong gets new URLs. The plain
``/_rt/…`` addresses still work (revalidated every time) for pages that name files directly.

The static ES-module import graph is read here too, so pages can preload a whole module graph at once
(``<link rel="modulepreload">``) instead of discovering it one level of imports per round trip. Only
top-level ``import``/``export … from`` statements at the start of a line count: that is how the
runtime is written, and tests/test_runtime_assets.py checks every module's imports resolve.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import mimetypes
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from hutong.runtime import RUNTIME_DIR

SHELL_DIR = Path(__file__).resolve().parent.parent.parent / "shell"
# The shell's files live beside the runtime's, so its modules import the runtime by relative paths and
# both carry the same version.
SHELL_PREFIX = "shell/"
VERSION_LENGTH = 16
SERVED_SUFFIXES = {".js", ".css", ".html", ".json", ".svg", ".png", ".woff2"}
_STATIC_IMPORT = re.compile(r"""^(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])(?P<a>[^'"]+)\1""", re.M)
_BARE_IMPORT = re.compile(r"""^import\s*(['"])(?P<a>[^'"]+)\1""", re.M)


@dataclass(frozen=True)
class Asset:
    path: str
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


@dataclass
class RuntimeAssets:
    version: str
    files: dict[str, Asset]
    imports: dict[str, list[str]] = field(default_factory=dict)
    # The host page (shell/index.html with versioned URLs and its module graph preloaded).
    shell_html: str = ""
    # The shell's service worker, served at /sw.js (its scope is the whole site).
    service_worker: bytes = b""

    @property
    def base(self) -> str:
        """The versioned root every page should use: ``/_rt/<version>/``."""
        return f"/_rt/{self.version}/"

    def module_graph(self, entry: str) -> list[str]:
        """Every module ``entry`` imports statically, directly or not, dependencies first."""
        order: list[str] = []
        seen: set[str] = set()

        def visit(path: str) -> None:
            if path in seen:
                return
            seen.add(path)
            for dependency in self.imports.get(path, []):
                visit(dependency)
            order.append(path)

        visit(entry)
        return order

    def preload_links(self, entry: str, base: str) -> str:
        """``<link rel="modulepreload">`` for ``entry``'s whole graph, URLs relative to ``base``."""
        return "\n".join(
            f'<link rel="modulepreload" href="{base}{path}" crossorigin="anonymous">'
            for path in self.module_graph(entry)
        )


def _asset(path: str, body: bytes) -> Asset:
    media_type = _media_type(path)
    compressible = media_type.startswith(("text/", "application/json", "image/svg"))
    gzipped = gzip.compress(body, 6, mtime=0) if compressible and len(body) > 1024 else None
    return Asset(path, body, gzipped, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def _head(html: str, extra: str) -> str:
    """``extra`` first in the head: before any script that reads it, and before anything it preloads."""
    anchor = '<meta charset="utf-8">\n' if '<meta charset="utf-8">\n' in html else "<head>\n"
    return html.replace(anchor, f"{anchor}{extra}\n", 1)


def _pages(assets: RuntimeAssets) -> None:
    """The frames' pages and the shell's, each naming its whole module graph up front."""
    view = assets.files["view/view.html"].body.decode()
    view = _head(view, assets.preload_links("view/frame.js", "../"))
    assets.files["view/view.html"] = _asset("view/view.html", view.encode())
    # A worker has no <link rel="modulepreload">: sandbox.js imports this list, dependencies first, in
    # one module, so every fetch starts at once and the modules evaluate in their usual order.
    sandbox = assets.files["logic/sandbox.html"].body.decode()
    graph = " ".join(assets.module_graph("logic/worker.js"))
    sandbox = _head(sandbox, f'<meta name="hutong-modules" content="{graph}">')
    assets.files["logic/sandbox.html"] = _asset("logic/sandbox.html", sandbox.encode())
    # The service worker names its runtime version: a new version is a new worker, which drops the old files.
    worker = assets.files.pop(f"{SHELL_PREFIX}sw.js").body
    assets.service_worker = f"const VERSION = {json.dumps(assets.version)};\n".encode() + worker
    # The shell page is served only at /, /miniapp/… and /s/…, with its policy (server/app.py).
    shell = assets.files.pop(f"{SHELL_PREFIX}index.html").body.decode().replace('"/_rt/', f'"{assets.base}')
    assets.shell_html = _head(shell, assets.preload_links(f"{SHELL_PREFIX}shell.js", assets.base))


def _media_type(path: str) -> str:
    if path.endswith(".js"):
        return "text/javascript; charset=utf-8"
    guessed = mimetypes.guess_type(path)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def static_imports(path: str, source: str) -> list[str]:
    """The runtime paths a module imports statically (relative and ``/_rt/`` specifiers)."""
    found: list[str] = []
    for pattern in (_STATIC_IMPORT, _BARE_IMPORT):
        for match in pattern.finditer(source):
            specifier = match.group("a")
            if specifier.startswith("/_rt/"):
                resolved = specifier.removeprefix("/_rt/")
            elif specifier.startswith("."):
                resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), specifier))
            else:
                continue
            if resolved not in found:
                found.append(resolved)
    return found


def _walk(root: Path, prefix: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for file in sorted(root.rglob("*")):
        if not file.is_file() or file.suffix not in SERVED_SUFFIXES or "__pycache__" in file.parts:
            continue
        files[prefix + file.relative_to(root).as_posix()] = file.read_bytes()
    return files


def load_runtime_assets(runtime_dir: Path = RUNTIME_DIR, shell_dir: Path = SHELL_DIR) -> RuntimeAssets:
    raw = _walk(runtime_dir, "") | _walk(shell_dir, SHELL_PREFIX)
    digest = hashlib.sha256()
    for path, body in sorted(raw.items()):
        digest.update(path.encode() + b"\0" + hashlib.sha256(body).digest())
    version = digest.hexdigest()[:VERSION_LENGTH]
    files: dict[str, Asset] = {}
    imports: dict[str, list[str]] = {}
    for path, body in raw.items():
        files[path] = _asset(path, body)
        if path.endswith(".js"):
            imports[path] = static_imports(path, body.decode("utf-8"))
    assets = RuntimeAssets(version, files, imports)
    _pages(assets)
    return assets


@functools.cache
def runtime_assets() -> RuntimeAssets:
    """This process's copy (read once: a test run makes many apps)."""
    return load_runtime_assets()
