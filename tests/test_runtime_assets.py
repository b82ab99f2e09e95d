"""The runtime as versioned, immutable files from memory, and the module graphs pages preload."""

from __future__ import annotations

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


def test_every_import_resolves_and_the_logic_graph_has_no_cycle() -> None:
    assets = runtime_assets()
    unresolved = [(path, d) for path, deps in assets.imports.items() for d in deps if d not in assets.files]
    assert unresolved == []
    # sandbox.js imports the logic thread's graph as one flat list: that evaluates in the usual order only
    # when no module waits, through a cycle, on one listed after it. (Pages only preload theirs.)
    assert cycles(assets, "logic/worker.js") == []
    worker = assets.module_graph("logic/worker.js")
    assert worker[-1] == "logic/worker.js" and len(worker) > 40
    for index, path in enumerate(worker):
        assert set(assets.imports[path]) <= set(worker[:index]), path
    # The list is in the page before the script that reads it.
    sandbox = assets.files["logic/sandbox.html"].body.decode()
    assert sandbox.index(f'content="{" ".join(worker)}"') < sandbox.index("sandbox.js")
    view = assets.files["view/view.html"].body.decode()
    assert view.index('rel="modulepreload" href="../view/vdom.js"') < view.index('src="./frame.js"')


async def test_versioned_files_are_immutable_and_plain_ones_revalidate(live_server: LiveServer) -> None:
    assets = runtime_assets()
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        versioned = await client.get(f"{assets.base}logic/tree.js", headers={"accept-encoding": "gzip"})
        plain = await client.get("/_rt/logic/tree.js")
        again = await client.get("/_rt/logic/tree.js", headers={"if-none-match": plain.headers["etag"]})
        other = await client.get("/_rt/0123456789abcdef/logic/tree.js")
        shell_file = await client.get("/_rt/shell/index.html")
        shell = await client.get("/")
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
