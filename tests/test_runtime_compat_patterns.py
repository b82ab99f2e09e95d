"""Patterns public mini programs rely on, each reproduced in our own test app (tests/apps/compat-patterns)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_behavior_definition_filter_rewrites_the_component_using_it(
    live_server: LiveServer, browser: Browser
) -> None:
    """definitionFilter adds observers and methods to the definition (computed fields), and a behavior
    may pass on the filters of the behaviors it uses."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/computed/computed")
    view = app.view()
    await expect(view.locator(".sum")).to_have_text("5+2=7 tagged")
    await view.locator("#bump").click()
    await expect(view.locator(".sum")).to_have_text("5+12=17 tagged")
    assert app.errors == []
    await app.page.close()


async def test_a_page_whose_module_is_missing_fails_alone(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/missing/missing")
    # The require fails when the page loads, reported with the module that asked for it.
    await expect(app.page.locator("#dev-panel")).to_contain_text("gone-helper")
    await app.page.close()
    # The rest of the app runs.
    app = await open_app(browser, live_server, "test-compat-patterns")
    await expect(app.view().locator(".sum")).to_have_text("5+2=7 tagged")
    await app.page.close()


async def test_a_component_used_where_it_is_not_declared_is_a_plain_element(
    live_server: LiveServer, browser: Browser
) -> None:
    """The app declares sum-box for another page only: WeChat draws the tag as a plain element with its
    content, so this is the app's slip and not something the runtime lacks."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/undeclared/undeclared")
    view = app.view()
    await expect(view.locator("#inside")).to_have_text("inside")
    await expect(view.locator(".sum")).to_have_count(0)
    log = await app.page.evaluate("window.__hutongLog")
    assert [entry for entry in log if entry["kind"] == "unsupported"] == []
    assert app.errors == []
    await app.page.close()
