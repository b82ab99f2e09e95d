"""Visit every page of a compiled mini program in headless Chromium and judge each one.

A page passes only if its first content arrives, something visible is drawn, and no uncaught error,
console error or unsupported component or API shows up. A blank or broken page never passes.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import tempfile
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from playwright.async_api import Browser, ConsoleMessage, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError
from sqlalchemy import select

from hutong.check.browser import CHROMIUM, CHROMIUM_ARGS
from hutong.check.domains import domain_lists
from hutong.check.report import CheckReport, PageReport
from hutong.compiler import BuildResult, CompileError, build_project
from hutong.compiler.project import load_project
from hutong.server.accounts import service as accounts
from hutong.server.accounts.auth import SESSION_COOKIE
from hutong.server.app import shell_response
from hutong.server.apps import service
from hutong.server.apps.models import DOMAIN_KINDS, App
from hutong.server.db import Database
from hutong.server.db.migrate import fresh_sqlite
from hutong.server.embedded import embedded_server
from hutong.server.sealing import Keyring
from hutong.server.storage import BlobStore
from hutong.settings import Settings

CHECK_APPID = "hutong-check"
# The run's own user, in the run's throwaway database.
CHECK_USER = "check@example.com"

# Measures what a page draws, shadow roots included: characters of text and elements with a size.
_MEASURE = """
() => {
  const root = document.querySelector('wx-page');
  if (!root) return { text: 0, visible: 0 };
  let text = 0, visible = 0;
  // What sits in an element without a size is not drawn, except position: fixed elements, which
  // leave their container (a floating button in an empty view is drawn all the same).
  const walk = (node, shown) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) { if (shown) text += child.nodeValue.trim().length; continue; }
      if (child.nodeType !== 1) continue;
      const style = getComputedStyle(child);
      if (style.display === 'none') continue;
      const rect = child.getBoundingClientRect();
      const sized = rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden';
      const drawn = sized && (shown || style.position === 'fixed');
      if (drawn) visible += 1;
      if (child.shadowRoot) walk(child.shadowRoot, drawn);
      walk(child, drawn);
    }
  };
  walk(root, true);
  return { text, visible };
}
"""


# The top page's frame of the app on screen (others are hidden, closing or spare).
_EGRESS_UNREACHABLE = re.compile(r"^Failed to load resource: the server responded with a status of 50[24]\b")
_TOP_FRAME = ".surface:not([hidden]) iframe.hutong-page:not([hidden])"
_MEASURE_TRIES = 10


def all_pages(directory: Path) -> list[str]:
    """Every page of app.json, subpackages included, in app.json's order."""
    app_config = load_project(directory).app_config
    pages = [str(page).strip("/") for page in app_config.get("pages", [])]
    for package in app_config.get("subpackages") or app_config.get("subPackages") or []:
        root = str(package.get("root", "")).strip("/")
        pages.extend(f"{root}/{str(page).strip('/')}" for page in package.get("pages", []))
    return pages


# The marker the host's network code reads (runtime/host/api/network.js): allow every origin, with a
# banner over the app saying so. Only this run's own throwaway server serves it.
_ANY_DOMAIN_META = '<meta name="hutong-any-domain" content="hutong check --allow-any-domain">'


async def _publish(settings: Settings, build: BuildResult, domains: dict[str, list[str]]) -> str:
    """Publish the build; returns the session token of the run's throwaway signed-in user."""
    # The run's database is a new SQLite file in its own temporary folder (never the platform's).
    await asyncio.to_thread(fresh_sqlite, settings.data_dir / "hutong.db")
    database = Database(settings.effective_database_url, Keyring.from_settings(settings))
    try:
        # A WeChat user is always signed in, and apps call wx.login at launch (the quick-start
        # template does): without a user, the host's sign-in sheet would cover every page.
        async with database.session() as session:
            user = await accounts.sign_up(session, CHECK_USER, secrets.token_urlsafe(24), name="check")
            signed_in = await accounts.start_session(session, user)
            await session.commit()
        async with database.session() as session:
            await service.publish(
                session,
                BlobStore(settings.blob_dir),
                appid=CHECK_APPID,
                name="check",
                description="",
                version="0.0.0-check",
                build=build,
            )
        if any(domains.values()):
            # Straight into this run's database: the platform's API takes https/wss names only, and
            # a check may point at a loopback back end.
            async with database.session() as session:
                app = await session.scalar(select(App).where(App.appid == CHECK_APPID))
                assert app is not None
                app.domains = {kind: list(domains.get(kind, [])) for kind in DOMAIN_KINDS}
                await session.commit()
    finally:
        await database.dispose()
    return signed_in.token


def _lift_allow_list(platform: FastAPI) -> None:
    """Serve the host page with the any-domain marker, ahead of the platform's own "/"."""

    async def index() -> HTMLResponse:
        html: str = platform.state.shell_html
        # The platform's own policy still: the check measures what production would run.
        return shell_response(html.replace("</head>", f"{_ANY_DOMAIN_META}\n</head>", 1))

    platform.add_api_route("/", index, methods=["GET"], include_in_schema=False)
    ours = platform.router.routes[-1]
    del platform.router.routes[-1]
    platform.router.routes.insert(0, ours)


async def _visit(
    browser: Browser,
    base_url: str,
    route: str,
    timeout_ms: float,
    screenshots: Path | None,
    session_token: str,
) -> PageReport:
    report = PageReport(route=route)
    context = await browser.new_context()
    await context.add_cookies([{"name": SESSION_COOKIE, "value": session_token, "url": base_url}])
    page = await context.new_page()

    def on_console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        unreachable = _unreachable(message, base_url)
        if unreachable is None:
            report.console_errors.append(message.text)
        elif unreachable not in report.unreachable:
            report.unreachable.append(unreachable)

    page.on("console", on_console)
    page.on("pageerror", lambda error: report.errors.append(f"host: {error}"))
    try:
        await page.goto(f"{base_url}/?open={CHECK_APPID}&path={quote(route)}")
        await _wait_for_first_content(page, report, timeout_ms)
        if report.status == "ok":
            measure = await _measure_top_page(page)
            if measure["text"] == 0 and measure["visible"] == 0:
                report.status = "blank"
        if screenshots is not None:
            await asyncio.to_thread(screenshots.mkdir, parents=True, exist_ok=True)
            target = screenshots / (route.replace("/", "_") + ".png")
            # The picture is the app's screen: the host's developer panel (opened by the first error,
            # over the bottom of the phone: a tab bar, a bottom button) is closed for it; the errors
            # are the report's. (Not Playwright's `style`: the host's CSP refuses inline styles.)
            await page.evaluate(_CLOSE_DEV_PANEL)
            await page.locator("main.phone").screenshot(path=str(target))
            report.screenshot = str(target)
        # Read once everything above is done, so an error the app raised while it was measured or
        # pictured (a wx.login callback, a request's answer) is in the report, not only on the picture.
        log: list[dict[str, Any]] = await page.evaluate("window.__hutongLog || []")
        for entry in log:
            if entry.get("kind") == "error":
                report.errors.append(str(entry.get("message")))
            elif entry.get("kind") == "unsupported":
                name = f"{entry.get('what')}:{entry.get('name')}"
                if name not in report.unsupported:
                    report.unsupported.append(name)
            elif entry.get("kind") == "warning":
                text = str(entry.get("text"))
                if text not in report.warnings:
                    report.warnings.append(text)
            elif entry.get("kind") == "refused":
                name = f"{entry.get('what')}:{entry.get('origin')}"
                if name not in report.refused:
                    report.refused.append(name)
        if report.errors and report.status == "ok":
            report.status = "error"
    finally:
        await context.close()
    return report


_CLOSE_DEV_PANEL = "{ const panel = document.getElementById('dev-panel'); if (panel) panel.hidden = true; }"


def _unreachable(message: ConsoleMessage, base_url: str) -> str | None:
    """The browser's own note that a remote resource (a network image, say) could not be reached at
    all: no name resolution, no route. That is the checking machine's network, not the app or the
    runtime (WeChat shows a broken image and logs no error), so it is reported but does not fail the
    page. So is the egress proxy's 502/504 (it could not reach the app's server; the app hears
    `request:fail` and the report has that). A server's error status, or anything else from the
    platform itself, stays a console error."""
    text = message.text
    url = str(message.location.get("url") or "")
    if url.startswith(f"{base_url}/api/apps/") and url.endswith("/egress"):
        if _EGRESS_UNREACHABLE.search(text):
            return f"{url} ({text.removeprefix('Failed to load resource: ')})"
        return None
    if not text.startswith("Failed to load resource: net::"):
        return None
    if not url.startswith(("http://", "https://")) or url.startswith(base_url):
        return None
    return f"{url} ({text.removeprefix('Failed to load resource: ')})"


async def _measure_top_page(page: Page) -> dict[str, int]:
    """What the page on screen draws. The app may have moved on (a splash page that opens the next
    one): the frame on top is measured, one that closes meanwhile is looked up again, and a page
    still blank is given a moment (the next page's first render may be on its way)."""
    blank = {"text": 0, "visible": 0}
    for _ in range(_MEASURE_TRIES):
        handles = await page.query_selector_all(_TOP_FRAME)
        frame = await handles[-1].content_frame() if handles else None
        if frame is not None:
            try:
                measured: dict[str, int] = await frame.evaluate(_MEASURE)
            except PlaywrightError:
                measured = blank  # that frame closed: the next page is taking its place
            if measured["text"] or measured["visible"]:
                return measured
        await page.wait_for_timeout(200)
    return blank


async def _wait_for_first_content(page: Page, report: PageReport, timeout_ms: float) -> None:
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        log: list[dict[str, Any]] = await page.evaluate("window.__hutongLog || []")
        first = next((entry for entry in log if entry.get("kind") == "firstcontent"), None)
        if first is not None:
            report.first_content_ms = float(first.get("ms", 0))
            # Let the first round of the page's own work (onLoad, setData, requests) settle.
            await page.wait_for_timeout(300)
            return
        if any(entry.get("kind") == "fatal" for entry in log):
            report.status = "error"
            return
        await page.wait_for_timeout(50)
    report.status = "timeout"


async def check_project(
    directory: Path,
    *,
    timeout_ms: float = 10_000,
    screenshots: Path | None = None,
    pages: str = "all",
    allow_domains: list[str] | None = None,
    allow_any_domain: bool = False,
    jobs: int = 3,
    browser: Browser | None = None,
) -> CheckReport:
    """Check every page (or the first). ``allow_domains`` puts origins on the app's domain lists for
    this run (raises ``OriginError`` for one that is not an origin); ``allow_any_domain`` lifts the
    allow-list as `hutong dev` does, and the report says so. ``jobs`` pages are open at once, each in
    a fresh browser context (a profile of its own, so pages never see each other's storage); the
    report keeps app.json's order. ``browser`` is a headless Chromium to open those contexts in (the
    test suite shares one across runs: starting Playwright and Chromium is ~1 s of every run); without
    one, the run launches its own."""
    domains = domain_lists(allow_domains or [])
    report = CheckReport(
        project=str(directory),
        allowed_domains=list(domains["request"]),
        allow_any_domain=allow_any_domain,
    )
    started = time.perf_counter()
    try:
        build = build_project(directory)
        routes = all_pages(directory)
    except CompileError as error:
        report.compile_error = str(error)
        return report
    report.compile_ms = (time.perf_counter() - started) * 1000
    report.warnings = list(build.warnings)
    if pages != "all":
        routes = routes[:1]
    with tempfile.TemporaryDirectory(prefix="hutong-check-") as data_dir:
        # Its own throwaway SQLite, whatever HUTONG_DATABASE_URL says: a check never touches a platform.
        # No outbox worker: its scheduled upkeep (analytics, reconciliation, reminders, pruning) has
        # nothing to do in an empty database, and ran at start, taking the CPU the pages load with.
        settings = Settings(data_dir=Path(data_dir), database_url=None, outbox_worker=False)
        session_token = await _publish(settings, build, domains)
        prepare = _lift_allow_list if allow_any_domain else None
        async with AsyncExitStack() as stack:
            base_url = await stack.enter_async_context(embedded_server(settings, prepare=prepare))
            if browser is None:
                playwright = await stack.enter_async_context(async_playwright())
                browser = await launch_browser(playwright)
                stack.push_async_callback(browser.close)
            chromium = browser
            # Most of a visit is waiting (the first content, the page's first round of work), so a
            # few at once finish sooner even on two cores.
            turns = asyncio.Semaphore(max(1, jobs))

            async def visit(route: str) -> PageReport:
                async with turns:
                    return await _visit(chromium, base_url, route, timeout_ms, screenshots, session_token)

            report.pages.extend(await asyncio.gather(*(visit(route) for route in routes)))
    return report


async def launch_browser(playwright: Playwright) -> Browser:
    """Headless Chromium as every check visits with (browser.py: never a downloaded browser)."""
    return await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
