"""Escapes tried through the page frame (tests/hostile/apps/hostile, pages/markup): the frame runs no
app code, so the app tries to make it run some, or leave, through what it controls: markup and
attributes (event handlers, javascript: links, svg, iframe, meta refresh, script, object, base, link),
rich-text in both forms, styles, links to the top window or a new one, <navigator>, <web-view>. Any
payload that ran would call the canary server and try to navigate the top window."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer
from tests.hostile.conftest import Canary, host_secrets_intact, open_hostile, wait_for_hit

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = pytest.mark.fresh_context

# Every element the page shows, through open shadow roots (components, rich-text): tag and attributes.
PAGE_ELEMENTS = """() => {
  const out = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      out.push({ tag: el.localName, attrs: el.getAttributeNames() });
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document.querySelector('wx-page'));
  return out;
}"""


async def test_markup_cannot_run_script_leave_the_frame_or_reach_the_host(
    browser: Browser, live_server: LiveServer, canary: Canary
) -> None:
    app = await open_hostile(browser, live_server, "test-hostile", "pages/markup/markup", canary)
    host_url = app.page.url
    view = app.view()
    await expect(view.locator("#ready")).to_be_attached()

    # Links and handlers need a person: click each (a payload given a user gesture is at its strongest).
    for selector in ("#a-javascript", "#a-top", "#a-blank", "#rich-a", "#rich-nodes-a"):
        await view.locator(selector).click()
    await view.locator("#event-attr").hover()
    await view.locator("#event-attr").click()
    await view.locator("#nav-external").click()
    await view.locator("#navigate-external").click()
    await expect(view.locator("#nav-result")).to_contain_text("blocked")
    await view.locator("#webview-on").click()
    await expect(view.locator("wx-web-view [role=alert]")).to_contain_text("javascript:")

    # A style's url() image is an ordinary load (WeChat's too): once it has arrived, the page's other
    # loads have been tried. It must not carry the host's cookie.
    await wait_for_hit(canary, "/hit/css-url")
    assert canary.escapes(allowed=("css-url",)) == []
    assert canary.leaked() == []

    # The host page is where it was, alone; the page frame is still the runtime's page.
    assert app.page.url == host_url
    assert app.page.context.pages == [app.page]
    frame = app.view_frame()
    assert frame.url.endswith("/view/view.html")
    # What would load or navigate was never created: no iframe, script, meta, base, link, object, embed.
    page_elements = await frame.evaluate(PAGE_ELEMENTS)
    dangerous = {"iframe", "script", "meta", "base", "link", "object", "embed", "form"}
    assert [e for e in page_elements if e["tag"] in dangerous] == []
    # (The compiler names unknown tags wx-<tag>, so they arrive as inert elements.)
    assert {"wx-iframe", "wx-meta", "wx-script"} <= {e["tag"] for e in page_elements}
    assert [e for e in page_elements if any(a.startswith("on") for a in e["attrs"])] == []
    await host_secrets_intact(app.page)
    await app.page.close()


def probe(name: str) -> str:
    text = (Path(__file__).parent / "probes" / name).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.startswith("//"))


async def test_raw_dom_operations_from_a_compromised_worker_stay_inert(
    browser: Browser, live_server: LiveServer, canary: Canary
) -> None:
    app = await open_hostile(browser, live_server, "test-hostile", "pages/storage/storage", canary)
    host_url = app.page.url
    view = app.view()
    await expect(view.locator("#done")).to_be_attached()
    worker = next(w for w in app.page.workers if w.url.startswith("data:"))
    await worker.evaluate(probe("raw_ops.js"), {"base": live_server.runtime, "canary": canary.url})
    await expect(view.locator("#raw-a")).to_be_attached()
    for selector in ("#raw-a", "#raw-a-top", "#raw-a-blank", "#raw-submit", "#raw-handler"):
        await view.locator(selector).click()
    await view.locator("#raw-a").hover()
    await wait_for_hit(canary, "/hit/raw-sync")
    assert canary.escapes(allowed=("raw-sync",)) == []
    assert app.page.url == host_url
    assert app.page.context.pages == [app.page]
    frame = app.view_frame()
    assert frame.url.endswith("/view/view.html")
    page_elements = await frame.evaluate(PAGE_ELEMENTS)
    dangerous = {"iframe", "script", "meta", "base", "link", "object", "embed", "form"}
    assert [e for e in page_elements if e["tag"] in dangerous] == []
    assert len([e for e in page_elements if e["tag"] == "hutong-inert"]) == 9
    # Code sent down the frame's port by the worker never ran: only the host's port may bring code.
    assert not await frame.evaluate("Boolean(document.getElementById('raw-code'))")
    assert [e for e in page_elements if any(a.startswith("on") or a == "srcdoc" for a in e["attrs"])] == []
    await host_secrets_intact(app.page)
    await app.page.close()
