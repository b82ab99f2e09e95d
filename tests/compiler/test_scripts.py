"""JavaScript: ES modules to CommonJS, WeChat's require resolution, errors with positions, line maps.

The semantics are checked by running the compiled logic bundle in real Chromium with a minimal module
loader that follows the bundle contract (canonical, root-absolute specifiers).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser

from hutong.compiler import CompileError, build_project
from hutong.compiler.jsmodule import transform_module
from tests.compiler.helpers import page, write_tree

LOADER = """
const factories = {}, cache = {};
function __hutong_define(path, factory) { factories[path] = factory; }
function load(path) {
  path = path.replace(/^\\//, '');
  if (cache[path]) return cache[path].exports;
  if (!factories[path]) throw new Error('no module ' + path);
  const module = {exports: {}};
  cache[path] = module;
  factories[path].call(module.exports, load, module, module.exports);
  return module.exports;
}
"""


async def run_bundle(browser: Browser, code: str, expression: str) -> Any:
    """Evaluate ``expression`` (which may await) after the bundle has defined its modules."""
    page_ = await browser.new_page()
    try:
        return await page_.evaluate(f"(async () => {{ {LOADER}\n{code}\n return {expression}; }})()")
    finally:
        await page_.close()


ESM_APP: dict[str, Any] = {
    "app.json": {"pages": ["pages/a/a"]},
    "app.js": "App({})",
    **page(
        "pages/a/a",
        js="""import def, { named as renamed, counter, bump } from '../../lib/esm';
import * as ns from '../../lib/esm.js';
import cjsDefault from '../../lib/cjs';
import * as cjsNs from '../../lib/cjs';
import { again, other, spaced } from '../../lib/reexport';
import anonymous from '../../lib/anon';
import Klass from '../../lib/klass';
import data from '../../lib/data.json';
bump();
module.exports = {
  def: def(), renamed, counterViaNs: ns.counter, counterImported: counter,
  cjsDefault: cjsDefault.kind, cjsNs: cjsNs.default.kind + '/' + cjsNs.kind,
  again, other, spaced, anonymous: anonymous(), klass: new Klass().hello(), data: data.value,
  esModule: ns.__esModule === true,
  lazy: import('../../lib/lazy').then((m) => m.default + ':' + m.extra),
};
""",
    ),
    "lib/esm.js": """export default function hello() { return 'hi'; }
export const named = 'N';
export let counter = 0;
export function bump() { counter += 1; }
export const { x: destructured, list: [firstItem] } = { x: 1, list: [2] };
""",
    "lib/cjs.js": "module.exports = { kind: 'cjs' };",
    "lib/reexport.js": """export { named as again } from './esm';
export * from './more';
export * as spaced from './more';
""",
    "lib/more.js": "export const other = 'O';",
    "lib/anon.js": "export default function () { return 'anon'; }",
    "lib/klass.js": "export default class Greeter { hello() { return 'class'; } }",
    "lib/data.json": '{"value": 42}',
    "lib/lazy.js": "export default 'lazy'; export const extra = 'E';",
}


@pytest.mark.browser
async def test_es_modules_behave_as_in_webpack_or_babel(tmp_path: Path, browser: Browser) -> None:
    write_tree(tmp_path, ESM_APP)
    result = build_project(tmp_path)
    code = result.files["logic.js"].decode()
    value = await run_bundle(
        browser, code, "(async () => { const m = load('pages/a/a.js'); m.lazy = await m.lazy; return m; })()"
    )
    assert value == {
        "def": "hi",
        "renamed": "N",
        "counterViaNs": 1,  # live binding through the namespace
        "counterImported": 0,  # a named import is read once, at import time
        "cjsDefault": "cjs",
        "cjsNs": "cjs/cjs",
        "again": "N",
        "other": "O",
        "spaced": {"other": "O"},
        "anonymous": "anon",
        "klass": "class",
        "data": 42,
        "esModule": True,
        "lazy": "lazy:E",
    }


@pytest.mark.browser
async def test_require_resolution_follows_wechat(tmp_path: Path, browser: Browser) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {
                "pages": ["pages/a/a"],
                # The longest key wins; a value without a leading slash is from the root too.
                "resolveAlias": {"@/*": "/src/*", "@/deep/*": "src/deeper/*", "~config": "/config/index.js"},
            },
            **page(
                "pages/a/a",
                js="""module.exports = [
  require('./sibling'), require('sibling.js'), require('/utils/util'), require('../../utils/util.js'),
  require('dir'), require('npm-a'), require('npm-b/sub'), require('@scope/pkg'), require('@/deep/x'),
  require('~config'), require('npm-main'),
];""",
            ),
            "pages/a/sibling.js": "module.exports = 'sibling'",
            "pages/a/dir/index.js": "module.exports = 'dir-index'",
            "utils/util.js": "module.exports = 'util'",
            "miniprogram_npm/npm-a/index.js": "module.exports = 'npm-a'",
            "pages/miniprogram_npm/npm-b/sub.js": "module.exports = 'npm-b-near'",
            "miniprogram_npm/@scope/pkg/index.js": "module.exports = 'scoped'",
            "src/deeper/x.js": "module.exports = 'alias'",
            "config/index.js": "module.exports = 'exact-alias'",
            "miniprogram_npm/npm-main/package.json": '{"main": "lib/entry.js"}',
            "miniprogram_npm/npm-main/lib/entry.js": "module.exports = 'main-field'",
        },
    )
    code = build_project(tmp_path).files["logic.js"].decode()
    assert 'require("/utils/util.js")' in code
    value = await run_bundle(browser, code, "load('pages/a/a.js')")
    assert value == [
        "sibling",
        "sibling",
        "util",
        "util",
        "dir-index",
        "npm-a",
        "npm-b-near",
        "scoped",
        "alias",
        "exact-alias",
        "main-field",
    ]


def test_unresolvable_static_require_when_app_js_loads_is_an_error_at_the_specifier(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"]},
            "app.js": "require('./utils/setup')\nApp({})",
            "utils/setup.js": "const x = 1;\nconst y = require( './missing');\n",
            **page("a"),
        },
    )
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    assert str(raised.value) == (
        "utils/setup.js:2:20: cannot resolve require('./missing')\n"
        "  const y = require( './missing');\n"
        "                     ^"
    )


def test_a_page_modules_missing_require_fails_that_page_only(tmp_path: Path) -> None:
    """WeChat fails the require when the page loads; the rest of the app still builds and runs."""
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a", "b"]},
            **page("a", js="const x = 1;\nconst y = require( './missing');\nPage({})"),
            **page("b"),
        },
    )
    result = build_project(tmp_path)
    assert result.warnings == [
        "a.js:2:20: cannot resolve require('./missing'); what loads it fails when it runs"
    ]
    assert b"require( './missing')" in result.files["logic.js"]


def test_unresolvable_require_that_may_never_run_only_warns(tmp_path: Path) -> None:
    """In a try block, in a function body (WeChat fails it only when called), or in a file nothing uses."""
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"]},
            **page(
                "a",
                js=(
                    "try { require('optional') } catch (e) {}\n"
                    "Page({ login() { const c = require('./gone.js') } })"
                ),
            ),
            "tools/unused.js": "require('gulp')",
        },
    )
    result = build_project(tmp_path)
    assert result.warnings == [
        "a.js:1:15: cannot resolve require('optional'); left for the runtime",
        "a.js:2:36: cannot resolve require('./gone.js'); left for the runtime",
        "tools/unused.js:1:9: cannot resolve require('gulp'); left for the runtime",
    ]
    assert b"require('optional')" in result.files["logic.js"]


def test_dynamic_and_shadowed_requires_are_left_alone(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"]},
            **page(
                "a",
                js=(
                    "const name = 'x';\nrequire(name);\n"
                    "(function (require) { require('bundled-id') })();\nPage({})"
                ),
            ),
        },
    )
    code = build_project(tmp_path).files["logic.js"].decode()
    assert "require(name)" in code and "require('bundled-id')" in code


def test_cross_package_require_warns_and_is_left_for_the_runtime(tmp_path: Path) -> None:
    """WeChat enforces the package rule only when the require runs (tests/test_runtime_compat_patterns.py
    shows it failing, then working once the package has loaded): the build succeeds with a warning."""
    files = {
        "app.json": {
            "pages": ["a"],
            "subpackages": [
                {"root": "one", "pages": ["p"]},
                {"root": "two", "pages": ["q"]},
                {"root": "solo", "pages": ["r"], "independent": True},
            ],
        },
        **page("a"),
        **page("one/p", js="require.async('../two/lib').then(() => {});\nPage({})"),
        **page("two/q"),
        **page("solo/r", js="Page({})\nconst util = require('../util')"),
        "two/lib.js": "module.exports = 2",
        "util.js": "module.exports = 1",
    }
    write_tree(tmp_path, files)
    result = build_project(tmp_path)
    assert 'require.async("/two/lib.js")' in result.files["one/logic.js"].decode()
    assert result.warnings == [
        "solo/r.js:2:22: require('../util') reaches 'util.js' in the main package; code in subpackage "
        "'solo' may require only its own package's modules, so it works only once that package has "
        "loaded (use require.async to load it)"
    ]
    assert 'require("/util.js")' in result.files["solo/logic.js"].decode()
    write_tree(tmp_path, {"one/p.js": "Page({})\nconst two = require('../two/lib')"})
    result = build_project(tmp_path)
    assert result.warnings[0].startswith(
        "one/p.js:2:21: require('../two/lib') reaches 'two/lib.js' in subpackage 'two'"
    )
    assert 'require("/two/lib.js")' in result.files["one/logic.js"].decode()


def test_a_module_may_declare_a_browser_global_name_itself() -> None:
    """The module wrapper's parameters (window, fetch, …) leave out what the module's top level
    declares with let, const or class, which would otherwise be a redeclaration."""
    unit = transform_module(
        "const fetch = 1;\nexport class Reporter {}\nlet x = 2;\nvar window = {};\n"
        "function f() { const location = 3 }",
        "a.js",
    )
    assert unit.own_scope_names == ("Reporter", "fetch")


def test_syntax_errors_name_file_line_and_column(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.json": {"pages": ["a"]}, **page("a", js="Page({})\nvar 1x = 2;")})
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    assert str(raised.value) == "a.js:2:5: JavaScript syntax error: unexpected '1'\n  var 1x = 2;\n      ^"
    with pytest.raises(CompileError, match=r"^x\.js:1:9: JavaScript syntax error: missing"):
        transform_module("if (a) {", "x.js")


def test_a_file_nothing_loads_may_be_unreadable_or_broken(tmp_path: Path) -> None:
    """A stray copy in another encoding, or a broken backup, that no page, component or app.js
    reaches is left out with a warning (WeChat's tools leave unused files out of the package); the
    same file once a page requires it fails the build."""
    files = {
        "app.json": {"pages": ["a"]},
        **page("a"),
        "old/utf16.js": "Page({})".encode("utf-16"),
        "old/broken.js": "var 1x = 2;",
    }
    write_tree(tmp_path, files)
    result = build_project(tmp_path)
    assert "/old/" not in result.files["logic.js"].decode()
    assert [w.split(";")[0] for w in result.warnings] == [
        "old/broken.js:1:5: JavaScript syntax error: unexpected '1'",
        "old/utf16.js:1:1: old/utf16.js is not UTF-8 text: invalid start byte",
    ]
    write_tree(tmp_path, page("a", js="require('./old/broken.js'); Page({})"))
    with pytest.raises(CompileError, match=r"^old/broken\.js:1:5: JavaScript syntax error"):
        build_project(tmp_path)


def test_a_const_read_in_its_own_initialiser_is_undefined_as_after_babel() -> None:
    """WeChat's compiler (Babel to ES5) makes const/let a var with no TDZ check, so published code reads
    a name in its own initialiser as undefined (a public form library: `const v = v && v.x`); here such a
    read becomes (void 0), on the same line. A function in the initialiser runs later and keeps it."""
    source = "const v = v && v.x || 1;\nlet o = {o, k: 2}, f = () => f;\nconst w = {v: 1}.v;\n"
    unit = transform_module(source, "m.js")
    assert "".join(str(piece) for piece in unit.body) == (
        "const v = (void 0) && (void 0).x || 1;\n"
        "let o = {o: (void 0), k: 2}, f = () => f;\n"
        "const w = {v: 1}.v;\n"
    )


def test_modern_syntax_passes_through_unchanged() -> None:
    source = "class A { #x = 1; static y = 2; get x() { return this.#x; } }\nconst v = a?.b ?? c ** 2;\n"
    unit = transform_module(source, "m.js")
    assert unit.header == [] and unit.body == [source]


def test_every_source_line_keeps_its_number(tmp_path: Path) -> None:
    source = (
        "import a from './b';\nexport const one = 1;\nexport default {\n  two: 2,\n};\n"
        "export { a };\nfunction boom() {\n  throw new Error('line 8');\n}\n"
    )
    write_tree(tmp_path, {"app.json": {"pages": ["a"]}, **page("a", js=source), "b.js": "module.exports = 0"})
    result = build_project(tmp_path)
    lines = result.files["logic.js"].decode().split("\n")
    line_map = dict((path, start) for start, path in result.config["lineMap"])
    start = line_map["a.js"]
    assert lines[start + 8 - 1 - 1] == "  throw new Error('line 8');"
    assert lines[start + 4 - 1 - 1] == "  two: 2,"
    assert json.loads(result.files["app-config.json"])["lineMap"] == [
        list(e) for e in result.config["lineMap"]
    ]


def test_the_wrapper_line_of_hoisted_code_maps_to_its_own_module(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"]},
            **page("a", js="import { x } from './b';\nPage({ x })"),
            "b.js": "exports.x = 1",
        },
    )
    result = build_project(tmp_path)
    lines = result.files["logic.js"].decode().split("\n")
    wrapper = next(n for n, text in enumerate(lines, 1) if text.startswith('__hutong_define("a.js"'))
    assert "__hutong_get(" in lines[wrapper - 1]

    def lookup(line: int) -> tuple[str, int] | None:
        # The runtime's rule (logic/errors.js): the last entry starting at or before the line.
        found = None
        for start, file in result.config["lineMap"]:
            if start <= line:
                found = (file, line - start + 1)
        return found

    assert lookup(wrapper) == ("a.js", 1)
    assert lookup(wrapper + 2) == ("a.js", 2)
    assert lines[wrapper + 1] == "Page({ x })"
