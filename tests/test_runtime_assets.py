"""The runtime as versioned, immutable files from memory, and the module graphs pages preload."""

from __future__ import annotations

import base64
import hashlib
import itertools
import posixpath
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


def bundled(script: str) -> list[str]:
    """The runtime paths a bundle (server/delivery/runtime_bundle.py) registers, in its order."""
    return re.findall(r'^__hutong_define\("([^"]+)", function \(require, module, exports\)', script, re.M)


def test_every_import_resolves_and_each_context_carries_its_whole_graph_as_one_script() -> None:
    assets = runtime_assets()
    unresolved = [(path, d) for path, deps in assets.imports.items() for d in deps if d not in assets.files]
    assert unresolved == []
    # The bundles read each import once, when a module first runs (CommonJS's order). In an import cycle
    # one module reads the other before that one has run: only a function declaration (hoisted, and
    # exported before the module's own imports run) is ready then. The frames' graphs have no cycle;
    # the shell's few import functions only.
    assert cycles(assets, "logic/worker.js") == [] and cycles(assets, "view/frame.js") == []
    for cycle in cycles(assets, "shell/shell.js"):
        for importer, exporter in itertools.pairwise(cycle):
            source = assets.files[importer].body.decode()
            found = re.search(r"^import \{([^}]*)\} from '([^']+)';", source, re.M)
            names = [
                name.strip().split(" as ")[0]
                for match in re.finditer(r"^import \{([^}]*)\} from '([^']+)';", source, re.M)
                if posixpath.normpath(posixpath.join(posixpath.dirname(importer), match.group(2))) == exporter
                for name in match.group(1).split(",")
            ]
            assert found is not None and names, (importer, exporter)
            exported = assets.files[exporter].body.decode()
            for name in names:
                assert re.search(rf"^export (?:async )?function {name}\b", exported, re.M), (importer, name)
    scripts = {
        "logic/worker.js": assets.files["logic/bundle.js"].body.decode(),
        "view/frame.js": assets.files["view/bundle.js"].body.decode(),
        "shell/shell.js": assets.files["shell/bundle.js"].body.decode(),
    }
    for entry, script in scripts.items():
        graph = assets.module_graph(entry)
        # Every module of the static graph, dependencies first, and the entry run at the end.
        assert bundled(script)[: len(graph)] == graph and graph[-1] == entry
        assert script.rstrip().endswith(f'__hutong_require("{entry}");\n}})();')
        # No import statement is left for the browser: only import() of what is not bundled.
        assert not re.search(r"^\s*(?:import|export)\b[^(]", script, re.M), entry
        assert "import.meta" not in script
    # A module the shell loads later that imports others is bundled (one instance of what it imports)...
    assert "host/api/interaction.js" in bundled(scripts["shell/shell.js"])
    # ... and one that imports nothing stays out, loaded by its address when asked for (the region list).
    assert "view/components/region-data.js" not in bundled(scripts["view/frame.js"])
    assert '__hutong_import(require, s); })("view/components/region-data.js")' in scripts["view/frame.js"]
    assert len(bundled(scripts["logic/worker.js"])) > 40
    # The frames' pages carry only their first scripts (view/boot.js, logic/sandbox.js), allowed by their
    # hashes: the host hands them their runtimes (shell/feed.js).
    view = assets.files["view/view.html"].body.decode()
    assert 'src="./boot.js"' not in view and '<style id="hutong-builtins">' in view
    assert assets.inline_scripts["view/view.html"].startswith("'sha256-")
    for page in ("view/view.html", "logic/sandbox.html"):
        assert "__hutong_define" not in assets.files[page].body.decode()


async def client_get(server: LiveServer, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url) as client:
        return await client.get(path)


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
    # One script (preloaded from the head) runs the shell at the end of <main>, before a `/?open=`
    # page's launch has come; nothing is loaded module by module.
    preload = f'<link rel="preload" as="script" id="hutong-shell-bundle" href="{assets.base}shell/bundle.js">'
    assert preload in shell.text
    assert f'<script src="{assets.base}shell/bundle.js"></script>\n</main>' in shell.text
    assert "modulepreload" not in shell.text and 'type="module"' not in shell.text
    # Its one inline script, the frames' runtime feeder, right after that preload and before the style
    # sheets (which would hold it back), is allowed by its hash; the policy allows no other.
    inline = re.findall(r"<script>(.*?)</script>", shell.text, re.S)
    assert len(inline) == 1 and shell.text.index(preload) < shell.text.index(inline[0])
    assert shell.text.index(inline[0]) < shell.text.index('rel="stylesheet"')
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    shell_policy = shell.headers["content-security-policy"]
    assert f"script-src 'self' 'sha256-{digest}';" in shell_policy and "'unsafe-inline'" not in shell_policy
    # The prebooted frames come first in the body, so they start before the rest is parsed and styled.
    assert shell.text.index('<div id="hutong-preboot"') < shell.text.index('<main class="phone">')
    # The frames' runtimes it hands over: immutable files beside the shell's.
    for name in ("view/bundle.js", "logic/bundle.js"):
        runtime = await client_get(live_server, f"{assets.base}{name}")
        assert runtime.status_code == 200 and runtime.content == assets.files[name].body
    bundle = await client_get(live_server, f"{assets.base}shell/bundle.js")
    assert bundle.headers["cache-control"] == "public, max-age=31536000, immutable"
    # Each frame's page is immutable too (one cached navigation brings its whole runtime), and its policy
    # allows its one inline script by that script's hash: no 'unsafe-inline', no other inline script.
    for frame in frames:
        assert frame.headers["cache-control"] == "public, max-age=31536000, immutable"
        policy = frame.headers["content-security-policy"]
        assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        inline = re.findall(r"<script>(.*?)</script>", frame.text, re.S)
        assert len(inline) == 1 and len(re.findall(r"<script\b", frame.text)) == 1
        digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
