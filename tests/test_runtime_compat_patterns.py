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
