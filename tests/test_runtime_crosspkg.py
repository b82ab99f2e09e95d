"""A component of another subpackage used without a componentPlaceholder (tests/apps/crosspkg): WeChat
builds the app and fails only at run time, while that package is not loaded ("Component is not found
in path"); once it has loaded, the same page draws the component, with its styles."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser

MISSING = 'Component is not found in path "b/card/card" (using by "pages/home/home")'


async def test_a_component_across_packages_fails_only_until_its_package_loads(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-crosspkg")
    home = app.view()
    await expect(home.locator("#after")).to_have_text("after")
    await expect(home.locator("#errors")).to_have_text(MISSING)
    await expect(home.locator(".card")).to_have_count(0)

    await home.locator("#go").click()
    await expect(app.view().locator("#inb")).to_have_text("in b")
    await app.view().locator("#home").click()
    again = app.view()
    await expect(again.locator(".card")).to_have_text("card: from home")
    await expect(again.locator(".card")).to_have_css("color", "rgb(200, 0, 0)")
    await expect(again.locator(".note")).to_have_text("note")
    # Reported once: the first showing, not the second; never for b-note, which has a placeholder.
    await expect(again.locator("#errors")).to_have_text(MISSING)
    await app.page.close()
