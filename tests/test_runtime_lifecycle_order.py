"""Component lifecycles run in WeChat's order across a page and nested components (glass-easel: a
component's template is built before its own `created`; `attached` outermost first; `ready` innermost
first after the first render; `detached` innermost first, each relation unlinked after it)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_lifecycle_order_across_page_and_nested_components(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-lifecycle-order")
    view = app.view()
    await expect(view.locator("#order")).to_have_text(
        # created: the frame's template (its note) first, then the frame, whose property observer
        # runs after its created; then the frame's slot content.
        "note:created frame:created:note=yes frame:observer:a:set item:created "
        # attached: the frame, its template, its slot content; the relation links after the item's
        # attached, the parent hearing first and both sides already knowing each other.
        "frame:attached:a:note=yes note:attached:a-note item:attached:i1 frame:linked:i1:1 item:linked:a "
        "page:load page:show "
        # ready after the first render, innermost first, then the page's onReady.
        "note:ready:a-note item:ready:i1 frame:ready:a page:ready"
    )
    # setData in created changes the data the first render shows.
    await expect(view.locator(".note")).to_have_text("a-note hello")

    await view.locator("#remove").click()
    await expect(view.locator("#removed")).to_have_text(
        "item:detached:i1 frame:unlinked:i1 item:unlinked:a note:detached:a-note frame:detached:a"
    )
    assert app.errors == []
    await app.page.close()


async def test_date_picker_pattern_finds_its_child_picker_and_linked_columns(
    live_server: LiveServer, browser: Browser
) -> None:
    """A component selects its child picker in created and attached, sets data, and after
    wx.nextTick drives the picker's columns, which the new data rendered and linked."""
    app = await open_app(browser, live_server, "test-lifecycle-order")
    view = app.view()
    await expect(view.locator("#picked")).to_have_text("created:same attached:yes 2024-05")
    await expect(view.locator(".column")).to_have_text(["2024", "05"])
    assert app.errors == []
    await app.page.close()
