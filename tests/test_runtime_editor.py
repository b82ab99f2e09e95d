"""`<editor>` and its EditorContext (tests/apps/editor): the page frame's contenteditable, typed into
and driven from the logic thread; what goes in and comes out keeps only WeChat's tags and styles."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_editor_formats_sanitises_and_answers_its_context(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-editor")
    view = app.view()
    log = view.locator("#log")
    box = view.locator("wx-editor .ql-editor")
    await expect(log).to_have_text("ready;")
    await expect(view.locator("wx-editor .placeholder")).to_have_text("Write here")

    # Typed by the user: focus and input events with WeChat's {html, text, delta}.
    await box.click()
    await app.page.keyboard.type("hi")
    await expect(log).to_contain_text("focus;")
    await expect(log).to_contain_text("input hi;")
    await expect(view.locator("wx-editor .placeholder")).to_be_hidden()

    # setContents: only WeChat's tags and inline styles survive (div → p, b → strong, font → span,
    # no script, class, id, handlers, table or position).
    await view.locator("#set").click()
    await expect(log).to_contain_text("set;")
    await expect(log).to_contain_text("blur true;")
    await view.locator("#read").click()
    html = view.locator("#html")
    await expect(html).to_have_text(
        '<p>Hello <strong>bold</strong> <span style="color: red">red</span>'
        '<span style="color: blue">blue</span></p><p>cell</p><p style="text-align: center">mid</p>'
    )
    assert "alert" not in await box.inner_html()

    # Formats on a selection, from a toolbar tap: statuschange reports what the selection has.
    await box.locator("p").first.dblclick()
    await view.locator("#bold").click()
    await expect(log).to_contain_text("status ")
    await view.locator("#heading").click()
    await view.locator("#image").click()
    await view.locator("#read").click()
    await expect(html).to_contain_text("<h2>")
    image = '<img src="https://example.invalid/a.png" width="20px" alt="pic" data-id="7">'
    await expect(html).to_contain_text(image)
    ops = json.loads(await view.locator("#ops").inner_text())
    assert {"insert": "\n", "attributes": {"header": 2}} in ops
    assert any(op["insert"] == {"image": "https://example.invalid/a.png"} for op in ops)

    # undo takes the image back; clear empties it (the placeholder returns).
    await view.locator("#undo").click()
    await expect(box.locator("img")).to_have_count(0)
    await view.locator("#clear").click()
    await expect(log).to_contain_text("cleared;")
    await view.locator("#read").click()
    await expect(html).to_have_text("<p><br></p>")
    await expect(view.locator("#text")).to_have_text("\n")
    assert app.errors == []
    await app.page.close()
