"""Browser contexts handed out again, cleaned, instead of a new one for each test.

A new browser context costs about 0.5 s of CPU per mini program opened in it on top of the open
itself (Chromium sets up a profile and spawns its renderer processes cold), and the suite opens
hundreds. So the session's browser hands out the contexts of ``browser.new_page()`` and of
``browser.new_context()`` without options from a pool: at each test's end, a context it used is
cleaned and kept for the next one, with an about:blank page left open in it (a context left without
pages costs as much to use again as a new one).

Cleaned means: every page of the test closed (their sessionStorage, workers and memory with them);
cookies, permissions and the HTTP cache cleared; and for every origin any of its requests went to,
everything stored (local storage, IndexedDB, Cache Storage, service workers, file systems...), by
CDP's ``Storage.clearDataForOrigin``. tests/test_browser_pool.py proves a context starts clean.

A context is closed instead, never handed out again, when it holds what cleaning cannot take away:
the test changed it (an init script, a route, a binding, a CDP session, emulation, a listener...), it
was closed, or a page of it framed another origin (whose storage would be partitioned under the top
page's site, a key ``clearDataForOrigin`` does not reach). Tests marked ``fresh_context`` (first-visit
behaviour, service workers, offline, permissions, push, hostile apps) get a new context every time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Browser, BrowserContext, CDPSession, Page, Request

# A context's methods after which it keeps what cleaning does not reset.
_TAINTING = (
    "add_init_script",
    "expose_binding",
    "expose_function",
    "route",
    "route_from_har",
    "route_web_socket",
    "set_default_navigation_timeout",
    "set_default_timeout",
    "set_extra_http_headers",
    "set_geolocation",
    "set_offline",
    "grant_permissions",
    "new_cdp_session",
    "on",
    "once",
    "close",
)
# Idle contexts kept at most (each keeps a renderer process for its blank page).
_KEEP = 4


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


class _Pooled:
    def __init__(self, context: BrowserContext) -> None:
        self.context = context
        self.origins: set[str] = set()
        self.tainted = False
        self.keeper: Page | None = None
        self.cdp: CDPSession | None = None


class ContextPool:
    """The contexts of one browser: the ones in use by the running test, and the cleaned idle ones."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.idle: list[_Pooled] = []
        self.leased: list[_Pooled] = []
        self.enabled = True
        self.new_context_plain: Callable[..., Any] = browser.new_context
        self.new_page_plain: Callable[..., Any] = browser.new_page

    def install(self) -> None:
        """Route the browser's option-less new_page() and new_context() through the pool."""

        async def new_context(**options: Any) -> BrowserContext:
            if options or not self.enabled:
                context: BrowserContext = await self.new_context_plain(**options)
                return context
            return await self.lease()

        async def new_page(**options: Any) -> Page:
            if options or not self.enabled:
                page: Page = await self.new_page_plain(**options)
                return page
            return await (await self.lease()).new_page()

        setattr(self.browser, "new_context", new_context)  # noqa: B010 (mypy: a method, assigned)
        setattr(self.browser, "new_page", new_page)  # noqa: B010

    def owns(self, context: BrowserContext) -> bool:
        return any(entry.context is context for entry in (*self.idle, *self.leased))

    async def lease(self) -> BrowserContext:
        entry = self.idle.pop() if self.idle else self._watch(await self.new_context_plain())
        self.leased.append(entry)
        return entry.context

    def _watch(self, context: BrowserContext) -> _Pooled:
        entry = _Pooled(context)

        def on_request(request: Request) -> None:
            origin = _origin(request.url)
            if origin is None:
                return
            entry.origins.add(origin)
            if request.is_navigation_request():
                frame = request.frame
                if frame.parent_frame is not None and origin != _origin(frame.page.main_frame.url):
                    entry.tainted = True

        # The pool's own listener, added before `on` is wrapped below.
        context.on("request", on_request)

        def taint(name: str) -> None:
            original = getattr(context, name)

            def tainting(*args: Any, **kwargs: Any) -> Any:
                entry.tainted = True
                return original(*args, **kwargs)

            setattr(context, name, tainting)

        for name in _TAINTING:
            taint(name)
        return entry

    async def release(self) -> None:
        """At a test's end: clean each context it used and keep it, or close it."""
        leased, self.leased = self.leased, []
        for entry in leased:
            # A test that took the blank page for its own (context.pages[0]) has changed it.
            used = entry.keeper is not None and (
                entry.keeper.is_closed() or entry.keeper.url != "about:blank"
            )
            if entry.tainted or used or len(self.idle) >= _KEEP:
                await entry.context.close()
                continue
            try:
                await self._clean(entry)
            except Exception:
                await entry.context.close()
                raise
            self.idle.append(entry)

    async def _clean(self, entry: _Pooled) -> None:
        context = entry.context
        if entry.keeper is None or entry.keeper.is_closed():
            entry.keeper = await context.new_page()
            entry.cdp = await self.new_cdp_session(context, entry.keeper)
        for page in context.pages:
            if page is not entry.keeper:
                await page.close()
        assert entry.cdp is not None
        for origin in sorted(entry.origins):
            await entry.cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        entry.origins.clear()
        await entry.cdp.send("Network.clearBrowserCache")
        await context.clear_cookies()
        await context.clear_permissions()

    @staticmethod
    async def new_cdp_session(context: BrowserContext, page: Page) -> CDPSession:
        # The class's own method: the instance's is wrapped to mark a test's use.
        session: CDPSession = await BrowserContext.new_cdp_session(context, page)
        return session

    async def close(self) -> None:
        for entry in (*self.idle, *self.leased):
            await entry.context.close()
        self.idle, self.leased = [], []
