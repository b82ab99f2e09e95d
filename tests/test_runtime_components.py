"""Custom components: properties, observers, behaviors, slots, styles, events, relations, lookups."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_custom_components(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-components")
    view = app.view()
    counter = view.locator("#c1")
    # Literals are coerced to the declared types; optionalTypes keep a string; behaviors mix in.
    await expect(counter.locator(".types")).to_have_text("number,boolean,string,2,behavior method,true")
    await expect(counter.locator(".behavior")).to_have_text("mixed in true")
    await expect(counter.locator(".summary")).to_have_text("first=5")
    await expect(counter.locator(".title-log")).to_have_text("untitled>first")
    # A selector query in the component's scope measures its own .box, not the page's.
    await expect(counter.locator(".width")).to_have_text("123")
    # Its template's events run its methods; triggerEvent reaches the page's handler on the host.
    await counter.locator(".inc").click()
    await expect(counter.locator(".count")).to_have_text("6")
    await expect(counter.locator(".summary")).to_have_text("first=6")
    await expect(view.locator("#changes")).to_have_text("6;")
    # A property changed by the owner runs its observer and the data observers.
    await view.locator("#retitle").click()
    await expect(counter.locator(".title-log")).to_have_text("first>second")
    await expect(counter.locator(".summary")).to_have_text("second=6")
    # The owner re-rendered twice with an equal array literal: the items observer ran only at creation.
    await expect(counter.locator(".items-seen")).to_have_text("1")
    # An object property the owner changed in place (setData 'config.n') runs its observer.
    await expect(counter.locator(".config-log")).to_have_text("1;")
    await view.locator("#reconfig").click()
    await expect(counter.locator(".config-log")).to_have_text("1;2;")
    # selectComponent, wx://component-export, selectAllComponents
    await expect(view.locator("#selected")).to_have_text("5,components/counter/counter,42,2")

    # Each instance has its own shadow root; named and default slots place the light children.
    assert await view.locator("#panel").evaluate("el => el.shadowRoot !== null")
    assert await view.locator("#header").evaluate("el => el.assignedSlot.getAttribute('name')") == "header"
    header_y = await view.locator("#header").evaluate("el => el.getBoundingClientRect().top")
    body_y = await view.locator("#body").evaluate("el => el.getBoundingClientRect().top")
    assert header_y < body_y

    color = "el => getComputedStyle(el).color"
    # isolated: app styles stay out, the component's stay in; apply-shared lets the page's in.
    assert await view.locator(".iso-text").first.evaluate(color) == "rgb(0, 0, 0)"
    assert await view.locator("c-iso .inner").first.evaluate(color) == "rgb(0, 0, 255)"
    assert await view.locator(".page-inner").evaluate(color) == "rgb(0, 0, 0)"
    assert await view.locator(".shared-text").evaluate(color) == "rgb(255, 0, 0)"
    # externalClasses take the owner's class and its styles.
    assert await view.locator(".ext-text").evaluate(color) == "rgb(0, 128, 0)"
    assert await view.locator(".ext-text").get_attribute("class") == "big-green ext-text"
    # virtualHost: the host element takes no box, so its content is a flex item of the row.
    assert await view.locator("c-virtual").first.evaluate("el => getComputedStyle(el).display") == "contents"

    # Events across boundaries: composed reaches the page; a non-composed one stays in outer's template.
    await view.locator(".fire").click()
    await expect(view.locator(".outer-heard")).to_have_text("ping;local:inner;")
    await expect(view.locator("#page-heard")).to_have_text("ping;")

    # Relations: both children linked to their parent.
    await expect(view.locator(".ul-count")).to_have_text("2")
    await expect(view.locator(".li-linked").first).to_have_text("components/ul/ul")
    # wx:if false removes the component: it is detached, its DOM goes; true mounts a new one.
    await view.locator("#toggle").click()
    await expect(view.locator("#detached")).to_have_text("toggled")
    await expect(view.locator("#toggled")).to_have_count(0)
    await view.locator("#toggle").click()
    await expect(view.locator("#toggled")).to_have_count(1)
    assert app.errors == []
    assert await app.dev_panel_text() == ""
    await app.page.close()


async def test_moved_and_link_changed_fire_for_components_a_keyed_list_moves(
    live_server: LiveServer, browser: Browser
) -> None:
    opened = await open_app(browser, live_server, "test-moved")
    view = opened.view()
    rows = view.locator("c-row .row, row .row")
    await expect(rows).to_have_text(["a:0:0", "b:0:0", "c:0:0"])
    await view.locator("#swap").click()
    # Only c changed place: its `moved` lifetime and both ends' `linkChanged` ran once; a and b did not.
    await expect(rows).to_have_text(["c:1:1", "a:0:0", "b:0:0"])
    await expect(view.locator("#rows-changed")).to_have_text("1 c")
    assert opened.errors == []
    await opened.page.close()


async def test_an_element_holding_only_an_unfilled_slot_is_empty(
    live_server: LiveServer, browser: Browser
) -> None:
    """WeChat replaces each slot by what fills it, so `.slot:not(:empty) + .upload { display: none }`
    (vant-weapp's uploader, field, cell, button…) shows the default area only when nothing fills
    the slot."""
    app = await open_app(browser, live_server, "test-components")
    view = app.view()
    await expect(view.locator("#up-default .upload")).to_be_visible()
    await expect(view.locator("#up-custom .upload")).to_be_hidden()
    await expect(view.locator("#up-later .upload")).to_be_visible()
    await view.locator("#show-trigger").click()
    await expect(view.locator("#up-later .upload")).to_be_hidden()
    assert app.errors == []
    await app.page.close()
