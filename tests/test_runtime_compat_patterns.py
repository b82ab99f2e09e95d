"""Patterns public mini programs rely on, each reproduced in our own test app (tests/apps/compat-patterns)."""

from __future__ import annotations

import json

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
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=extra/pages/missing/missing")
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
    # A tag nothing declares is drawn the same way (glass-easel's plain node): inline, its content shown.
    mystery = view.locator("#mystery")
    await expect(mystery).to_have_text("in mystery")
    assert await mystery.evaluate("el => getComputedStyle(el).display") == "inline"
    mystery_box = await mystery.bounding_box()
    after_box = await view.locator("#after").bounding_box()
    assert mystery_box and after_box and abs(mystery_box["y"] - after_box["y"]) < 2  # on one line
    log = await app.page.evaluate("window.__hutongLog")
    assert [entry for entry in log if entry["kind"] == "unsupported"] == []
    assert [entry["name"] for entry in log if entry["kind"] == "warning"] == ["sum-box", "mystery-box"]
    assert app.errors == []
    await app.page.close()


async def test_require_async_loads_the_subpackage_holding_the_module(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/async/async")
    view = app.view()
    await expect(view.locator("#loaded")).to_have_text("from extra")
    await expect(view.locator("#missing")).to_have_text("rejected ../../extra/utils/nothing.js")
    # A namespace the runtime lacks is absent, so feature checks take the path for clients without it.
    await expect(view.locator("#worklet")).to_have_text("absent")
    await app.page.close()


async def test_keyboard_accessory_shows_while_its_field_has_focus(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/accessory/accessory")
    view = app.view()
    bar = view.locator("#bar")
    await expect(view.locator("#taps")).to_have_text("0")
    await expect(bar).to_be_hidden()
    await view.locator("#field input").focus()
    await expect(bar).to_be_visible()
    # Pressing the toolbar keeps the field focused, as a keyboard's toolbar does.
    await bar.click()
    await expect(view.locator("#taps")).to_have_text("1")
    await expect(bar).to_be_visible()
    await view.locator("#taps").click()
    await expect(bar).to_be_hidden()
    log = await app.page.evaluate("window.__hutongLog")
    assert [entry for entry in log if entry["kind"] == "unsupported"] == []
    await app.page.close()


async def test_module_scope_hides_browser_globals_and_function_return_this_finds_the_global(
    live_server: LiveServer, browser: Browser
) -> None:
    """WeChat wraps each module in a function whose parameters (window, document, self, location,
    fetch, …) are undefined: `window = window || {}` gives a module a window of its own, which no
    other module sees; a module may still declare such a name itself with const or class.
    `Function('return this')()`, with or without new, is the global object; other bodies and eval are
    refused."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/scope/scope")
    view = app.view()
    await expect(view.locator("#shim")).to_have_text(
        "object shim undefined,undefined,undefined,undefined,undefined,undefined,undefined"
    )
    await expect(view.locator("#other")).to_have_text("undefined fetched x function")
    await expect(view.locator("#call-global")).to_have_text("global")
    await expect(view.locator("#new-global")).to_have_text("global")
    await expect(view.locator("#other-body")).to_have_text("refused EvalError")
    await expect(view.locator("#eval")).to_have_text("refused EvalError")
    assert app.errors == []
    await app.page.close()


async def test_a_require_across_packages_fails_only_when_it_runs_before_the_package_loads(
    live_server: LiveServer, browser: Browser
) -> None:
    """The app compiles (with a warning, tests/compiler/test_scripts.py); the require fails where it
    runs while the subpackage is absent, and works once the subpackage has loaded."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/cross/cross")
    view = app.view()
    await view.locator("#try").click()
    await expect(view.locator("#result")).to_have_text(
        'failed: module "/extra/utils/lib.js" is not defined (required from pages/cross/cross.js)'
    )
    await view.locator("#load").click()
    await expect(view.locator("#result")).to_have_text("extra loaded")
    await view.locator("#try").click()
    await expect(view.locator("#result")).to_have_text("from extra")
    await app.page.close()


async def test_a_page_method_passed_as_a_bare_callback_is_not_bound(
    live_server: LiveServer, browser: Browser
) -> None:
    """`setTimeout(this.tick, 0)`: as in WeChat, the method runs with the global object as `this`, so
    `this.setData` there is an error reported at its line, and the page goes on."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/bare/bare")
    view = app.view()
    await expect(view.locator("#seen")).to_have_text("global")
    await expect(app.page.locator("#dev-panel")).to_contain_text(
        "this.setData is not a function (pages/bare/bare.js:14)"
    )
    await app.page.close()


async def test_a_font_family_the_device_lacks_falls_back_to_sans_serif(
    live_server: LiveServer, browser: Browser
) -> None:
    """A face the machine lacks ("Microsoft YaHei"): drawn in the sans-serif face, as a phone
    draws it, not in the browser's serif default (the text measures as the sans-serif one does), in
    WXSS, inline styles and canvas text alike."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/fonts/fonts")
    view = app.view()
    await expect(view.locator("#missing")).to_be_visible()
    width = "el => el.getBoundingClientRect().width"
    missing = await view.locator("#missing").evaluate(width)
    sans = await view.locator("#sans").evaluate(width)
    serif = await view.locator("#serif").evaluate(width)
    assert abs(sans - serif) > 5  # the two faces differ on this machine, so the comparison means something
    assert abs(missing - sans) < 0.5, (missing, sans, serif)
    # The same in a style attribute (the frame adds the fallback as it sets the attribute).
    inline = await view.locator("#inline").evaluate(width)
    assert abs(inline - sans) < 0.5, (inline, sans, serif)
    # Canvas text too: a 2d canvas node and the legacy CanvasContext measure it as sans-serif, and the
    # legacy context's drawing, replayed in the page, has the sans-serif text's very pixels.
    await expect(view.locator("#pixels")).to_have_text("same as sans-serif, serif differs")
    for which in ("node", "legacy"):
        widths = json.loads(await view.locator(f"#{which}").inner_text())
        assert abs(widths["sans"] - widths["serif"]) > 5, widths
        assert abs(widths["missing"] - widths["sans"]) < 0.5, (which, widths)
    assert app.errors == []
    await app.page.close()


async def test_update_performance_listener_reports_each_set_data(
    live_server: LiveServer, browser: Browser
) -> None:
    """setUpdatePerformanceListener (WeChat 2.12.0): one report per setData; the second setData of a tick
    is merged into the first's update; a child's property observer calling setData while the page's
    update is computed is a sub-update naming it; timestamps in order; a null listener stops them."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/perf/perf")
    view = app.view()
    await view.locator("#update").click()
    await expect(view.locator("#doubled")).to_have_text("2")
    await view.locator("#report").click()
    await expect(view.locator("#result")).to_have_text(
        '#1 page:false:[["a"]]:- page:true:[["b"]]:- child:false:[["doubled"]]:parent=page '
        "same=true distinct=true ordered=true"
    )
    # The report stopped the page's listener before its own setData: a second report reads the same.
    await view.locator("#report").click()
    await expect(view.locator("#result")).to_have_text(
        '#2 page:false:[["a"]]:- page:true:[["b"]]:- child:false:[["doubled"]]:parent=page '
        "same=true distinct=true ordered=true"
    )
    await app.page.close()


async def test_passive_touchmove_lets_the_page_scroll_under_catchtouchmove(
    live_server: LiveServer, browser: Browser
) -> None:
    """WeChat's passive events: by default a catchtouchmove keeps the page from scrolling under it;
    once its owner listens to touchmove passively (setPassiveEvent, or enablePassiveEvent in the
    page's json) it no longer does, in that owner's template only; getPassiveEvent reports the
    setting. Skyline's applyAnimatedStyle/clearAnimatedStyle exist and do nothing here."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/passive/passive")
    view = app.view()

    async def touch_action(selector: str) -> str:
        value: str = await view.locator(selector).evaluate("(el) => getComputedStyle(el).touchAction")
        return value

    assert await touch_action("#page-catch") == "none"
    assert await touch_action("#child-catch") == "none"
    await view.locator("#child-passive").click()
    await expect(view.locator("#result")).to_have_text(
        'child={"touchstart":false,"touchmove":true,"wheel":false} '
        'page={"touchstart":false,"touchmove":false,"wheel":false} renderer=webview'
    )
    assert await touch_action("#child-catch") == "auto"
    assert await touch_action("#page-catch") == "none"
    assert app.errors == []
    await app.page.close()

    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/passive-all/passive-all")
    view = app.view()
    await expect(view.locator("#result")).to_have_text('{"touchstart":true,"touchmove":true,"wheel":true}')
    assert await touch_action("#page-catch") == "auto"
    await view.locator("#hold").click()
    await expect(view.locator("#result")).to_have_text('{"touchstart":true,"touchmove":false,"wheel":true}')
    assert await touch_action("#page-catch") == "none"
    assert app.errors == []
    await app.page.close()


async def test_require_plugin_and_a_components_own_relative_images(
    live_server: LiveServer, browser: Browser
) -> None:
    """requirePlugin (WeChat's global) gives, for a plugin app.json declares (by alias or provider
    AppID), a stand-in whose calls do nothing and report the plugin unsupported once; an undeclared
    name throws. A component's relative image paths are its own folder's, not the page's."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/plugin/plugin")
    view = app.view()
    await expect(view.locator("#result")).to_have_text(
        'object undefined false requirePlugin: plugin "nothing" is not declared in app.json\'s plugins'
    )
    for image in ("#literal", "#bound"):
        await expect(view.locator(f"{image} img")).to_have_js_property("naturalWidth", 3)
    log = await app.page.evaluate("window.__hutongLog")
    assert [entry["name"] for entry in log if entry["kind"] == "unsupported"] == ["routePlanner"]
    assert app.errors == []
    await app.page.close()


async def test_lazy_code_loading_runs_only_the_pages_opened(
    live_server: LiveServer, browser: Browser
) -> None:
    """`"lazyCodeLoading": "requiredComponents"` in app.json: a page's module runs when the page is
    first opened, not at launch (without it WeChat runs every main-package page's code at launch)."""
    app = await open_app(browser, live_server, "test-lazy-code")
    view = app.view()
    await view.locator("#show").click()
    await expect(view.locator("#ran")).to_have_text("index")
    await view.locator("#open").click()
    await expect(app.view().locator("#ran")).to_have_text("index other")
    assert app.errors == []
    await app.page.close()


async def test_a_librarys_own_rejection_event_is_not_a_native_one(
    live_server: LiveServer, browser: Browser
) -> None:
    """bluebird 3 tells the environment of an unhandled rejection with a CustomEvent of that name; WeChat's
    logic layer has no dispatchEvent, so it logs the rejection itself. Hutong leaves such an event alone
    (not cancelled, not reported as an error "undefined"); a native rejection reaches onUnhandledRejection."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/rejection/rejection")
    await expect(app.view().locator("#result")).to_have_text("false native")
    assert app.errors == []
    await app.page.close()


async def test_a_components_module_runs_before_the_page_using_it(
    live_server: LiveServer, browser: Browser
) -> None:
    """WeChat runs the components' code before the pages': a page may use at its module's top level what
    a component's module set up (a date library's Date.prototype.format, in a public form library)."""
    app = await open_app(browser, live_server, "test-compat-patterns", "&path=pages/proto/proto")
    await expect(app.view().locator("#stamp")).to_have_text("stamp:0")
    assert app.errors == []
    await app.page.close()
