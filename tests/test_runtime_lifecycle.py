"""App and Page behave as mini programs expect: lifecycle order, setData, navigation, errors, background."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app, wait_until_drawn

pytestmark = pytest.mark.browser


async def test_app_and_page_lifecycle_and_set_data(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-lifecycle", "&query=from%3Dtest")
    view = app.view()
    # Components are created and attached before the page's onLoad; ready comes before onReady.
    await expect(view.locator("#order")).to_have_text(
        'app:launch:pages/index/index:1001:{"from":"test"} app:show wx:show probe:created probe:attached:one '
        'page:load:{"from":"test"} page:show probe:ready page:ready'
    )
    await expect(view.locator(".probe")).to_have_text("probe one")

    # setData: path keys, this.data changes at once, the callback runs after the render.
    await view.locator("#update").click()
    await expect(view.locator("#deep")).to_have_text("after")
    await expect(view.locator("#list")).to_have_text("0,1,2,three,")
    await expect(view.locator("#sync")).to_have_text("sync after three")
    await expect(view.locator("#callback")).to_have_text("called after after")
    # An object attribute reaches the element as a property, also when changed in place by a path.
    assert await view.locator("#props").evaluate("el => el.__props.items") == [0, 1, 2, "three"]

    # Over 1024 kB is refused with an error the app can catch.
    await view.locator("#big").click()
    await expect(view.locator("#too-big")).to_contain_text("refused: setData: the data exceeds 1024 kB")

    # navigateTo with a relative URL, the query, an EventChannel both ways, and back again.
    await view.locator("#open").click()
    detail = app.view()
    await expect(detail.locator("#query")).to_have_text("7/tea")
    await expect(detail.locator("#opener")).to_have_text("hello detail")
    await expect(detail.locator("#depth")).to_have_text("2")
    await expect(app.page.locator(".hutong-back")).to_be_visible()
    await detail.locator("#reply").click()
    await detail.locator("#back").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(1)
    view = app.view()
    await expect(view.locator("#from-detail")).to_have_text("hello opener")
    await expect(view.locator("#shows")).to_have_text("2")

    # A page built with Component(): the query fills its properties, onLoad is one of its methods.
    await wait_until_drawn(view.locator("#open-comp"))
    await view.locator("#open-comp").click()
    comp = app.view()
    await expect(comp.locator("#comp-page")).to_have_text("9 loaded:9:pages/comp/comp attached")
    await comp.locator("#comp-back").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(1)
    view = app.view()
    # Shown again: its third onShow.
    await expect(view.locator("#shows")).to_have_text("3")

    # An uncaught error reaches App.onError and the developer panel, with the source file and line.
    await wait_until_drawn(view.locator("#boom"))
    await view.locator("#boom").click()
    await expect(app.page.locator("#dev-panel")).to_contain_text("(pages/index/index.js:42)")
    await view.locator("#reject").click()
    await view.locator("#refresh").click()
    await expect(view.locator("#errors")).to_contain_text("pages/index/index.js:42")
    await expect(view.locator("#errors")).to_contain_text("wx.onError:1")
    await expect(view.locator("#rejections")).to_have_text("nobody caught this")
    await expect(view.locator("#pages")).to_have_text("1")
    # An API the runtime lacks fails the WeChat way (fail callback) instead of throwing.
    await expect(view.locator("#missing")).to_have_text(
        "updateWeChatApp:fail not supported canIUse:true/false"
    )

    # The runtime survives: the page still answers. Then to the background and back.
    await app.page.locator("#close-app").click()
    await app.page.get_by_role("button", name="lifecycle").click()
    await wait_until_drawn(app.view().locator("#refresh"))
    await app.view().locator("#refresh").click()
    await expect(app.view().locator("#order")).to_contain_text(
        "page:ready page:show page:show app:hide wx:hide app:show wx:show page:show"
    )
    await expect(app.view().locator("#shows")).to_have_text("4")
    assert app.errors == []
    await app.page.close()


async def test_launch_path_not_found_goes_to_on_page_not_found(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-lifecycle", "&path=pages/missing/page")
    await expect(app.view().locator("#query")).to_have_text("404/page")
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(1)
    assert app.errors == []
    await app.page.close()


async def test_app_code_runs_in_sloppy_mode_unless_it_asks_for_strict(
    live_server: LiveServer, browser: Browser
) -> None:
    """Code written for sloppy mode (implicit globals, arguments.callee) runs as it does in WeChat, and
    `global` is there for npm code that looks for it."""
    opened = await open_app(browser, live_server, "test-sloppy")
    view = opened.view()
    await expect(view.locator("#result")).to_have_text("ok 121 shared")
    await expect(view.locator("#strict")).to_have_text("strict true")
    assert opened.errors == []
    assert await opened.dev_panel_text() == ""
    await opened.page.close()
