"""How built-in components look when public mini programs style them (tests/apps/compat-ui)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from playwright.async_api import Browser, FrameLocator, expect

from tests.conftest import TEST_APPS, LiveServer, open_app
from tests.fontgen import box_font

pytestmark = pytest.mark.browser

# The computed style of a switch's, checkbox's or radio's inner element (WeChat's .wx-*-input).
_INNER_STYLE = """(el, pseudo) => {
  const inner = el.shadowRoot.querySelector('[part*="-input"]');
  const style = getComputedStyle(inner, pseudo);
  return { width: style.width, height: style.height, radius: style.borderTopLeftRadius,
           border: style.borderTopColor, background: style.backgroundColor, color: style.color,
           content: style.content, part: inner.getAttribute('part') };
}"""


async def _inner(view: FrameLocator, selector: str, pseudo: str | None = None) -> dict[str, Any]:
    style: dict[str, Any] = await view.locator(selector).evaluate(_INNER_STYLE, pseudo)
    return style


async def test_a_switch_draws_its_track_alone(live_server: LiveServer, browser: Browser) -> None:
    """A switch is WeChat's 52 px track (and its 5 px margin), without a checkbox square beside it."""
    app = await open_app(browser, live_server, "test-compat-ui")
    view = app.view()
    await view.locator("#on").wait_for()
    for selector in ("#plain", "#on"):
        box = await view.locator(selector).bounding_box()
        assert box is not None
        assert 52 <= box["width"] <= 58, (selector, box)
    assert app.errors == []
    await app.page.close()


async def test_apps_restyle_the_inner_elements_by_wechat_class_names(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-compat-ui")
    view = app.view()
    await view.locator("#on").wait_for()
    sized = await _inner(view, "#sized")
    assert (sized["width"], sized["height"]) == ("40px", "20px")
    # :not(.wx-switch-input-checked) follows the state.
    assert (await _inner(view, "#plain"))["border"] == "rgb(200, 0, 0)"
    assert (await _inner(view, "#on"))["border"] == "rgb(4, 190, 2)"
    boxed = await _inner(view, "#boxed")
    assert boxed["part"] == "wx-checkbox-input wx-checkbox-input-checked"
    ticked = await _inner(view, "#ticked")
    assert (ticked["radius"], ticked["background"]) == ("50%", "rgb(0, 0, 255)")
    tick = await _inner(view, "#ticked", "::before")
    assert tick["color"] == "rgb(255, 255, 255)" and tick["content"] != "none"
    empty = await _inner(view, "#empty")
    assert (empty["radius"], empty["background"]) == ("50%", "rgb(255, 255, 255)")
    assert (await _inner(view, "#empty", "::before"))["content"] == "none"
    # A tap moves the checked classes, and the app's style with them.
    assert (await _inner(view, "#pick"))["background"] == "rgb(255, 165, 0)"
    await view.locator("#other").click()
    await expect(view.locator("#other")).to_have_attribute("hutong-checked", "")
    assert (await _inner(view, "#other"))["background"] == "rgb(255, 165, 0)"
    assert (await _inner(view, "#pick"))["background"] == "rgb(255, 255, 255)"
    assert app.errors == []
    await app.page.close()


async def test_an_animation_kept_in_data_takes_new_defaults_through_its_option(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-compat-ui", "&path=pages/animation/animation")
    await expect(app.view().locator("#durations")).to_have_text("0,1200;10")
    assert app.errors == []
    await app.page.close()


def test_the_icon_font_is_our_own_generated_font() -> None:
    styles = (TEST_APPS / "compat-ui/components/glyph/glyph.wxss").read_text()
    assert base64.b64encode(box_font("Compat Glyphs")).decode() in styles


async def test_a_components_own_font_face_applies_inside_it(
    live_server: LiveServer, browser: Browser
) -> None:
    """Browsers ignore @font-face in a shadow root; a component's icon font still draws its glyphs."""
    app = await open_app(browser, live_server, "test-compat-ui", "&path=pages/iconfont/iconfont")
    view = app.view()
    script = "async (el) => { await document.fonts.ready; return el.getBoundingClientRect().width; }"
    # "iiii" at 20px: 80px in the box font, far less in any fallback.
    assert await view.locator("#plain").evaluate(script) < 50
    assert await view.locator("#icon #inner").evaluate(script) == pytest.approx(80, abs=0.5)
    assert app.errors == []
    await app.page.close()


async def test_component_instances_kept_in_data(live_server: LiveServer, browser: Browser) -> None:
    """A child keeps its linked parent in data and the parent its children: circular, and fine."""
    app = await open_app(browser, live_server, "test-compat-ui", "&path=pages/relations/relations")
    view = app.view()
    await expect(view.locator("#titles")).to_have_text("One|Two")
    await expect(view.locator(".tab")).to_have_text(["One in tabs", "Two in tabs"])
    assert app.errors == []
    await app.page.close()


async def test_abstract_tags_take_the_component_their_user_chose(
    live_server: LiveServer, browser: Browser
) -> None:
    """componentGenerics: `generic:cell="fruit-cell"` fills the list's <cell>, with its own styles;
    <badge> falls back to its declared default."""
    app = await open_app(browser, live_server, "test-compat-ui", "&path=pages/generics/generics")
    view = app.view()
    cells = view.locator("#list .cell")
    await expect(cells).to_have_text(["fruit apple", "fruit pear"])
    await expect(cells.first).to_have_css("color", "rgb(0, 128, 0)")
    await expect(view.locator("#list .badge")).to_have_count(2)
    await view.locator("#more").click()
    await expect(cells).to_have_text(["fruit apple", "fruit pear", "fruit plum"])
    assert app.errors == []
    await app.page.close()


async def test_functions_in_initial_data_reach_a_components_property(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-compat-ui", "&path=pages/chart/chart")
    view = app.view()
    await expect(view.locator("#chart .chart")).to_have_text("drew 3 bars")
    await expect(view.locator("#when")).to_have_text("1970-01-02")
    assert app.errors == []
    await app.page.close()


async def test_wx_if_branches_are_separate_elements(live_server: LiveServer, browser: Browser) -> None:
    """Switching wx:if/wx:else makes the other branch's element anew (what was typed in the first input
    does not show in the second), and a sibling moving up keeps its own element."""
    app = await open_app(browser, live_server, "test-compat-ui", "&path=pages/branches/branches")
    view = app.view()
    await view.locator("#first input").fill("typed")
    await view.locator("#always input").fill("kept")
    await view.locator("#toggle").click()
    await expect(view.locator("#second input")).to_have_value("")
    await expect(view.locator("#always input")).to_have_value("kept")
    await view.locator("#toggle").click()
    await expect(view.locator("#first input")).to_have_value("")
    await expect(view.locator("#always input")).to_have_value("kept")
    assert app.errors == []
    await app.page.close()


async def test_a_plain_buttons_frame_is_its_own_border(live_server: LiveServer, browser: Browser) -> None:
    """As in WeChat's base styles, a plain button's frame is the element's border (its ::after draws
    none), so an app's `.screen button { border: none }` removes it: the built-in rule weighs no more
    than WeChat's `wx-button[plain]`."""
    app = await open_app(browser, live_server, "test-compat-ui", "&path=pages/buttons/buttons")
    view = app.view()
    width = "el => getComputedStyle(el).borderTopWidth"
    after = "el => getComputedStyle(el, '::after').borderTopWidth"
    await expect(view.locator("#bare")).to_have_text("7")
    assert await view.locator("#bare").evaluate(width) == "0px"
    assert await view.locator("#bare").evaluate(after) == "0px"
    assert await view.locator("#framed").evaluate(width) == "1px"
    assert await view.locator("#framed-primary").evaluate("el => getComputedStyle(el).borderTopColor") == (
        "rgb(26, 173, 25)"
    )
    assert app.errors == []
    await app.page.close()


async def test_a_page_of_height_100_percent_fills_the_window(
    live_server: LiveServer, browser: Browser
) -> None:
    """`page { height: 100% }` (or min-height) is the window's height, as in WeChat: a column's flex: 1
    part takes what is left and an absolute footer sits at the window's bottom, not over the content."""
    app = await open_app(browser, live_server, "test-compat-ui", "&path=pages/fullheight/fullheight")
    view = app.view()
    await view.locator("#foot").wait_for()
    window_height = await view.locator("#foot").evaluate("el => el.ownerDocument.defaultView.innerHeight")
    grow = await view.locator("#grow").evaluate("el => el.getBoundingClientRect().height")
    foot = await view.locator("#foot").evaluate("el => el.getBoundingClientRect().bottom")
    assert grow > window_height / 2, (grow, window_height)
    assert abs(foot - window_height) <= 1, (foot, window_height)
    assert app.errors == []
    await app.page.close()
