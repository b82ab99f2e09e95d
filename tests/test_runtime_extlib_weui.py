"""useExtendedLib weui: Hutong's own weui-miniprogram components, rendered and used in Chromium."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app, wait_until_drawn

pytestmark = pytest.mark.browser

COLOR = "el => getComputedStyle(el).color"
BACKGROUND = "el => getComputedStyle(el).backgroundColor"
# The start of a function body that waits for the element's animations to end.


def _png(width: int, height: int) -> bytes:
    """A small opaque grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG = _png(4, 3)
SETTLED = "async el => { await Promise.all(el.getAnimations().map((a) => a.finished))"


async def test_cells_and_cell(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-extlib-weui")
    view = app.view()
    cells = view.locator("#cells")
    await expect(cells.locator(".weui-cells__title")).to_have_text("Settings")
    await expect(cells.locator(".weui-cells__tips")).to_have_text("Footer note")
    # ext-class lands on the group and the app's selector through it styles the inner title.
    assert await cells.locator(".weui-cells__title").evaluate(COLOR) == "rgb(0, 128, 0)"
    await expect(view.locator("#plain .weui-cell__bd")).to_have_text("Plain value")
    await expect(view.locator("#plain .weui-cell__ft")).to_have_text("Right")
    # Slots: the default one fills the body, the named one the footer, side by side.
    body = await view.locator(".slot-body").bounding_box()
    footer = await view.locator(".slot-footer").bounding_box()
    assert body and footer and footer["x"] > body["x"] + body["width"] - 1
    assert abs(footer["y"] - body["y"]) < 4
    # WeUI's look: white rows, 16px padding, hairlines between rows but not above the first.
    assert await cells.locator(".weui-cells").evaluate(BACKGROUND) == "rgb(255, 255, 255)"
    padding = "el => getComputedStyle(el).paddingLeft"
    assert await view.locator("#plain .weui-cell").evaluate(padding) == "16px"
    hairline = "el => getComputedStyle(el, '::before').display"
    assert await view.locator("#plain .weui-cell").evaluate(hairline) == "none"
    assert await view.locator("#slotted .weui-cell").evaluate(hairline) == "block"
    # The page's own weui-* classes take the library's sheet (applied app-wide).
    assert await view.locator(".weui-cells").last.evaluate(BACKGROUND) == "rgb(255, 255, 255)"
    assert await view.locator("#raw-btn").evaluate(BACKGROUND) == "rgb(7, 193, 96)"
    # title sits in the header; a tap on the cell reaches the page's bindtap.
    await expect(view.locator("#titled .weui-cell__hd .weui-label")).to_have_text("Name")
    await view.locator("#titled .weui-cell__hd").click()
    await expect(view.locator("#log")).to_have_text("tap;")
    # A link cell shows its arrow and opens its url.
    arrow = "el => getComputedStyle(el, '::after').borderTopWidth"
    assert await view.locator("#link .weui-cell__ft").evaluate(arrow) == "2px"
    await view.locator("#link").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(2)
    await expect(app.view().locator("#open-dialog")).to_be_visible()
    assert not app.errors
    await app.page.close()


async def test_dialog_half_screen_actionsheet_toptips(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-extlib-weui", "&path=pages/popups/popups")
    view = app.view()
    log = view.locator("#log")
    dialog = view.locator("#dialog .weui-dialog")
    await expect(dialog).to_have_count(0)
    await view.locator("#open-dialog").click()
    await expect(dialog).to_be_visible()
    await expect(dialog.locator(".weui-dialog__title")).to_have_text("Confirm")
    # The page's content goes into the dialog's body through the default slot.
    content = view.locator("#dialog .dialog-body")
    await expect(content).to_be_visible()
    assert await content.evaluate("el => el.assignedSlot.parentElement.className") == "weui-dialog__bd"
    buttons = dialog.locator(".weui-dialog__btn")
    await expect(buttons).to_have_text(["Cancel", "OK"])
    # The dialog sits centred over a dimming mask; the last button is the primary one.
    assert await view.locator("#dialog .weui-mask").evaluate(BACKGROUND) == "rgba(0, 0, 0, 0.6)"
    assert await buttons.nth(1).evaluate(COLOR) == "rgb(87, 107, 149)"
    assert "ok-btn" in (await buttons.nth(1).get_attribute("class") or "")
    await buttons.nth(0).click()
    await expect(log).to_have_text("button:0:Cancel;")
    await expect(dialog).to_be_visible()
    await buttons.nth(1).click()
    await expect(log).to_have_text("button:0:Cancel;button:1:OK;")
    await expect(dialog).to_have_count(0)
    # The mask closes it (maskClosable by default) with a close event; a later page render keeps it shut.
    await view.locator("#open-dialog").click()
    await expect(dialog).to_be_visible()
    await view.locator("#dialog .weui-mask").click(position={"x": 10, "y": 10})
    await expect(log).to_contain_text("dialogclose;")
    await expect(dialog).to_have_count(0)
    await view.locator("#bump").click()
    await expect(log).to_contain_text("bump;")
    await expect(dialog).to_have_count(0)

    # Half screen: title, sub title, desc, tips, typed buttons; the mask does not close it here.
    await view.locator("#open-half").click()
    half = view.locator("#half .weui-half-screen-dialog")
    await expect(half).to_be_visible()
    await expect(half.locator(".weui-half-screen-dialog__title")).to_have_text("Half title")
    await expect(half.locator(".weui-half-screen-dialog__subtitle")).to_have_text("Sub")
    await expect(half.locator(".weui-half-screen-dialog__desc")).to_have_text("Described")
    await expect(half.locator(".weui-half-screen-dialog__tips")).to_have_text("A tip")
    main = half.locator(".weui-btn_primary")
    await expect(main).to_have_text("Main")
    assert await main.evaluate(BACKGROUND) == "rgb(7, 193, 96)"
    # Once risen, it rests on the bottom edge of the page.
    gap = await half.evaluate(SETTLED + "; return innerHeight - el.getBoundingClientRect().bottom }")
    assert abs(gap) < 1
    await main.click()
    await expect(log).to_contain_text("half:1:1;")
    # maskClosable false: a tap on the mask (which keeps the page from being tapped) leaves it open.
    await view.locator("#half .weui-mask").click(position={"x": 10, "y": 10})
    await half.locator(".weui-btn_default").click()
    await expect(log).to_contain_text("half:1:1;half:0:0;")
    assert "halfclose" not in (await log.text_content() or "")
    await expect(half).to_be_visible()
    await half.locator(".weui-half-screen-dialog__close").click()
    await expect(log).to_contain_text("halfclose;")
    await expect(half).to_have_count(0)

    # Action sheet: a flat actions list becomes one group; actiontap carries value, index, groupindex.
    await view.locator("#open-sheet").click()
    sheet = view.locator("#sheet .weui-actionsheet")
    await expect(sheet).to_be_visible()
    await expect(sheet.locator(".weui-actionsheet__title")).to_have_text("Pick one")
    cells = sheet.locator(".weui-actionsheet__cell")
    await expect(cells).to_have_text(["First", "Delete", "取消"])
    assert await cells.nth(1).evaluate(COLOR) == "rgb(250, 81, 81)"
    await cells.nth(1).click()
    await expect(log).to_contain_text("action:1:d:0;")
    await expect(sheet).to_have_count(0)
    await view.locator("#open-sheet").click()
    await expect(sheet).to_be_visible()
    await sheet.locator(".weui-actionsheet__cell_cancel").click()
    await expect(log).to_contain_text("sheetclose;")
    await expect(sheet).to_have_count(0)

    # Top tips: shown by msg, hidden after `delay` with a hide event.
    await view.locator("#open-tips").click()
    tips = view.locator("#tips .weui-toptips")
    await expect(tips).to_have_text("Saved")
    assert await tips.evaluate(BACKGROUND) == "rgb(7, 193, 96)"
    await expect(log).to_contain_text("tipshide;")
    await expect(tips).to_have_count(0)
    assert not app.errors
    await app.page.close()


async def test_navigation_bar_searchbar_slideview_and_small_ones(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-extlib-weui")
    await app.view().locator("#more-link").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(2)
    view = app.view()
    log = view.locator("#log")

    # Navigation bar: title, colours, the right slot; fixed at the top with a placeholder under it.
    nav = view.locator("#nav .weui-navigation-bar__inner")
    await expect(nav.locator(".weui-navigation-bar__title")).to_have_text("More")
    assert await nav.evaluate(BACKGROUND) == "rgb(1, 2, 3)"
    assert await nav.evaluate(COLOR) == "rgb(255, 255, 255)"
    assert await nav.evaluate("el => getComputedStyle(el).position") == "fixed"
    await expect(view.locator("#nav .nav-right")).to_have_text("R")
    placeholder = await view.locator("#nav .weui-navigation-bar__placeholder").bounding_box()
    search_box = await view.locator("#search .weui-search-bar").bounding_box()
    assert placeholder and search_box and search_box["y"] >= placeholder["y"] + placeholder["height"] - 1
    await expect(view.locator("#nav .weui-navigation-bar__loading")).to_have_count(0)
    await view.locator("#toggle").click()
    await expect(view.locator("#nav .weui-navigation-bar__loading")).to_have_count(1)

    # Loading: dots; a circle with tips that hides when show turns false (toggled above).
    await expect(view.locator("#dots .wx_dot")).to_have_count(3)
    await expect(view.locator("#circle .weui-loadmore__tips")).to_have_text("Wait")
    assert "wx_loading_view__hide" in (
        await view.locator("#circle .wx_loading_view").get_attribute("class") or ""
    )

    # Badge: a count, or a dot without content.
    await expect(view.locator("#count .weui-badge")).to_have_text("8")
    assert await view.locator("#count .weui-badge").evaluate(BACKGROUND) == "rgb(250, 81, 81)"
    dot = await view.locator("#dot .weui-badge").bounding_box()
    assert dot and round(dot["width"]) == 8 and round(dot["height"]) == 8

    # Icon: drawn in its colour at its size (arrow is twice as tall as wide, as in WeUI).
    add = view.locator("#icon-add .weui-icon")
    assert await add.evaluate(BACKGROUND) == "rgb(7, 193, 96)"
    box = await add.bounding_box()
    assert box and round(box["width"]) == 30 and round(box["height"]) == 30
    assert "data:image/svg+xml" in await add.evaluate("el => getComputedStyle(el).maskImage")
    arrow = await view.locator("#icon-arrow .weui-icon").bounding_box()
    assert arrow and round(arrow["width"]) == 12 and round(arrow["height"]) == 24

    # Searchbar: the label opens the field; typing reports input and asks search() for results.
    await view.locator("#search .weui-search-bar__label").click()
    await expect(view.locator("#search .weui-search-bar__cancel-btn")).to_have_text("取消")
    field = view.locator("#search input")
    await field.press_sequentially("ap")
    # (search may also run for "a", depending on typing speed; it always runs for the last value.)
    await expect(log).to_have_text(re.compile(r"input:a;.*input:ap;(search:ap;)$"))
    results = view.locator("#search .weui-search-bar__result-item")
    await expect(results).to_have_count(2)
    await expect(results.nth(1)).to_have_text("apricot")
    await results.nth(1).click()
    await expect(log).to_contain_text("select:1:apricot:7;")
    await view.locator("#search .weui-search-bar__clear").click()
    await expect(log).to_contain_text("clear;")
    await expect(field).to_have_value("")
    await expect(results).to_have_count(0)
    await view.locator("#search .weui-search-bar__cancel-btn").click()
    await expect(log).to_contain_text("cancel;")
    await expect(view.locator("#search .weui-search-bar__label")).to_be_visible()

    # Slideview: a drag to the left shows the buttons; a button reports {index, data} and closes it.
    row = view.locator("#slide .weui-slideview__left")
    buttons = view.locator("#slide .weui-slideview__btn")
    await expect(buttons).to_have_text(["Read", "Delete"])
    start = await row.bounding_box()
    hidden = await buttons.nth(0).bounding_box()
    # At rest the buttons wait past the row's right edge (clipped).
    assert start and hidden and hidden["x"] >= start["x"] + start["width"] - 1
    y = start["y"] + start["height"] / 2
    await app.page.mouse.move(start["x"] + start["width"] - 20, y)
    await app.page.mouse.down()
    await app.page.mouse.move(start["x"] + start["width"] - 220, y, steps=8)
    await app.page.mouse.up()
    await expect(log).to_contain_text("slideshow;")
    delete = buttons.nth(1)
    await row.evaluate(SETTLED + " }")
    shown = await delete.bounding_box()
    assert shown and abs(shown["x"] + shown["width"] - (start["x"] + start["width"])) < 2
    assert await delete.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(250, 81, 81)"
    await delete.click()
    await expect(log).to_contain_text('slide:1:{"id":7};')
    await expect(log).to_contain_text("slidehide;")
    # Open again (once the row has slid back), then a tap on the row closes it.
    await row.evaluate(SETTLED + " }")
    await app.page.mouse.move(start["x"] + start["width"] - 20, y)
    await app.page.mouse.down()
    await app.page.mouse.move(start["x"] + start["width"] - 220, y, steps=8)
    await app.page.mouse.up()
    await expect(log).to_contain_text("slidehide;slideshow;")
    await row.evaluate(SETTLED + " }")
    await app.page.mouse.click(start["x"] + 20, y)
    await expect(log).to_contain_text("slidehide;slideshow;slidehide;")

    # Back: navigateBack with delta and the back event's detail.
    await view.locator("#nav .weui-navigation-bar__btn_goback").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(1)
    await expect(app.view().locator("#back")).to_have_text("back:1")
    # Home: relaunches the entry page (the stack is only it again).
    await wait_until_drawn(app.view().locator("#more-link"))
    await app.view().locator("#more-link").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(2)
    await app.view().locator("#nav .weui-navigation-bar__btn_home").click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(1)
    await expect(app.view().locator("#cells .weui-cells__title")).to_have_text("Settings")
    assert not app.errors
    await app.page.close()


async def test_form_checkboxes_and_form_page(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-extlib-weui", "&path=pages/forms/forms")
    view = app.view()
    log = view.locator("#log")
    # form-page: title, subtitle and the named slots in their areas.
    await expect(view.locator("#page .weui-form__title")).to_have_text("Sign up")
    await expect(view.locator("#page .weui-form__desc")).to_have_text("All fields are checked")
    tips = await view.locator(".tips").bounding_box()
    submit = await view.locator("#submit").bounding_box()
    footer = await view.locator(".footer").bounding_box()
    assert tips and submit and footer and tips["y"] < submit["y"] < footer["y"]
    # Its cells groups take the form layout: rows indented 32px.
    await expect(view.locator("#name-cell .weui-cell")).to_have_css("padding-left", "32px")
    await expect(view.locator("#name-cell .weui-cell")).to_have_css("padding-top", "16px")

    # Checkboxes (several): the initial state, a tap toggles, the group reports the chosen values.
    boxes = view.locator("#fruit mp-checkbox")
    await expect(boxes).to_have_count(2)
    checked = view.locator("#fruit .weui-icon-is-checked")
    await expect(checked).to_have_count(1)
    assert await checked.evaluate(BACKGROUND) == "rgb(7, 193, 96)"
    await boxes.nth(0).click()
    await expect(log).to_contain_text("fruit:apple,pear;")
    await expect(checked).to_have_count(2)
    # One of several: choosing Large unchooses Small; the group reports the chosen value.
    sizes = view.locator("#size mp-checkbox")
    await sizes.nth(1).click()
    await expect(log).to_contain_text("size:l;")
    await expect(view.locator("#size .weui-icon-is-checked")).to_have_count(1)
    assert await sizes.nth(1).locator(".weui-icon-checked").get_attribute("class") == (
        "weui-icon-checked weui-icon-is-checked"
    )

    # validate(): every rule, errors in rule order with name and message; show-error cells turn red.
    await view.locator("#submit").click()
    await expect(log).to_contain_text(
        "fail:validate:name=Name is required|mobile=Mobile is required;valid:false:2;"
    )
    name_cell = view.locator("#name-cell .weui-cell")
    await expect(name_cell).to_have_class(re.compile("weui-cell_warn"))
    assert await name_cell.evaluate(COLOR) == "rgb(250, 81, 81)"
    # A change to models validates the changed field (trigger change) and clears its error.
    await view.locator("#name input").fill("Ann")
    await expect(log).to_contain_text("success:change;")
    await expect(name_cell).not_to_have_class(re.compile("weui-cell_warn"))
    await view.locator("#mobile input").fill("12")
    await expect(log).to_contain_text("fail:change:mobile=Mobile is wrong;")
    await view.locator("#mobile input").fill("13800138000")
    await view.locator("#submit").click()
    await expect(log).to_contain_text("success:validate;valid:true:0;")
    # validateField with a value of its own: that field only, reported to the callback and as fail.
    await view.locator("#check-mobile").click()
    await expect(log).to_contain_text(
        "fail:validate:mobile=Mobile is wrong;field:false:mobile=Mobile is wrong;"
    )
    assert not app.errors
    await app.page.close()


async def test_msg_tabbar_grids(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-extlib-weui", "&path=pages/extra/extra")
    view = app.view()
    # msg: an icon of the type, title, desc and the named slots.
    await expect(view.locator("#msg .weui-msg__title")).to_have_text("Done")
    await expect(view.locator("#msg .weui-msg__desc")).to_have_text("It worked")
    await expect(view.locator("#msg wx-icon")).to_have_attribute("type", "success")
    await expect(view.locator("#msg-btn")).to_be_visible()
    await expect(view.locator(".msg-footer")).to_be_visible()

    # tabbar: current from the property, badges, a tap changes the tab and reports {index, item}.
    items = view.locator("#tabbar .weui-tabbar__item")
    await expect(items).to_have_count(3)
    await expect(items.nth(1)).to_have_class(re.compile("weui-bar__item_on"))
    label = items.nth(1).locator(".weui-tabbar__label")
    assert await label.evaluate(COLOR) == "rgb(7, 193, 96)"
    await expect(items.nth(0).locator(".weui-badge")).to_have_text("3")
    await expect(items.nth(2).locator(".weui-badge_dot")).to_have_count(1)
    # The current tab shows its selected icon.
    await expect(items.nth(1).locator(".weui-tabbar__icon")).to_have_attribute("src", "/images/dot-on.png")
    await expect(items.nth(0).locator(".weui-tabbar__icon")).to_have_attribute("src", "/images/dot.png")
    await items.nth(2).click()
    await expect(view.locator("#log")).to_have_text("tab:2:Me;")
    await expect(items.nth(2)).to_have_class(re.compile("weui-bar__item_on"))
    await expect(items.nth(1)).not_to_have_class(re.compile("weui-bar__item_on"))

    # grids: three to a row, each a navigator to its url.
    grids = view.locator("#grids .weui-grid")
    await expect(grids).to_have_count(4)
    await expect(grids.nth(0).locator(".weui-grid__label")).to_have_text("Popups")
    first = await grids.nth(0).bounding_box()
    fourth = await grids.nth(3).bounding_box()
    assert first and fourth and abs(first["x"] - fourth["x"]) < 1 and fourth["y"] > first["y"]
    await grids.nth(0).click()
    await expect(app.page.locator("iframe.hutong-page")).to_have_count(2)
    await expect(app.view().locator("#open-dialog")).to_be_visible()
    assert not app.errors
    await app.page.close()


async def test_uploader_and_gallery(live_server: LiveServer, browser: Browser, tmp_path: Path) -> None:
    app = await open_app(browser, live_server, "test-extlib-weui", "&path=pages/media/media")
    view = app.view()
    log = view.locator("#log")
    uploader = view.locator("#uploader")
    await expect(uploader.locator(".weui-uploader__title")).to_have_text("Photos")
    await expect(uploader.locator(".weui-uploader__tips")).to_have_text("Up to two")
    await expect(uploader.locator(".weui-uploader__info")).to_have_text("1/2")
    await expect(uploader.locator(".weui-uploader__file")).to_have_count(1)
    # The add box opens the host's chooser; the page's select filter, then select with the bytes read,
    # then upload(); the picture shows as loading until upload resolves with its url.
    picture = tmp_path / "p.png"
    picture.write_bytes(PNG)
    async with app.page.expect_file_chooser() as chooser:
        await uploader.locator(".weui-uploader__input").click()
    await (await chooser.value).set_files(str(picture))
    await expect(log).to_have_text(f"filter:1;select:1:{len(PNG)};upload:1;")
    files = uploader.locator(".weui-uploader__file")
    await expect(files).to_have_count(2)
    await expect(files.nth(1).locator(".weui-loading")).to_have_count(1)
    # Full: no add box any more.
    await expect(uploader.locator(".weui-uploader__input-box")).to_have_count(0)
    await view.locator("#finish").click()
    await expect(log).to_contain_text("success:/images/dot-on.png;")
    await expect(files.nth(1).locator(".weui-loading")).to_have_count(0)
    await expect(files.nth(1).locator(".weui-uploader__img")).to_have_attribute("src", "/images/dot-on.png")
    # A tap previews in the gallery; its delete removes the picture and reports {index, item}.
    await files.nth(0).click()
    preview = view.locator("#uploader .weui-gallery")
    await expect(preview).to_be_visible()
    await expect(preview.locator(".weui-gallery__info")).to_have_text("1/2")
    await preview.locator(".weui-gallery__del").click()
    await expect(log).to_contain_text("delete:0:/images/dot.png;")
    await expect(uploader.locator(".weui-uploader__info")).to_have_text("1/2")
    await expect(files).to_have_count(1)
    await preview.locator(".weui-gallery__img").first.click()
    await expect(preview).to_have_count(0)

    # The gallery alone: counter, swipe (change), delete (url, index), a tap hides it.
    await view.locator("#open-gallery").click()
    gallery = view.locator("#gallery .weui-gallery")
    await expect(gallery).to_be_visible()
    await expect(gallery.locator(".weui-gallery__info")).to_have_text("1/2")
    assert await gallery.evaluate(BACKGROUND) == "rgb(0, 0, 0)"
    box = await gallery.locator("wx-swiper").bounding_box()
    assert box is not None
    await app.page.mouse.move(box["x"] + box["width"] - 30, box["y"] + box["height"] / 2)
    await app.page.mouse.down()
    await app.page.mouse.move(box["x"] + 30, box["y"] + box["height"] / 2, steps=8)
    await app.page.mouse.up()
    await expect(log).to_contain_text("change:1;")
    await expect(gallery.locator(".weui-gallery__info")).to_have_text("2/2")
    await gallery.locator(".weui-gallery__del").click()
    await expect(log).to_contain_text("gdelete:1:/images/dot-on.png;")
    await expect(gallery.locator(".weui-gallery__info")).to_have_text("1/1")
    await gallery.locator(".weui-gallery__img").first.click()
    await expect(log).to_contain_text("hide;")
    await expect(gallery).to_have_count(0)
    assert not app.errors
    await app.page.close()


async def test_a_subpackage_page_and_the_dark_theme(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-extlib-weui", "&path=sub/badge/badge")
    view = app.view()
    await expect(view.locator("#cells .weui-cells__title")).to_have_text("In a subpackage")
    await expect(view.locator("#badge .weui-badge")).to_have_text("5")
    assert await view.locator("#badge .weui-badge").evaluate(BACKGROUND) == "rgb(250, 81, 81)"
    # data-weui-theme="dark" on an ancestor: the palette's variables reach into the components.
    assert await view.locator("#cells .weui-cells").evaluate(BACKGROUND) == "rgb(255, 255, 255)"
    assert await view.locator("#dark .weui-cells").evaluate(BACKGROUND) == "rgb(25, 25, 25)"
    assert await view.locator("#dark .weui-cells__title").evaluate(COLOR) == "rgba(255, 255, 255, 0.5)"
    assert await view.locator("#dark-cell .weui-cell__bd").evaluate(COLOR) == "rgba(255, 255, 255, 0.8)"
    assert not app.errors
    await app.page.close()
