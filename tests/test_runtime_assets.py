"""The runtime as versioned, immutable files from memory, and the module graphs pages preload."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import httpx

from hutong.server.delivery.runtime_assets import RuntimeAssets, runtime_assets
from tests.conftest import LiveServer


def cycles(assets: RuntimeAssets, entry: str) -> list[list[str]]:
    """Import cycles among the modules ``entry`` reaches."""
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(path: str, trail: list[str]) -> None:
        state[path] = 1
        for dependency in assets.imports.get(path, []):
            if state.get(dependency) == 1:
                found.append([*trail[trail.index(dependency) :], dependency])
            elif dependency not in state:
                visit(dependency, [*trail, dependency])
        state[path] = 2

    visit(entry, [entry])
    return found


def unpack(assets: RuntimeAssets, page: str) -> dict[str, str]:
    """The modules a frame's page carries, as the page would make them (common/pack.js): each import's
    specifier becomes the module's runtime path (the blob URL in a browser)."""
    html = assets.files[page].body.decode()
    data = re.search(r'<script type="application/json" id="hutong-pack">(.*?)</script>', html, re.S)
    assert data is not None and "<" not in data.group(1)
    pack = json.loads(data.group(1))
    return {
        path: "".join(json.dumps(part) if index % 2 else part for index, part in enumerate(parts))
        for path, parts in pack["modules"]
    }


def test_every_import_resolves_and_the_frames_carry_their_whole_graph() -> None:
    assets = runtime_assets()
    unresolved = [(path, d) for path, deps in assets.imports.items() for d in deps if d not in assets.files]
    assert unresolved == []
    # The logic thread's graph has no cycle: stack.js and fonts.js are split so that it stays so.
    assert cycles(assets, "logic/worker.js") == []
    for page, entry in (("logic/sandbox.html", "logic/worker.js"), ("view/view.html", "view/frame.js")):
        modules = unpack(assets, page)
        graph = assets.module_graph(entry)
        # Every module of the graph, dependencies first (each is made after what it imports).
        assert list(modules) == graph and graph[-1] == entry
        for index, path in enumerate(graph):
            assert set(assets.imports[path]) <= set(graph[:index]), path
            # Only the specifiers changed: each module is its file with its imports named by path.
            original = assets.files[path].body.decode()
            assert len(modules[path]) >= len(original) - 200 * len(assets.imports[path]), path
        # No import left for the browser to fetch from the frame's opaque origin, but the one module
        # kept out on purpose (the region list, loaded when a region picker opens).
        relative = {
            (path, found)
            for path, text in modules.items()
            for found in re.findall(r"""(?:from|import\(?)\s*['"](\.{1,2}/[^'"]+)['"]""", text)
        }
        assert relative == set()
    regions = unpack(assets, "view/view.html")["view/components/regions.js"]
    assert '"view/components/region-data.js"' in regions
    worker = unpack(assets, "logic/sandbox.html")
    assert len(worker) > 40
    # The page's inline scripts: the loader and sandbox.js, and nothing the policy's hash would not allow.
    view = assets.files["view/view.html"].body.decode()
    assert 'src="./frame.js"' not in view and '<style id="hutong-builtins">' in view
    assert assets.inline_scripts["view/view.html"].startswith("'sha256-")


async def test_versioned_files_are_immutable_and_plain_ones_revalidate(live_server: LiveServer) -> None:
    assets = runtime_assets()
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        versioned = await client.get(f"{assets.base}logic/tree.js", headers={"accept-encoding": "gzip"})
        plain = await client.get("/_rt/logic/tree.js")
        again = await client.get("/_rt/logic/tree.js", headers={"if-none-match": plain.headers["etag"]})
        other = await client.get("/_rt/0123456789abcdef/logic/tree.js")
        shell_file = await client.get("/_rt/shell/index.html")
        shell = await client.get("/")
        frames = [await client.get(assets.base + page) for page in ("view/view.html", "logic/sandbox.html")]
    assert versioned.status_code == 200
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert versioned.headers["content-encoding"] == "gzip"
    assert versioned.headers["access-control-allow-origin"] == "*"
    assert versioned.content == assets.files["logic/tree.js"].body  # httpx unzipped it
    assert plain.headers["cache-control"] == "no-cache"
    assert plain.content == assets.files["logic/tree.js"].body
    assert again.status_code == 304
    assert other.status_code == 404  # another release's runtime: never these files under its name
    # The shell page is served only with its policy, at / and the link paths.
    assert shell_file.status_code == 404
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)"', shell.text)
    assert f"{assets.base}shell/shell.js" in preloaded and f"{assets.base}host/miniprogram.js" in preloaded
    assert f'src="{assets.base}shell/shell.js"' in shell.text
    # Each frame's page is immutable too (one cached navigation brings its whole runtime), and its policy
    # allows its one inline script by that script's hash: no 'unsafe-inline', no other inline script.
    for frame in frames:
        assert frame.headers["cache-control"] == "public, max-age=31536000, immutable"
        policy = frame.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        inline = re.findall(r"<script>(.*?)</script>", frame.text, re.S)
        assert len(inline) == 1 and len(re.findall(r"<script\b", frame.text)) == 2
        digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
