"""Routing and the window: tab bar, navigateTo/redirectTo/reLaunch/switchTab, limits, the navigation
bar, pull-down refresh, reaching the bottom and scrolling."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_routing_and_window(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-routing")
    host = app.page
    title = host.locator(".hutong-title")
    navbar = host.locator(".hutong-navbar")
    tabs = host.locator(".hutong-tab")
    await expect(app.view().locator("#home")).to_have_text("home 1")
    await expect(title).to_have_text("Home")
    assert await navbar.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(17, 34, 51)"
    await expect(tabs).to_have_count(2)
    await expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    await expect(host.locator(".hutong-back")).to_be_hidden()
    await expect(host.locator(".hutong-home")).to_be_hidden()

    # navigateTo refuses tab pages and pages that do not exist.
    await app.view().locator("#to-tab").click()
    await expect(app.view().locator("#result")).to_have_text(
        "navigateTo:fail can not navigateTo a tabbar page"
    )
    await app.view().locator("#to-missing").click()
    await expect(app.view().locator("#result")).to_have_text(
        'navigateTo:fail page "pages/nope/nope" is not found'
    )

    # The native tab bar switches tabs; the tab page hears onTabItemTap; home stays alive.
    await tabs.nth(1).click()
    await expect(title).to_have_text("Mine")
    await expect(host.locator("iframe.hutong-page")).to_have_count(2)
    mine = host.frame_locator("iframe.hutong-page:not([hidden])")
    await expect(mine.locator("#taps")).to_have_text("1:pages/mine/mine;")

    # A non-tab page: no tab bar, a back button.
    await mine.locator("#to-list").click()
    await expect(title).to_have_text("List")
    await expect(host.locator(".hutong-tabbar")).to_be_hidden()
    await expect(host.locator(".hutong-back")).to_be_visible()
    page = host.frame_locator("iframe.hutong-page:not([hidden])")
    await page.locator("#decorate").click()
    await expect(title).to_have_text("Decorated")
    await expect(host.locator(".hutong-nav-loading")).to_be_visible()
    assert await navbar.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(255, 0, 0)"

    # Pull-down refresh: by the API and by dragging the page down from the top.
    status = page.locator("#status")
    await page.locator("#refresh-api").click()
    await expect(status).to_have_text("bottom 0 refresh 1 scrolled no")
    box = await page.locator("#status").bounding_box()
    assert box is not None
    await host.mouse.move(box["x"] + 5, box["y"] + 5)
    await host.mouse.down()
    await host.mouse.move(box["x"] + 5, box["y"] + 120, steps=5)
    await host.mouse.up()
    await expect(status).to_have_text("bottom 0 refresh 2 scrolled no")
    # Scrolling: onPageScroll, and onReachBottom once per entry into the bottom zone.
    await expect(page.locator("#seen")).to_have_text("")
    await page.locator("#end").scroll_into_view_if_needed()
    await expect(status).to_have_text("bottom 1 refresh 2 scrolled yes")
    # An IntersectionObserver relative to the viewport; pageScrollTo back to the top.
    await expect(page.locator("#seen")).to_have_text("in;")
    await page.locator("#to-top").click()
    await expect(page.locator("#seen")).to_have_text("in;out;")

    # redirectTo replaces the page; navigationStyle custom hides the bar.
    await page.locator("#to-custom").click()
    custom = host.frame_locator("iframe.hutong-page:not([hidden])")
    await expect(custom.locator("#custom")).to_have_text("custom 2")
    await expect(navbar).to_be_hidden()

    # reLaunch leaves one page: a home button instead of back.
    await custom.locator("#relaunch").click()
    deep = host.frame_locator("iframe.hutong-page:not([hidden])")
    await expect(deep.locator("#deep")).to_have_text("deep 1 of 1")
    await expect(host.locator("iframe.hutong-page")).to_have_count(1)
    await expect(host.locator(".hutong-home")).to_be_visible()
    # The stack holds ten pages at most.
    await deep.locator("#chain").click()
    top = host.frame_locator("iframe.hutong-page:not([hidden])")
    await expect(top.locator("#deep")).to_have_text("deep 10 of 10")
    await expect(top.locator("#fail")).to_have_text("navigateTo:fail webview count limit exceed")
    await expect(host.locator("iframe.hutong-page")).to_have_count(10)
    # switchTab closes every non-tab page.
    await top.locator("#home").click()
    await expect(host.locator("iframe.hutong-page")).to_have_count(1)
    await expect(app.view().locator("#home")).to_have_text("home 1")
    await expect(tabs.nth(0)).to_have_attribute("aria-selected", "true")
    assert app.errors == []
    await host.close()


async def test_custom_tab_bar(live_server: LiveServer, browser: Browser) -> None:
    """tabBar.custom: each tab page shows custom-tab-bar/index, which the page reaches with getTabBar()."""
    app = await open_app(browser, live_server, "test-customtab")
    host = app.page
    one = host.frame_locator("iframe.hutong-page:not([hidden])")
    await expect(one.locator("#page-one")).to_have_text("page one")
    await expect(host.locator(".hutong-tabbar")).to_be_hidden()
    await expect(one.locator("#tab-0")).to_have_class("tab on")
    await one.locator("#tab-1").click()
    two = host.frame_locator("iframe.hutong-page:not([hidden])")
    await expect(two.locator("#page-two")).to_have_text("page two")
    await expect(two.locator("#tab-1")).to_have_class("tab on")
    assert await two.locator("#tab-1").evaluate("el => getComputedStyle(el).color") == "rgb(7, 193, 96)"
    assert app.errors == []
    await host.close()
