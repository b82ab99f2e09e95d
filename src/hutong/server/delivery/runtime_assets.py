"""The base library and the host shell as versioned, immutable assets, held in memory.

Every file under ``runtime/`` (and the shell under ``shell/``) is read once when the app is made. The
version is a hash of all of them, so ``/_rt/<version>/…`` never changes meaning and is served with a
year's cache: the browser and a CDN keep it, and a new release of Hutong gets new URLs. The plain
``/_rt/…`` addresses still work (revalidated every time) for pages that name files directly.

The static ES-module import graph is read here too, and each context's graph (the shell, the page frame,
the logic thread) is served as one script (runtime_bundle.py) instead of module by module. Only
top-level ``import``/``export … from`` statements at the start of a line count: that is how the
runtime is written, and tests/test_runtime_assets.py checks every module's imports resolve.
"""

from __future__ import annotations

import base64
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
from hutong.server.delivery.runtime_bundle import bundle

SHELL_DIR = Path(__file__).resolve().parent.parent.parent / "shell"
# The shell's files live beside the runtime's, so its modules import the runtime by relative paths and
# both carry the same version.
SHELL_PREFIX = "shell/"
VERSION_LENGTH = 16
SERVED_SUFFIXES = {".js", ".css", ".html", ".json", ".svg", ".png", ".woff2"}
_STATIC_IMPORT = re.compile(r"""^(?:import|export)\b[^'"`;]*?\bfrom\s*(['"])(?P<a>[^'"]+)\1""", re.M)
_BARE_IMPORT = re.compile(r"""^import\s*(['"])(?P<a>[^'"]+)\1""", re.M)
_DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*(['"])(?P<a>\.{1,2}/[^'"]+)\1\s*\)""")
# Each sandboxed frame's runtime as one script (runtime_bundle.py), from its entry module. The frames'
# pages carry only a small first script (by hash): a browser caches nothing for an opaque origin, so
# the host page, which has these files cached, hands the frames their bytes (shell/feed.js).
PACKS = {"view/bundle.js": "view/frame.js", "logic/bundle.js": "logic/worker.js"}
# Per frame page, the file whose text becomes its one inline script.
FRAME_BOOTS = {"view/view.html": "view/boot.js", "logic/sandbox.html": "logic/sandbox.js"}
SHELL_BUNDLE = f"{SHELL_PREFIX}bundle.js"


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
    # Per module, the runtime modules it imports with a literal import(), later if ever.
    dynamic_imports: dict[str, list[str]] = field(default_factory=dict)
    # The host page (shell/index.html with versioned URLs, running the shell's bundle).
    shell_html: str = ""
    # The shell's service worker, served at /sw.js (its scope is the whole site).
    service_worker: bytes = b""
    # Per frame page, the CSP sources allowing its inline scripts by their hashes: its boot, and for the
    # page frame the runtime it is handed and runs inline.
    inline_scripts: dict[str, str] = field(default_factory=dict)

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

    def bundle_graph(self, entry: str) -> list[str]:
        """``entry``'s static graph, dependencies first, and the modules it imports later with a literal
        ``import()`` that import others (with their own graphs): bundled, they share its instances."""
        order = self.module_graph(entry)
        seen = set(order)
        pending = list(order)
        while pending:
            path = pending.pop()
            for target in self.dynamic_imports.get(path, []):
                if target in seen or not self.imports.get(target):
                    continue
                added = [module for module in self.module_graph(target) if module not in seen]
                seen.update(added)
                order += added
                pending += added
        return order

    def bundle(self, entry: str, base: str, expose: bool = False) -> str:
        """``entry``'s graph as one classic script (runtime_bundle.py); ``base`` is the JavaScript
        expression of the runtime's base URL where it runs."""
        return bundle(
            entry,
            self.bundle_graph(entry),
            lambda path: self.files[path].body.decode("utf-8"),
            _resolve,
            base,
            expose,
        )


def _asset(path: str, body: bytes) -> Asset:
    media_type = _media_type(path)
    compressible = media_type.startswith(("text/", "application/json", "image/svg"))
    gzipped = gzip.compress(body, 6, mtime=0) if compressible and len(body) > 1024 else None
    return Asset(path, body, gzipped, media_type, f'"{hashlib.sha256(body).hexdigest()[:32]}"')


def _pages(assets: RuntimeAssets) -> None:
    """The frames' runtimes and pages, and the shell's page naming its own bundle."""
    bases = {
        "view/bundle.js": "new URL('../', location.href).href",
        # The worker (started from a data: URL, so no address of its own) is told its base by sandbox.js.
        "logic/bundle.js": "self.__hutongRuntimeBase",
    }
    runtimes = {path: assets.bundle(entry, bases[path], expose=True) for path, entry in PACKS.items()}
    for path, runtime in runtimes.items():
        assets.files[path] = _asset(path, runtime.encode())
    css = assets.files["view/builtins.css"].body.decode()
    for path, boot in FRAME_BOOTS.items():
        script = _inline(assets.files[boot].body.decode())
        html = assets.files[path].body.decode()
        html = _splice(html, r"<script\b[^>]*></script>", f"<script>{script}</script>")
        # WeChat's default styles in the page too: a stylesheet would be one more uncached request.
        style = f'<style id="hutong-builtins">{css}</style>'
        html = _splice(html, r'<link id="hutong-builtins"[^>]*>', style)
        assets.files[path] = _asset(path, html.encode())
        assets.inline_scripts[path] = _hash_source(script)
    # The page frame runs the runtime it is handed as an inline script: its page allows that text too.
    assets.inline_scripts["view/view.html"] += " " + _hash_source(runtimes["view/bundle.js"])
    # The service worker names its runtime version: a new version is a new worker, which drops the old files.
    worker_script = assets.files.pop(f"{SHELL_PREFIX}sw.js").body
    assets.service_worker = f"const VERSION = {json.dumps(assets.version)};\n".encode() + worker_script
    # The shell's modules as one script, beside them.
    shell_bundle = assets.bundle(f"{SHELL_PREFIX}shell.js", "new URL('../', document.currentScript.src).href")
    assets.files[SHELL_BUNDLE] = _asset(SHELL_BUNDLE, shell_bundle.encode())
    # The shell page is served only at /, /miniapp/… and /s/…, with its policy (server/app.py).
    shell = assets.files.pop(f"{SHELL_PREFIX}index.html").body.decode()
    # It runs as soon as it is loaded, at the end of <main>, all the page it needs parsed: a `/?open=`
    # page's launch (shell_page.py) comes after it, when the database has answered, and the host waits
    # for it there (host/integrity.js) while the shell has already started. Preloaded from the head.
    module = f'<script type="module" src="/_rt/{SHELL_PREFIX}shell.js"></script>'
    if module not in shell or "</main>" not in shell:
        raise ValueError("shell/index.html must load shell/shell.js and end its page in </main>")
    # Then the frames' runtime feeder, before the style sheets (which would hold an inline script back),
    # so it listens before the page's own frames start.
    preload = f'<link rel="preload" as="script" id="hutong-shell-bundle" href="/_rt/{SHELL_BUNDLE}">'
    shell = shell.replace(module, f"{preload}\n<script>{shell_feed_script()}</script>")
    shell = shell.replace("</main>", f'<script src="/_rt/{SHELL_BUNDLE}"></script>\n</main>', 1)
    assets.shell_html = shell.replace('"/_rt/', f'"{assets.base}')


@functools.cache
def shell_feed_script() -> str:
    """The shell page's one inline script (shell/feed.js), as it stands in the page."""
    return _inline((SHELL_DIR / "feed.js").read_text("utf-8"))


def shell_script_source() -> str:
    """The CSP source allowing the shell page's one inline script, by its hash."""
    return _hash_source(shell_feed_script())


def _hash_source(script: str) -> str:
    """The CSP source allowing exactly this inline script."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"


def _inline(script: str) -> str:
    """``script`` safe inside a ``<script>`` element: nothing in it may end the element or open a comment
    (the same text to JavaScript: a ``<\\/`` in a string, regex or comment still reads ``</``)."""
    return re.sub(r"<(/script|!--)", r"<\\\1", script, flags=re.I)


def _splice(html: str, pattern: str, text: str) -> str:
    """``html`` with the first match of ``pattern`` replaced by ``text`` taken literally."""
    found = re.search(pattern, html)
    return html if found is None else html[: found.start()] + text + html[found.end() :]


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
            resolved = _resolve(path, match.group("a"))
            if resolved is not None and resolved not in found:
                found.append(resolved)
    return found


def _resolve(path: str, specifier: str) -> str | None:
    """The runtime path ``specifier`` names from module ``path``; None for what is not the runtime's."""
    if specifier.startswith("/_rt/"):
        return specifier.removeprefix("/_rt/")
    if specifier.startswith("."):
        return posixpath.normpath(posixpath.join(posixpath.dirname(path), specifier))
    return None


def _walk(root: Path, prefix: str) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for file in sorted(root.rglob("*")):
        if not file.is_file() or file.suffix not in SERVED_SUFFIXES or "__pycache__" in file.parts:
            continue
        files[prefix + file.relative_to(root).as_posix()] = file.read_bytes()
    return files


def _vendor() -> dict[str, bytes]:
    """Third-party browser code served beside the runtime from its installed Python package, never
    copied into this repository: Leaflet (xstatic-leaflet) for <map>, as an ES module with its
    stylesheet and default marker images, under vendor/leaflet/."""
    import xstatic.pkg.leaflet as leaflet

    base = Path(leaflet.BASE_DIR)
    images = [f"images/{p.name}" for p in (base / "images").glob("*.png")]
    wanted = ["leaflet-src.esm.js", "leaflet.css", *images]
    return {f"vendor/leaflet/{name}": (base / name).read_bytes() for name in sorted(wanted)}


def load_runtime_assets(runtime_dir: Path = RUNTIME_DIR, shell_dir: Path = SHELL_DIR) -> RuntimeAssets:
    raw = _walk(runtime_dir, "") | _walk(shell_dir, SHELL_PREFIX) | _vendor()
    digest = hashlib.sha256()
    for path, body in sorted(raw.items()):
        digest.update(path.encode() + b"\0" + hashlib.sha256(body).digest())
    version = digest.hexdigest()[:VERSION_LENGTH]
    files: dict[str, Asset] = {}
    imports: dict[str, list[str]] = {}
    dynamic: dict[str, list[str]] = {}
    for path, body in raw.items():
        files[path] = _asset(path, body)
        if path.endswith(".js") and not path.startswith("vendor/"):
            source = body.decode("utf-8")
            imports[path] = static_imports(path, source)
            dynamic[path] = [
                target
                for match in _DYNAMIC_IMPORT.finditer(source)
                if (target := _resolve(path, match.group("a"))) in raw
            ]
    assets = RuntimeAssets(version, files, imports, dynamic)
    _pages(assets)
    return assets


@functools.cache
def runtime_assets() -> RuntimeAssets:
    """This process's copy (read once: a test run makes many apps)."""
    return load_runtime_assets()
