"""Escapes tried from the logic thread by app code the platform compiled (tests/hostile/apps/hostile,
pages/worker): network of its own, code from strings, nested workers, the host's cookies and storage,
the parent window. Each must fail, seen from inside (the attempt's own outcome) and from outside (no
request reached the canary server, the host's secrets are untouched)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.conftest import LiveServer, allow_domains
from tests.hostile.conftest import Canary, host_secrets_intact, open_hostile

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = pytest.mark.fresh_context

ATTEMPTS = [
    "fetch",
    "xhr",
    "websocket",
    "eventsource",
    "import-scripts",
    "dynamic-import",
    "recover-network",
    "nested-worker",
    "eval",
    "new-function",
    "function-via-prototype",
    "function-near-return-this",
    "async-function-constructor",
    "generator-function-constructor",
    "string-timer",
    "webassembly",
    "blob-url",
    "host-cookie",
    "host-local-storage",
    "host-session-storage",
    "host-indexeddb",
    "indexeddb-names",
    "cache-storage",
    "parent-window",
    "navigate-top",
    "request-platform-with-cookies",
    "socket-platform",
    "request-credentials",
]


async def test_every_escape_from_the_logic_thread_fails(
    browser: Browser, live_server: LiveServer, canary: Canary
) -> None:
    # The canary and the platform itself are on the app's lists: the canary so that one request can
    # show it carries no cookie, the platform so that only the host's own rule refuses it.
    socket_origin = live_server.url.replace("http", "ws")
    await allow_domains(
        live_server, "test-hostile", {"request": [canary.url, live_server.url], "socket": [socket_origin]}
    )
    app = await open_hostile(browser, live_server, "test-hostile", "pages/worker/worker", canary)
    outcomes = await app.outcomes()
    assert sorted(outcomes) == sorted(ATTEMPTS)
    escaped = {name: outcome for name, outcome in outcomes.items() if not outcome.startswith("blocked")}
    assert escaped == {}
    # Blocked for the right reasons: the host refuses its own origin; the allowed request has no cookie.
    assert "url not in domain list" in outcomes["request-platform-with-cookies"]
    assert "url not in domain list" in outcomes["socket-platform"]
    assert outcomes["request-credentials"] == "blocked: got nothing (no cookie)"
    assert "unsafe-eval" in outcomes["eval"] and "unsafe-eval" in outcomes["new-function"]
    assert "unsafe-eval" in outcomes["function-near-return-this"]
    # Seen from outside: nothing reached the canary but the one request the host made for the app
    # (the canary is on its list), and it carried no cookie of the host's.
    assert canary.escapes(allowed=("request-credentials",)) == []
    assert canary.leaked() == []
    assert all("cookie" not in hit.headers for hit in canary.hits)
    await host_secrets_intact(app.page)
    await app.page.close()
