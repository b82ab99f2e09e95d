"""Events from real pointer input: phases, catch, mut-bind, dataset, mark, longpress, touches."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_event_phases_and_objects(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-events")
    view = app.view()
    log = view.locator("#log")
    clear = view.locator("#clear")

    # Capture from the root down, then bubble up; only the first mut-bind on the path fires.
    await view.locator("#inner").click()
    await expect(log).to_have_text(
        "outer:tap:inner:middle inner:tap:inner:middle inner:tap:inner:middle middle:tap:inner:middle "
        "outer:tap:inner:middle"
    )
    await expect(view.locator("#last")).to_have_text(
        '{"userId":"number","detail":"number/number","time":"number","touches":"number"}'
    )
    await clear.click()
    await expect(log).to_have_text("")
    # catch stops bubbling; capture-catch stops everything after it.
    await view.locator("#c-inner").click()
    await expect(log).to_have_text("c-inner:tap:c-inner:-")
    await clear.click()
    await view.locator("#cc-inner").click()
    await expect(log).to_have_text("cc-outer:tap:cc-inner:-")
    await clear.click()

    # Held for 350 ms and more: longpress, and no tap after it. A quick press is a tap.
    await view.locator("#press").click(delay=600)
    await expect(log).to_have_text("press:longpress:press:-")
    await view.locator("#press").click()
    await expect(log).to_have_text("press:longpress:press:- press:tap:press:-")
    await clear.click()

    # Touch events with their touch lists.
    box = await view.locator("#touch").bounding_box()
    assert box is not None
    x, y = box["x"] + 20, box["y"] + 10
    await app.page.mouse.move(x, y)
    await app.page.mouse.down()
    await app.page.mouse.move(x + 30, y, steps=2)
    await app.page.mouse.up()
    await expect(log).to_have_text(
        "touch:touchstart:touch:- touch:touchmove:touch:- touch:touchmove:touch:- touch:touchend:touch:-"
    )
    await clear.click()

    # A handler named by data binding; an empty name disables it.
    await view.locator("#bound").click()
    await expect(log).to_have_text("viaData")
    await view.locator("#bound").click()
    await view.locator("#outer").click(position={"x": 5, "y": 5})
    await expect(log).to_have_text("viaData outer:tap:outer:outer outer:tap:outer:outer")
    # hover-class while pressed (after hover-start-time), gone hover-stay-time after release.
    box = await view.locator("#hover").bounding_box()
    assert box is not None
    await app.page.mouse.move(box["x"] + 5, box["y"] + 5)
    await app.page.mouse.down()
    await expect(view.locator("#hover")).to_have_class("pad pressed")
    await app.page.mouse.up()
    await expect(view.locator("#hover")).to_have_class("pad")
    # catchtouchmove keeps the page from scrolling under the element.
    assert await view.locator("#modal").evaluate("el => getComputedStyle(el).touchAction") == "none"
    assert app.errors == []
    await app.page.close()
