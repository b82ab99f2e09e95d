"""The logic bundles: every .js file as a CommonJS module, linked at compile time, one bundle per package.

Each file is transformed once (``jsmodule.transform_module``, cached by content hash), then every
static specifier is resolved the way WeChat's ``require`` resolves it and rewritten to the canonical,
root-absolute module path (``"/utils/util.js"``), so the runtime never guesses:

1. ``resolveAlias`` from app.json (``"@/*": "/*"``) rewrites the specifier first;
2. ``/x`` is from the root, ``./x`` and ``../x`` from the requiring file;
3. anything else is tried relative to the file, then as ``miniprogram_npm/<pkg>/<path>`` from the file's
   folder up to the root (a package's ``index.js`` or its package.json ``main``);
4. each base is tried as written, then with ``.js``, then as ``<base>/index.js``.

A module may require only its own package's modules and the main package's (an independent subpackage
only its own); ``require.async`` and ``import()`` may cross. WeChat enforces this only when the require
runs (its module registry is shared: the require works once the other package has loaded), so a
crossing require is a warning with its position, and the runtime fails it only if the module is absent.
An unresolvable static require that runs when app.js loads (at the top level of a module app.js
reaches) is a CompileError at the specifier. Anywhere else (a page's or component's modules, inside a
function or ``try``, in miniprogram_npm, in a file nothing requires) it is a warning and stays as
written: WeChat fails such a require only when it runs, so one page's missing module breaks that page,
not the app, and real apps carry dead code that does.

Each module's first source line sits at a known bundle line (``LogicBundle.line_map``), so runtime errors
map back to the source file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from hutong.compiler.cache import CompileCache, Job
from hutong.compiler.components import package_main
from hutong.compiler.errors import CompileError, Position
from hutong.compiler.jsmodule import MODULE_SCOPE, PRELUDE, ModuleUnit, Slot, transform_module
from hutong.compiler.jsonfile import parse_json
from hutong.compiler.paths import is_relative, join, npm_candidates, parent_dir
from hutong.compiler.project import Project


@dataclass
class LogicBundle:
    code: str
    # (first bundle line of the module's source, module path), ascending.
    line_map: list[tuple[int, str]] = field(default_factory=list)


def decode_source(project: Project, path: str) -> tuple[bytes, str]:
    data = project.read_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CompileError(f"{path} is not UTF-8 text: {error.reason}", Position(path, 1, 1)) from None
    return data, text.removeprefix("\ufeff").replace("\r\n", "\n")


def module_sources(project: Project) -> dict[str, str]:
    """Module path -> source file: every .js file, and every .ts file (but .d.ts) as the .js it becomes.

    A .js beside a .ts of the same name wins: it is usually the compiled output.
    """
    sources = {path: path for path in project.files(".js")}
    for path in project.files(".ts"):
        if not path.endswith(".d.ts"):
            sources.setdefault(path[: -len(".ts")] + ".js", path)
    return dict(sorted(sources.items()))


class Resolver:
    """WeChat's require resolution over the project's files."""

    def __init__(self, project: Project, modules: dict[str, str] | None = None) -> None:
        self.project = project
        self.modules = modules if modules is not None else module_sources(project)
        aliases = project.app_config.get("resolveAlias") or {}
        self.aliases = (
            sorted(((str(k), str(v)) for k, v in aliases.items()), key=lambda kv: -len(kv[0]))
            if isinstance(aliases, dict)
            else []
        )

    def _file(self, base: str | None) -> str | None:
        if base is None:
            return None
        modules = self.modules
        if (base.endswith(".js") and base in modules) or (
            base.endswith(".json") and self.project.exists(base)
        ):
            return base
        if base.endswith(".ts") and base[: -len(".ts")] + ".js" in modules:
            return base[: -len(".ts")] + ".js"
        for candidate in (f"{base}.js", f"{base}/index.js"):
            if candidate in modules:
                return candidate
        return None

    def _alias(self, specifier: str) -> str:
        """``resolveAlias``: the longest matching key wins; its value is a path from the root."""
        for key, value in self.aliases:
            if key.endswith("*") and value.endswith("*") and specifier.startswith(key[:-1]):
                return "/" + (value[:-1] + specifier[len(key) - 1 :]).lstrip("/")
            if key == specifier:
                return "/" + value.lstrip("/")
        return specifier

    def resolve(self, from_path: str, specifier: str) -> str | None:
        specifier = self._alias(specifier.strip())
        if not specifier:
            return None
        from_dir = parent_dir(from_path)
        if specifier.startswith("/") or is_relative(specifier):
            return self._file(join(from_dir, specifier))
        found = self._file(join(from_dir, specifier))
        if found:
            return found
        for candidate in npm_candidates(from_dir, specifier, lambda d: package_main(self.project, d)):
            found = self._file(candidate)
            if found:
                return found
        return None


def _entry_points(project: Project, modules: dict[str, str]) -> set[str]:
    entries = {"app.js"}
    for owner in (*project.pages, *project.component_configs):
        entries.add(f"{owner}.js")
    for package in project.packages:
        if package.entry:
            entries.add(package.entry if package.entry.endswith(".js") else f"{package.entry}.js")
    return {entry for entry in entries if entry in modules}


def _check_package(project: Project, path: str, target: str, slot: Slot) -> None:
    """A require across packages is WeChat's rule, but one it enforces only when the require runs:
    the module registry is shared, so the require works once the other package has loaded (an
    independent subpackage reaching the main package, in an app launched through the main package)
    and fails with "module ... is not defined" otherwise. A warning, then; the runtime does the rest."""
    if slot.async_:
        return
    mine = project.package_of(path)
    theirs = project.package_of(target)
    if theirs is mine or (theirs.is_main and not mine.independent):
        return
    where = "the main package" if theirs.is_main else f"subpackage {theirs.root!r}"
    project.warn(
        f"{slot.position}: require({slot.specifier!r}) reaches {target!r} in {where}; code in "
        + (f"subpackage {mine.root!r}" if not mine.is_main else "the main package")
        + " may require only its own package's"
        + ("" if mine.independent or mine.is_main else " and the main package's")
        + " modules, so it works only once that package has loaded (use require.async to load it)"
    )


@dataclass
class _Linked:
    units: dict[str, ModuleUnit]
    resolved: dict[tuple[str, Slot], str]


def _link(project: Project, cache: CompileCache) -> _Linked:
    modules = module_sources(project)
    resolver = Resolver(project, modules)
    jobs = []
    broken: dict[str, CompileError] = {}
    for path, source in modules.items():
        try:
            data, text = decode_source(project, source)
        except CompileError as unreadable:
            broken[path] = unreadable
            continue
        if source.endswith(".ts"):
            jobs.append(Job("ts", source, data, partial(_guarded, partial(_typescript_module, text, source))))
        else:
            jobs.append(Job("js", path, data, partial(_guarded, partial(transform_module, text, path))))
    units: dict[str, ModuleUnit] = {}
    for job, value in zip(jobs, cache.get_all(jobs), strict=True):
        path = job.path if job.kind == "js" else job.path[: -len(".ts")] + ".js"
        if isinstance(value, CompileError):
            broken[path] = value
        else:
            units[path] = value
    resolved: dict[tuple[str, Slot], str] = {}
    unresolved: list[tuple[str, Slot]] = []
    edges: dict[str, list[str]] = {}
    json_modules: set[str] = set()
    for path, unit in units.items():
        for slot in unit.slots:
            target = resolver.resolve(path, slot.specifier)
            if target is None:
                unresolved.append((path, slot))
                continue
            _check_package(project, path, target, slot)
            resolved[(path, slot)] = target
            edges.setdefault(path, []).append(target)
            if target.endswith(".json"):
                json_modules.add(target)
    # Only what app.js loads must resolve: WeChat fails a page's or component's missing module when
    # that page or component loads, and the rest of the app runs.
    app_loads = _reachable({"app.js"} & set(modules), edges)
    reachable = _reachable(_entry_points(project, modules), edges)
    # A file no page, component or app.js reaches is never loaded, and WeChat's tools leave such files
    # out of the package (project.config.json ignoreDevUnusedFiles / ignoreUploadUnusedFiles): one
    # that cannot be read or parsed (a stray copy in another encoding, a backup) is a warning, not a
    # build that fails for every page.
    for path, failure in sorted(broken.items()):
        if path in reachable:
            raise failure
        project.warn(
            f"{failure.position or path}: {failure.message}; "
            f"no page, component or app.js loads {path}, so it is left out"
        )
    for path, slot in unresolved:
        lenient = slot.deferred or "miniprogram_npm/" in path or path not in app_loads
        message = f"cannot resolve require({slot.specifier!r})"
        if lenient and not slot.deferred and path in reachable and "miniprogram_npm/" not in path:
            project.warn(f"{slot.position}: {message}; what loads it fails when it runs")
        elif lenient:
            project.warn(f"{slot.position}: {message}; left for the runtime")
        else:
            raise CompileError(message, slot.position, project.read_text(slot.position.file))
    for path in sorted(json_modules):
        data, text = decode_source(project, path)
        value = cache.get("json", path, data, partial(_json_value, text, path))
        units[path] = ModuleUnit(body=["module.exports = " + json.dumps(value, ensure_ascii=False) + ";"])
    return _Linked(units, resolved)


def _guarded(compute: Any) -> Any:
    """The job's result, or the CompileError it raised (decided once the reachable modules are known)."""
    try:
        return compute()
    except CompileError as error:
        return error


def _typescript_module(text: str, path: str) -> ModuleUnit:
    # Only projects with TypeScript load its grammar and queries.
    from hutong.compiler.typescript import strip_types

    return transform_module(strip_types(text, path), path)


def _json_value(text: str, path: str) -> Any:
    return parse_json(text, path).data


def _reachable(entries: Iterable[str], edges: dict[str, list[str]]) -> set[str]:
    seen: set[str] = set()
    pending = list(entries)
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        pending.extend(edges.get(path, []))
    return seen


def _render(pieces: list[str | Slot], path: str, linked: _Linked) -> str:
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        else:
            target = linked.resolved.get((path, piece))
            out.append(json.dumps("/" + target) if target else piece.literal)
    return "".join(out)


def build_logic(project: Project, cache: CompileCache | None = None) -> dict[str, LogicBundle]:
    """One logic bundle per package root ("" is the main package)."""
    linked = _link(project, cache or CompileCache())
    bundles: dict[str, LogicBundle] = {}
    by_package: dict[str, list[str]] = {package.root: [] for package in project.packages}
    for path in sorted(linked.units):
        by_package[project.package_of(path).root].append(path)
    for root, paths in by_package.items():
        lines: list[str] = ["/* hutong logic bundle */", *PRELUDE.rstrip("\n").split("\n")]
        line_map: list[tuple[int, str]] = []
        for path in paths:
            unit = linked.units[path]
            header = _render(unit.header, path, linked)
            scope = ", ".join(name for name in MODULE_SCOPE if name not in unit.own_scope_names)
            lines.append(
                f"__hutong_define({json.dumps(path)}, function (require, module, exports, {scope}) {{{header}"
            )
            if header:
                # The hoisted imports and exports run on the wrapper line: report them at line 1.
                line_map.append((len(lines), path))
            line_map.append((len(lines) + 1, path))
            lines.extend(_render(unit.body, path, linked).split("\n"))
            lines.append("});")
        bundles[root] = LogicBundle("\n".join(lines) + "\n", line_map)
    return bundles
