"""A module graph of the runtime as one classic script: what a frame, the logic worker or the shell runs.

Loading ES modules one by one costs the browser per module: a request for the shell, and for the
sandboxed frames (which can cache nothing, their origin being opaque) a blob made and imported per
module, 5 ms or more each; the logic thread has ~70 modules and the page frame ~30, on every boot. So
the server turns each graph into one script when it starts, with the compiler's own ES-module transform
(compiler/jsmodule.py, Babel's CommonJS form: hoisted imports, exports as live getters): each module
becomes a function registered under its runtime path and run the first time it is required, so the
order of evaluation is the one the modules' own imports give. The modules stay strict ('use strict' in
each function, as in a module).

A literal ``import()`` of a runtime module that imports others is bundled too (and still evaluated only
when called), so it shares the bundle's instances; one that imports nothing (the region list) is left
out and loaded by its address when asked for. ``import.meta.url`` becomes the module's address under
the runtime base, which each context gives the bundle: ``base`` is a JavaScript expression.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from hutong.compiler.jsmodule import PRELUDE, Slot, transform_module

_IMPORT_META_URL = re.compile(r"\bimport\.meta\.url\b")
_HELPERS = "\n".join(
    line for line in PRELUDE.splitlines() if not line.startswith("function __hutong_import(")
)
# The registry: modules by runtime path, each run once, when first required. An import() of a bundled
# module resolves to it; anything else (an address, or a runtime path left out) is the browser's import.
_REGISTRY = """\
const __hutong_defs = new Map();
const __hutong_cache = new Map();
function __hutong_define(path, factory) { __hutong_defs.set(path, factory); }
function __hutong_require(path) {
  let module = __hutong_cache.get(path);
  if (module === undefined) {
    const factory = __hutong_defs.get(path);
    if (!factory) throw new Error('not in the runtime bundle: ' + path);
    module = { exports: {} };
    __hutong_cache.set(path, module);
    factory.call(undefined, __hutong_require, module, module.exports);
  }
  return module.exports;
}
function __hutong_import(require, specifier) {
  if (__hutong_defs.has(specifier)) return Promise.resolve().then(() => __hutong_ns(require(specifier)));
  return import(/^[a-z][a-z0-9+.-]*:/i.test(specifier) ? specifier : new URL(specifier, __hutong_base).href);
}
"""
_EXPOSE = """\
Object.defineProperty(globalThis, Symbol.for('hutong.modules'), {
  value: Object.freeze(Object.defineProperties({}, Object.fromEntries([...__hutong_defs.keys()].map(
    (path) => [path, { enumerable: true, get: () => __hutong_require(path) }])))),
});
"""


class BundleError(ValueError):
    """A runtime module the bundler cannot take (a syntax error, an import it cannot resolve)."""


def bundle(
    entry: str,
    paths: list[str],
    read: Callable[[str], str],
    resolve: Callable[[str, str], str | None],
    base: str,
    expose: bool = False,
) -> str:
    """``paths`` (``entry``'s graph, as runtime paths) as one classic script that runs ``entry``.

    ``read`` gives a module's source, ``resolve`` the runtime path a specifier names from a module
    (None: not the runtime's), ``base`` the JavaScript expression of the runtime's base URL in the
    context that runs the script. ``expose`` publishes the modules' exports by path at
    ``globalThis[Symbol.for('hutong.modules')]``, as a frame's or the worker's modules always were
    reachable (by address) from any code in that context.
    """
    bundled = set(paths)
    out = ["(() => {", "'use strict';", f"const __hutong_base = {base};", _HELPERS, _REGISTRY]
    for path in paths:
        source = _IMPORT_META_URL.sub(f"new URL({json.dumps(path)}, __hutong_base).href", read(path))
        try:
            unit = transform_module(source, path)
        except Exception as error:  # CompileError: a broken runtime file is a bug in this package
            raise BundleError(f"{path}: {error}") from error

        def render(pieces: list[str | Slot], path: str = path) -> str:
            text: list[str] = []
            for piece in pieces:
                if isinstance(piece, str):
                    text.append(piece)
                    continue
                target = resolve(path, piece.specifier)
                if target is None:
                    raise BundleError(f"{path}: {piece.specifier!r} is not a runtime module")
                if target not in bundled and not piece.async_:
                    raise BundleError(f"{path}: {target} is imported but not in the bundle")
                text.append(json.dumps(target))
            return "".join(text)

        out.append(f"__hutong_define({json.dumps(path)}, function (require, module, exports) {{'use strict';")
        out.append(render(unit.header))
        out.append(render(unit.body))
        out.append("});")
    if expose:
        out.append(_EXPOSE)
    out.append(f"__hutong_require({json.dumps(entry)});")
    out.append("})();")
    return "\n".join(out) + "\n"
