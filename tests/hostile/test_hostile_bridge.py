"""A compromised logic thread: what if the app ran any code at all in its worker (say, a hole in the
compiler)? Playwright evaluates code in the worker as that code would run, with the runtime's own
modules at hand (the policy lets the worker import them). It posts raw bridge messages claiming another
app or page, calls host internals, sends the frame raw DOM operations, pollutes prototypes, and tries
the policy itself. The host, the frame's own rules and the policy must hold each time."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Worker, expect

from tests.conftest import LiveServer
from tests.hostile.conftest import Canary, HostileApp, host_page, host_secrets_intact, open_hostile

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = pytest.mark.fresh_context


def probe(name: str) -> str:
    """A script from tests/hostile/probes, to evaluate in the worker."""
    text = (Path(__file__).parent / "probes" / name).read_text(encoding="utf-8")
    # The file starts with comment lines; what Playwright evaluates must start with the function.
    return "\n".join(line for line in text.splitlines() if not line.startswith("//"))


async def logic_worker(app: HostileApp) -> Worker:
    """The app's logic thread, once its runtime is up (the frame that starts it is on /_rt/)."""
    await expect(app.view().locator("#done")).to_be_attached()
    workers = [w for w in app.page.workers if w.url.startswith("data:")]
    assert len(workers) == 1, [w.url for w in app.page.workers]
    return workers[0]


async def test_the_policy_holds_for_any_code_in_the_worker(
    browser: Browser, live_server: LiveServer, canary: Canary
) -> None:
    app = await open_hostile(browser, live_server, "test-hostile", "pages/bridge/bridge", canary)
    worker = await logic_worker(app)
    outcomes = await worker.evaluate(probe("worker_policy.js"), canary.url)
    assert {name: o for name, o in outcomes.items() if not o.startswith("blocked")} == {}
    # Refused by the policy itself, not by something the app could undo.
    assert "EvalError" in outcomes["eval"] and "EvalError" in outcomes["new-function"]
    assert "Failed to fetch" in outcomes["import-remote"] and "Failed to fetch" in outcomes["import-data-url"]
    # The frame that started the worker has fetch, and the policy the worker inherited: no network.
    frame = next(f for f in app.page.frames if f.url.endswith("/logic/sandbox.html"))
    blocked = await frame.evaluate(
        "(canary) => fetch(canary + '/hit/sandbox-fetch').then(() => false, () => true)",
        canary.url,
    )
    assert blocked is True
    assert canary.hits == []
    await app.page.close()


# Raw messages to the host: a claimed app or page means nothing (the host knows the sender by the port),
# host-only message types and host internals are not API names, polluting arguments stay data.


async def test_raw_bridge_messages_cannot_claim_another_app_or_reach_host_internals(
    browser: Browser, live_server: LiveServer
) -> None:
    page = await host_page(browser, live_server)
    victim = await open_hostile(browser, live_server, "test-hostile-victim", "pages/index/index", page=page)
    await expect(victim.view().locator("#status")).to_have_text("saved")

    app = await open_hostile(browser, live_server, "test-hostile", "pages/bridge/bridge", page=page)
    outcomes = await app.outcomes()
    # The app's own calls past the public API: internal names are not wx APIs; nothing is authorised.
    assert {name: o for name, o in outcomes.items() if not o.startswith("blocked")} == {}
    worker = await logic_worker(app)
    answers = await worker.evaluate(probe("raw_messages.js"), live_server.runtime)
    internals = {
        name: answer
        for name, answer in answers.items()
        if not name.startswith("polluted") and name != "storage"
    }
    assert {n: a for n, a in internals.items() if not a.endswith(":fail not supported")} == {}
    # Nothing in the host was polluted, no dialog was drawn, the host still runs only these apps.
    state = await page.evaluate(
        """() => ({
          polluted: ({}).polluted ?? Object.prototype.polluted ?? null,
          dialogs: document.querySelectorAll('[role=dialog]:not([hidden]), dialog[open]').length,
          frames: [...document.querySelectorAll('iframe')].map((f) => new URL(f.src).pathname),
        })"""
    )
    assert state["polluted"] is None
    assert state["dialogs"] == 0
    root = urlsplit(live_server.runtime).path
    assert {frame.removeprefix(root) for frame in state["frames"]} <= {"view/view.html", "logic/sandbox.html"}
    # Settings stay unauthorised for this app, whatever it claimed.
    setting = await worker.evaluate(
        "async (base) => self[Symbol.for('hutong.modules')]['logic/call.js'].callHost('getSetting')",
        live_server.runtime,
    )
    assert True not in setting["authSetting"].values()

    # The victim, opened again, still has its own secret: nothing was written into its storage.
    again = await open_hostile(browser, live_server, "test-hostile-victim", "pages/index/index", page=page)
    await expect(again.view().locator("#status")).to_have_text("saved")
    await expect(again.view().locator("#secret")).to_have_text("VICTIM-SECRET-5f1c")
    await host_secrets_intact(page)
    await page.close()


async def test_polluting_its_own_runtime_catches_nothing_of_another_app(
    browser: Browser, live_server: LiveServer
) -> None:
    page = await host_page(browser, live_server)
    app = await open_hostile(browser, live_server, "test-hostile", "pages/bridge/bridge", page=page)
    hostile = await logic_worker(app)
    assert await hostile.evaluate(probe("pollute.js")) is True
    # The traps work: they catch the hostile app's own call.
    await hostile.evaluate(
        "async (base) => self[Symbol.for('hutong.modules')]['logic/call.js'].callHost('getSetting')",
        live_server.runtime,
    )
    # The victim opens beside it, from the home screen, while the hostile app stays alive.
    await page.locator("#close-app").click()
    await page.locator('[data-appid="test-hostile-victim"]').first.click()
    victim_view = page.frame_locator(".surface:not([hidden]) iframe.hutong-page").last
    await expect(victim_view.locator("#status")).to_have_text("saved")
    captured = "\n".join(await hostile.evaluate("globalThis.__captured"))
    assert '"name":"getSetting"' in captured
    assert "VICTIM-SECRET" not in captured and "test-hostile-victim" not in captured
    # The victim's thread and the host are clean: each app's worker is a world of its own.
    victim = next(w for w in page.workers if w.url.startswith("data:") and w != hostile)
    clean = (
        "() => [({}).polluted ?? null, String(MessagePort.prototype.postMessage).includes('[native code]')]"
    )
    assert await victim.evaluate(clean) == [None, True]
    assert await page.evaluate(clean) == [None, True]
    await page.close()
