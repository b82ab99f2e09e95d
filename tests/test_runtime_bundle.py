"""The runtime bundler (server/delivery/runtime_bundle.py): ES modules as one classic script that keeps
what the runtime relies on from ES modules, run in real Chromium."""

from __future__ import annotations

import posixpath

import pytest
from playwright.async_api import Browser

from hutong.server.delivery.runtime_bundle import BundleError, bundle

MODULES = {
    "common/c.js": (
        "globalThis.order.push('c');\nexport let hits = 0;\n"
        "export function hit() { hits += 1; return hits; }\n"
    ),
    "lib/b.js": (
        "import { hit } from '../common/c.js';\nglobalThis.order.push('b');\n"
        "export let n = 0;\nexport function inc() { n += 1; }\n"
        "export default function named() { return 'b'; }\n"
        "hit();\n"
    ),
    "lib/d.js": (
        "import { hit } from '../common/c.js';\nglobalThis.order.push('d');\nexport const d = hit();\n"
    ),
    "lib/a.js": (
        "import * as B from './b.js';\nimport named, { inc } from './b.js';\n"
        "import { hits } from '../common/c.js';\n"
        "globalThis.order.push('a');\n"
        "inc(); inc();\n"
        "globalThis.result = {\n"
        "  live: B.n, named: named(), hitsAtImport: hits, url: import.meta.url, self: this === undefined,\n"
        "  strict: (() => { try { undeclared = 1; return false; } catch { return true; } })(),\n"
        "  later: import('./d.js').then((m) => [m.d, globalThis.order.slice()]),\n"
        "  data: import('./data.js').catch((error) => error.constructor.name),\n"
        "};\n"
    ),
}
GRAPH = ["common/c.js", "lib/b.js", "lib/a.js", "lib/d.js"]


def resolve(path: str, specifier: str) -> str | None:
    if not specifier.startswith("."):
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), specifier))


def make(paths: list[str] = GRAPH, entry: str = "lib/a.js") -> str:
    return bundle(entry, paths, MODULES.__getitem__, resolve, "'http://runtime.test/rt/'", expose=True)


async def test_a_bundle_runs_its_modules_as_the_browser_would(browser: Browser) -> None:
    page = await browser.new_page()
    try:
        await page.evaluate("globalThis.order = []")
        await page.add_script_tag(content=make())
        result = await page.evaluate(
            """async () => {
              const r = globalThis.result;
              return { ...r, later: await r.later, data: await r.data,
                        exposed: Object.keys(globalThis[Symbol.for('hutong.modules')]),
                        c: globalThis[Symbol.for('hutong.modules')]['common/c.js'].hits };
            }"""
        )
    finally:
        await page.close()
    # Dependencies first, each module once, as the imports order them; d only when import()ed.
    assert result["later"] == [2, ["c", "b", "a", "d"]]
    assert result["live"] == 2  # a namespace reads the exporter's binding live
    assert result["named"] == "b"  # default export
    assert result["hitsAtImport"] == 1  # b's hit() ran before a did
    assert result["url"] == "http://runtime.test/rt/lib/a.js"
    assert result["self"] is True and result["strict"] is True  # module code: strict, no `this`
    # A runtime path left out of the bundle is the browser's import, by its address under the base.
    assert result["data"] == "TypeError"
    assert result["exposed"] == GRAPH and result["c"] == 2  # d's hit(): one instance of c


def test_what_cannot_be_bundled_is_refused() -> None:
    with pytest.raises(BundleError, match=r"lib/b\.js is imported but not in the bundle"):
        make(["common/c.js", "lib/a.js"])
    MODULES["lib/e.js"] = "import x from 'somewhere';\n"
    try:
        with pytest.raises(BundleError, match="'somewhere' is not a runtime module"):
            make(["lib/e.js"], "lib/e.js")
    finally:
        del MODULES["lib/e.js"]
    MODULES["lib/f.js"] = "export const = 1;\n"
    try:
        with pytest.raises(BundleError, match=r"lib/f\.js"):
            make(["lib/f.js"], "lib/f.js")
    finally:
        del MODULES["lib/f.js"]
