"""The native tab bar draws the icons of app.json and wx.setTabBarItem as WeChat does: the selected icon
on the selected tab, a 24px icon over 10px text, badges and red dots on the icon's corner
(tests/apps/tabicons: one tab with text, one with an icon only)."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Locator, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser

# The colour in the middle of a tab's icon, read back from the image the host drew.
ICON_COLOUR = """async (img) => {
  if (!img.complete) await new Promise((resolve) => img.addEventListener('load', resolve, { once: true }));
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const context = canvas.getContext('2d');
  context.drawImage(img, 0, 0, 1, 1);
  return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3));
}"""
GREY, GREEN, BLUE, RED, YELLOW = [128, 128, 128], [7, 193, 96], [0, 0, 255], [255, 0, 0], [255, 255, 0]


async def colour(tab: Locator) -> list[int]:
    result: list[int] = await tab.locator("img.hutong-tab-icon").evaluate(ICON_COLOUR)
    return result


async def test_tab_icons_selection_badges_and_set_tab_bar_item(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-tabicons")
    tabs = app.page.locator(".hutong-tab")
    await expect(tabs).to_have_count(3)
    home, cart, me = tabs.nth(0), tabs.nth(1), tabs.nth(2)
    # The selected tab shows its selectedIconPath; paths may start with / or ./ (from the root).
    assert await colour(home) == GREEN
    assert await colour(cart) == BLUE
    assert await colour(me) == RED
    icon = await home.locator("img").bounding_box()
    label = await home.locator(".hutong-tab-text").bounding_box()
    assert icon and label and (icon["width"], icon["height"]) == (24, 24)
    assert label["y"] >= icon["y"] + icon["height"]  # the text under the icon
    assert await home.locator(".hutong-tab-text").evaluate("el => getComputedStyle(el).fontSize") == "10px"
    await expect(home.locator(".hutong-tab-text")).to_have_text("Home")
    # An icon-only tab has no text, and is still named for assistive technology.
    await expect(cart.locator(".hutong-tab-text")).to_have_count(0)
    await expect(cart).to_have_attribute("aria-label", "pages/cart/cart")
    # Badge and red dot sit on the icon's top right corner.
    await app.view().locator("#badge").click()
    badge = cart.locator(".hutong-tab-badge")
    await expect(badge).to_have_text("3")
    cart_icon = await cart.locator("img").bounding_box()
    badge_box = await badge.bounding_box()
    assert cart_icon and badge_box
    assert badge_box["y"] < cart_icon["y"] + 4 and badge_box["x"] > cart_icon["x"] + cart_icon["width"] / 2
    dot = await me.locator(".hutong-tab-dot").bounding_box()
    me_icon = await me.locator("img").bounding_box()
    assert dot and me_icon and dot["x"] > me_icon["x"] + me_icon["width"] / 2 and dot["y"] < me_icon["y"] + 4
    # wx.setTabBarItem changes the text and both icons.
    await app.view().locator("#swap").click()
    await expect(me.locator(".hutong-tab-text")).to_have_text("Mine")
    assert await colour(me) == YELLOW
    # Selecting a tab swaps the icons: the new one shows its selected icon, the old one its plain icon.
    await me.click()
    await expect(me).to_have_attribute("aria-selected", "true")
    assert await colour(me) == GREEN
    assert await colour(home) == GREY
    assert app.errors == []
    await app.page.close()
