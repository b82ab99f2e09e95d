"""docs/compatibility.md, generated from the runtime itself: what `wx` really has, what the API
registry calls partial, and the built-in components registry, read by loading those modules in
headless Chromium. `hutong compat-doc` writes it; a test checks it matches, so it cannot drift."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Route, async_playwright

from hutong.check.browser import CHROMIUM, CHROMIUM_ARGS
from hutong.compiler.extlib import compat_section
from hutong.runtime import RUNTIME_DIR

ORIGIN = "http://runtime.hutong.invalid"
COMPONENTS_REGISTRY = RUNTIME_DIR / "view" / "components" / "registry.js"
DOC_PATH = Path("docs") / "compatibility.md"

FAMILY_TITLES = {
    "base": "Base",
    "route": "Routing",
    "navigate": "Navigating to other mini programs",
    "share": "Share",
    "ui": "Interface (interaction, navigation bar, tab bar, animation, scrolling…)",
    "network": "Network",
    "payment": "Payment",
    "storage": "Storage",
    "data-analysis": "Data analysis",
    "canvas": "Canvas",
    "media": "Media",
    "location": "Location",
    "file": "Files",
    "open-api": "Open APIs",
    "device": "Device",
    "ai": "AI",
    "worker": "Worker",
    "wxml": "WXML (selector queries, observers)",
    "chattool": "Chat tool",
}

# Runs in the page: the runtime's own registries, as the runtime uses them.
COLLECT = """async (withComponents) => {
  const { CATALOG } = await import('/logic/api/catalog.js');
  const { partial, notYet } = await import('/logic/api/index.js');
  const { wx } = await import('/logic/wx.js');
  // The contexts and canvas APIs join wx from their own modules, as the worker imports them.
  await import('/logic/api/media-context.js');
  await import('/logic/api/canvas.js');
  await import('/logic/api/map.js');
  const { BUILTIN_TAGS } = await import('/view/builtin-tags.js');
  let components = null;
  if (withComponents) {
    const module = await import('/view/components/registry.js');
    components = Object.values(module).find((v) => v && typeof v === 'object' && !Array.isArray(v)) || null;
  }
  return {
    catalog: CATALOG,
    has: Object.keys(wx).filter((name) => !notYet.has(name)),
    notYet: Array.from(notYet),
    partial,
    tags: Array.from(BUILTIN_TAGS),
    components,
  };
}"""


@dataclass
class Compat:
    catalog: dict[str, list[str]]
    has: set[str]
    not_yet: set[str]
    partial: dict[str, str]
    tags: list[str]
    components: dict[str, dict[str, Any]] | None = None
    extra: list[str] = field(default_factory=list)


async def serve_runtime(route: Route) -> None:
    """Answer requests to ORIGIN from the runtime's files (module scripts need an http origin)."""
    path = route.request.url.removeprefix(ORIGIN).split("?")[0].lstrip("/")
    file = (RUNTIME_DIR / path).resolve()
    if path == "" or not file.is_relative_to(RUNTIME_DIR) or not file.is_file():
        await route.fulfill(status=200 if path == "" else 404, body="", content_type="text/html")
        return
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if file.suffix == ".js":
        kind = "text/javascript"
    await route.fulfill(status=200, body=file.read_bytes(), content_type=kind)


async def collect(browser: Browser) -> Compat:
    """Load the runtime's registries in a page of ``browser`` and read them."""
    page = await browser.new_page()
    try:
        await page.route(f"{ORIGIN}/**", serve_runtime)
        await page.goto(f"{ORIGIN}/")
        data = await page.evaluate(COLLECT, COMPONENTS_REGISTRY.is_file())
    finally:
        await page.close()
    compat = Compat(
        catalog=data["catalog"],
        has=set(data["has"]),
        not_yet=set(data["notYet"]),
        partial=data["partial"],
        tags=data["tags"],
        components=data["components"],
    )
    known = {name for names in compat.catalog.values() for name in names}
    stale = sorted(set(compat.partial) - compat.has)
    if stale:
        raise ValueError(f"logic/api/index.js `partial` names APIs that wx does not have: {', '.join(stale)}")
    compat.extra = sorted(compat.has - known)
    return compat


def _status(compat: Compat, name: str) -> tuple[str, str]:
    if name in compat.not_yet:
        return "unsupported", "fails `not supported yet` (needs the platform's identity work)"
    if name not in compat.has:
        return "unsupported", ""
    if name in compat.partial:
        return "partial", compat.partial[name]
    return "supported", ""


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# What real mini programs rely on beyond the API and component lists (issue 20's classes), each with
# the test that proves it; kept by hand, beside the code that does it.
_BEHAVIOURS = [
    "## Language, templates and drawing",
    "",
    "| behaviour | as WeChat | test |",
    "|---|---|---|",
    "| module scope | each module is wrapped with window, document, self, location, navigator, fetch, "
    "… as undefined parameters: `window = window \\|\\| {}` works per module and leaks nowhere | "
    "test_runtime_compat_patterns (scope) |",
    "| `Function('return this')` | with or without `new`, the global object; any other body, `eval` and "
    "string timers are refused | test_runtime_compat_patterns (scope), tests/hostile |",
    "| require across packages | builds with a warning at file:line:column; fails with "
    '`module "…" is not defined` only if it runs before the other package loaded | test_scripts, '
    "test_runtime_compat_patterns (cross) |",
    "| usingComponents across packages | **differs**: still a build error without componentPlaceholder "
    "(WeChat throws when it renders the component while that package is not loaded) | test_project |",
    "| `{{ }}` holding `{{`/`}}` in a string | the string keeps them as text (a string-aware scan, as "
    "glass-easel parses the expression) | test_wxml |",
    "| `<template>` with neither name nor is | builds with a warning at file:line:column, draws nothing "
    "| test_wxml |",
    "| unknown or undeclared tag | a plain inline element with its content; a warning in `hutong check`, "
    "not a failure | test_runtime_compat_patterns (undeclared), test_check |",
    "| page method as a bare callback | not bound: `this` is the global object, so `this.setData` fails "
    "there | test_runtime_compat_patterns (bare) |",
    "| tab bar icons | iconPath/selectedIconPath (and setTabBarItem's) at 24 px over 10 px text; "
    "badges and red dots on the icon's corner | test_runtime_tabbar |",
    "| missing font family | falls back to sans-serif as on a phone: WXSS, inline styles and canvas text "
    "| test_runtime_compat_patterns (fonts) |",
    "",
]


def render(compat: Compat) -> str:
    """The Markdown document: a summary, then one table per API family and one for components."""
    lines = [
        "# Compatibility",
        "",
        "Generated by `hutong compat-doc` from the runtime's own registries (what `wx` has at run",
        "time, `partial` in `runtime/logic/api/index.js`, the built-in components registry); a test",
        "fails when this file and the code disagree, so edit the code and regenerate, never this file.",
        "",
        "Anything unsupported answers `canIUse` false; calling it fails with `<name>:fail not supported`,",
        "warns once in the console and is reported as an `unsupported` diagnostic (`hutong check` lists it).",
        "",
    ]
    counts = {"supported": 0, "partial": 0, "unsupported": 0}
    tables: list[str] = []
    for family, names in compat.catalog.items():
        rows = []
        for name in names:
            status, note = _status(compat, name)
            counts[status] += 1
            rows.append(f"| `wx.{name}` | {status} | {_cell(note)} |")
        done = sum(1 for name in names if _status(compat, name)[0] != "unsupported")
        tables += [f"### {FAMILY_TITLES.get(family, family)} ({done}/{len(names)})", ""]
        tables += ["| API | status | what is missing |", "|---|---|---|", *rows, ""]
    total = sum(counts.values())
    lines += [
        "## APIs",
        "",
        f"{total} `wx` functions in WeChat's reference (miniprogram-api-typings): "
        f"{counts['supported']} supported, {counts['partial']} partial, {counts['unsupported']} unsupported.",
        "",
        "Every object a supported or partial factory returns (contexts, managers, tasks), and every object",
        "their own methods return (a SelectorQuery's NodesRef, a CanvasGradient, Stats, …), has each method",
        "WeChat documents for it (`runtime/logic/api/members.js`, checked by tests/test_runtime_members.py);",
        "what such a method cannot do here is in the factory's row (NodesRef.ref answers `ref: null`: WeChat",
        "gives Ref objects under Skyline only).",
        "",
        *tables,
    ]
    if compat.extra:
        lines += ["### Also in `wx`", "", ", ".join(f"`wx.{name}`" for name in compat.extra), ""]
    lines += ["## Components", ""]
    if compat.components is None:
        lines += [
            "The built-in components registry (`runtime/view/components/registry.js`) is not in this",
            "build: each built-in tag renders as an element with WeChat's default styles, nothing more.",
            "",
            "| component | status | what is missing |",
            "|---|---|---|",
            *(f"| `<{tag}>` | unknown | |" for tag in compat.tags),
            "",
        ]
    else:
        lines += ["| component | status | what is missing |", "|---|---|---|"]
        for tag in compat.tags:
            entry = compat.components.get(tag) or {"status": "unsupported"}
            raw = entry.get("missing") or ""
            missing = raw if isinstance(raw, str) else ", ".join(str(item) for item in raw)
            lines.append(f"| `<{tag}>` | {entry.get('status', 'unsupported')} | {_cell(missing)} |")
        lines.append("")
    lines += _BEHAVIOURS
    lines += compat_section()
    return "\n".join(lines)


async def generate() -> str:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return render(await collect(browser))
        finally:
            await browser.close()
