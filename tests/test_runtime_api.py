"""The wx API families, driven through the test-apis mini program in real Chromium."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import pytest
import segno
from playwright.async_api import Browser, FrameLocator, expect

from hutong.server.db import Database
from hutong.server.events.service import recent_events
from tests.api_server import backend, png
from tests.conftest import LiveServer, OpenedApp, allow_domains, open_app

pytestmark = pytest.mark.browser


async def out(view: FrameLocator) -> Any:
    """The JSON a test page wrote into #out, once it is there."""
    await expect(view.locator("#out")).not_to_be_empty(timeout=20000)
    return json.loads(await view.locator("#out").text_content() or "")


async def open_page(browser: Browser, server: LiveServer, page: str, query: str = "") -> OpenedApp:
    return await open_app(browser, server, "test-apis", f"&path={quote(page)}{query}")


async def test_base_unsupported_and_open_apis(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/base/base")
    r = await out(app.view())
    assert r["info"] == ["number", "number", "3.4.0", "hutong", "object"]
    assert r["window"] is True
    assert r["menu"] is True
    assert r["async"] == "getSystemInfo:ok"
    # request yes; login yes; unknown no; task methods, components and return fields yes.
    # The last two come from the built-in components registry: scroll-x is there, live-pusher is unsupported.
    assert r["canIUse"] == [True, True, False, True, True, True, True, False, True, False]
    assert r["b64"] == "aHV0b25n"
    assert r["back"] == "104,117,116,111,110,103"
    assert r["env"] == "wxfile://usr"
    assert r["network"] == ["undefined"] * 4  # the logic thread has no network of its own
    assert r["unknown"] == "updateWeChatApp:fail not supported"
    assert r["unknownPromise"] == "updateWeChatApp:fail not supported"
    assert r["absent"] == "undefined"
    assert r["sdkSlot"] == 1
    assert r["setting"] == {"errMsg": "getSetting:ok", "authSetting": {}}
    # Not in a tap (WeChat's rule): refused without asking.
    gesture = "requestSubscribeMessage:fail can only be invoked by user TAP gesture."
    assert r["subscribe"] == {"errMsg": gesture}
    assert r["update"] == {"hasUpdate": False}
    assert r["completeOrder"] == "success,complete"
    assert r["animation"] == {
        "actions": [
            {
                "animates": [
                    {"type": "translateX", "args": [10]},
                    {"type": "style", "args": ["opacity", 0.5]},
                ],
                "option": {
                    "transformOrigin": "50% 50% 0",
                    "transition": {"duration": 200, "timingFunction": "linear", "delay": 0},
                },
            },
            {
                "animates": [{"type": "rotate", "args": [45]}],
                "option": {
                    "transformOrigin": "50% 50% 0",
                    "transition": {"duration": 100, "timingFunction": "linear", "delay": 0},
                },
            },
        ]
    }
    # Unsupported APIs are reported once each (the diagnostic and a console warning); the app's
    # console reaches the developer panel.
    log = await app.page.evaluate("window.__hutongLog")
    unsupported = [e["name"] for e in log if e["kind"] == "unsupported"]
    assert unsupported.count("wx.updateWeChatApp") == 1
    assert "wx.navigateToMiniProgram" not in unsupported and "wx.login" not in unsupported
    await expect(app.page.locator("#dev-panel")).to_contain_text('[log] hello from the app {"n":1}')
    await expect(app.page.locator("#dev-panel")).to_contain_text(
        "[warn] [hutong] API wx.updateWeChatApp is not supported"
    )
    await app.page.close()


async def test_storage_persists_per_app_with_limits(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/storage/storage")
    r = await out(app.view())
    assert r["launches"] == 1
    assert r["missing"] == ""
    assert r["obj"] == {"a": [1, 2], "b": "x"}
    assert r["async"] == 42
    assert r["asyncMissing"] == "getStorage:fail data not found"
    assert r["big"] == "setStorageSync:fail entry size limit reached"
    assert r["emptyKey"] == "setStorageSync:fail parameter error"
    assert r["batch"] == ["v1", "v2", ""]
    assert r["batchAsync"] == ["v1"]
    assert r["keys"] == ["async", "k1", "launches", "obj"]
    assert r["limit"] == 10240
    # Kept by the host across a reload, in the same browser profile.
    context = app.page.context
    await app.page.reload()
    again = app.view()
    r = await out(again)
    assert r["launches"] == 2
    # Another app does not see it.
    other = await open_app(browser, live_server, "test-lifecycle")
    await expect(other.view().locator("body")).not_to_be_empty()
    worker = other.page.workers[0]
    assert await worker.evaluate("wx.getStorageSync('launches')") == ""
    await other.page.close()
    # clearStorageSync empties it.
    await again.locator("#clear").click()
    await expect(again.locator("#out")).to_have_text('{"cleared":[]}')
    del context
    await app.page.close()


async def test_network_request_transfers_and_sockets(live_server: LiveServer, browser: Browser) -> None:
    with backend(ports=3) as (bases, state):
        sockets = [base.replace("http", "ws") for base in bases]
        await allow_domains(
            live_server,
            "test-apis",
            {"request": bases, "upload": bases, "download": bases, "socket": sockets},
        )
        query = quote(f"base={bases[0]}&more={','.join(bases[1:])}", safe="")
        app = await open_page(browser, live_server, "pages/network/network", f"&query={query}")
        view = app.view()
        await view.locator("#run").click()
        r = await out(view)
        assert r["get"] == ["request:ok", 200, "GET", "x=1&a=1&b=x%20y", "yes"]
        assert r["post"] == ['{"a":[1,2]}', "application/json"]
        assert r["form"] == "a=1&b=%C3%A9"
        assert r["text"] == ["string", "not json{"]
        assert r["asText"] == "string"
        assert r["bytes"] == "1,2,3"
        assert r["timeout"] == "request:fail timeout"  # app.json networkTimeout.request = 1500
        assert r["abort"] == "request:fail abort"
        assert r["headers"] == "application/json"
        assert r["denied"] == "request:fail url not in domain list: https://example.com"
        assert r["notHttps"] == 'request:fail invalid url "ftp://127.0.0.1/"'
        assert r["many"] == 14
        assert r["maxConcurrent"] == 10
        assert state.max_running == 10
        assert r["download"] == ["downloadFile:ok", 200, True, 100]
        assert r["downloadedSize"] == len(png(3, 2))
        assert r["upload"] == [
            "uploadFile:ok",
            200,
            {"note": "hi", "size": len(png(3, 2)), "filename": r["upload"][2]["filename"]},
        ]
        assert r["upload"][2]["filename"].endswith(".png")
        assert r["socket"] == ["open", "sendSocketMessage:ok", "message:ping", "close:1000"]
        assert r["legacy"] == "legacy"
        await app.page.close()


async def test_file_system(live_server: LiveServer, browser: Browser) -> None:
    app = await open_page(browser, live_server, "pages/files/files")
    r = await out(app.view())
    assert r["firstRead"] == "readFile:fail no such file or directory, open wxfile://usr/notes/count.txt"
    assert r["launches"] == 1
    assert r["read"] == "hello world"
    assert r["base64"] == "aGVsbG8gd29ybGQ="
    assert r["bytes"] == 11
    assert r["list"] == ["a.txt", "c.txt", "count.txt"]
    assert r["stat"] == [True, False, 11]
    assert r["access"] == "access:fail no such file or directory, access wxfile://usr/notes/b.txt"
    assert r["asyncRead"] == "hello world"
    assert r["denied"] == "writeFile:fail permission denied, open wxfile://elsewhere.txt"
    assert r["afterUnlink"] == ["a.txt", "count.txt"]
    assert r["info"] == 11
    await app.page.reload()
    r = await out(app.view())
    assert r["launches"] == 2
    await app.page.close()


async def test_host_drawn_interaction(live_server: LiveServer, browser: Browser, tmp_path: Any) -> None:
    app = await open_page(browser, live_server, "pages/ui/ui")
    view, host = app.view(), app.page
    await view.locator("#toast").click()
    await expect(host.locator(".hutong-toast")).to_contain_text("Saved")
    await expect(host.locator(".hutong-toast-icon")).to_have_text("✓")
    await expect(view.locator("#out")).to_have_text('{"errMsg":"showToast:ok"}')
    # A loading toast replaces the toast; with a mask it blocks the page.
    await view.locator("#loading").click()
    await expect(host.locator(".hutong-toast-spinner")).to_be_visible()
    await expect(host.locator(".hutong-toast")).to_have_count(0)
    await expect(view.locator("#out")).to_have_text('{"errMsg":"hideLoading:ok"}')

    await view.locator("#modal").click()
    await expect(host.locator(".hutong-dialog-title")).to_have_text("Delete?")
    await expect(host.locator(".hutong-dialog-confirm")).to_have_css("color", "rgb(255, 0, 0)")
    await host.locator(".hutong-dialog-confirm").click()
    await expect(view.locator("#out")).to_have_text('{"errMsg":"showModal:ok","confirm":true,"cancel":false}')
    await view.locator("#editable").click()
    await host.locator(".hutong-modal-input").fill("Ada")
    await host.locator(".hutong-dialog-confirm").click()
    await expect(view.locator("#out")).to_have_text(
        '{"errMsg":"showModal:ok","confirm":true,"cancel":false,"content":"Ada"}'
    )

    await view.locator("#sheet").click()
    await host.locator(".hutong-sheet-item", has_text="B").click()
    await expect(view.locator("#out")).to_have_text('{"errMsg":"showActionSheet:ok","tapIndex":1}')
    await view.locator("#sheet").click()
    await host.locator(".hutong-sheet-cancel").click()
    await expect(view.locator("#out")).to_have_text('{"errMsg":"showActionSheet:fail cancel"}')

    # chooseImage: the host's file chooser; the file joins the app's file system.
    image = tmp_path / "photo.png"
    image.write_bytes(png(3, 2))
    async with host.expect_file_chooser() as chooser:
        await view.locator("#choose").click()
    await (await chooser.value).set_files(str(image))
    await expect(view.locator("#out")).to_contain_text('"width":3')
    r = json.loads(await view.locator("#out").text_content() or "")
    assert r == {
        "errMsg": "chooseImage:ok",
        "size": len(png(3, 2)),
        "width": 3,
        "height": 2,
        "type": "png",
        "small": [2, 1],
    }
    # A wxfile:// src reaches the frame as a data: URL of the file.
    src = await view.locator("#photo").get_attribute("src") or ""
    assert src.startswith("data:image/png;base64,iVBORw0KGgo")
    await view.locator("#preview").click()
    await expect(host.locator(".hutong-preview img")).to_have_js_property("naturalWidth", 3)
    await host.locator(".hutong-preview").click()
    await expect(host.locator(".hutong-preview")).to_have_count(0)

    await view.locator("#call").click()
    await expect(host.locator(".hutong-phone .hutong-dialog-title")).to_have_text("10086")
    await host.locator(".hutong-dialog-cancel").click()
    await expect(view.locator("#out")).to_have_text('{"errMsg":"makePhoneCall:fail cancel"}')

    # scanCode from a chosen picture (read by the browser, or by the platform's code reader).
    code = tmp_path / "code.png"
    segno.make("https://example.com/hello", error="m").save(str(code), scale=8)
    async with host.expect_file_chooser() as chooser:
        await view.locator("#scan").click()
    await (await chooser.value).set_files(str(code))
    await expect(view.locator("#out")).to_have_text('["scanCode:ok","https://example.com/hello","QR_CODE"]')

    # chooseVideo: chooseMedia for one video; the file joins the app's file system.
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(100))
    async with host.expect_file_chooser() as chooser:
        await view.locator("#video").click()
    await (await chooser.value).set_files(str(clip))
    await expect(view.locator("#out")).to_have_text('["chooseVideo:ok",112,true,112,true]')

    # chooseMessageFile (the device's files, filtered as asked) and openDocument: a PDF opens in the
    # browser's viewer in a new tab; a type WeChat does not open fails.
    pdf = tmp_path / "menu.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    size = pdf.stat().st_size
    async with host.expect_file_chooser() as chooser:
        await view.locator("#document").click()
    assert (await chooser.value).element is not None
    assert await (await chooser.value).element.get_attribute("accept") == ".pdf"
    async with app.page.context.expect_page() as popup:
        await (await chooser.value).set_files(str(pdf))
    assert (await popup.value).url.startswith("blob:")
    await (await popup.value).close()
    await expect(view.locator("#out")).to_have_text(
        json.dumps(
            [
                "chooseMessageFile:ok",
                "menu.pdf",
                "file",
                size,
                size,
                "openDocument:fail filetype not supported: txt",
                "openDocument:ok",
            ],
            separators=(",", ":"),
        )
    )

    # createAnimation's data, applied by the `animation` attribute step after step.
    await view.locator("#animate").click()
    await expect(view.locator("#box")).to_have_css("transform", "matrix(2, 0, 0, 2, 30, 0)")
    await expect(view.locator("#box")).to_have_css("opacity", "0.5")

    await view.locator("#openLocation").click()
    # A map of the place (no name or address given: its coordinates), until the user closes it.
    await expect(host.locator(".hutong-map-layer .hutong-map-name")).to_have_text("Hutong")
    await expect(host.locator(".hutong-map-layer")).to_contain_text("39.900000, 116.400000")
    await host.locator(".hutong-map-close").click()
    await expect(host.locator(".hutong-map-layer")).to_have_count(0)
    await app.page.close()


async def test_device_permissions_and_reports(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context(
        permissions=["clipboard-read", "clipboard-write", "geolocation"],
        geolocation={"latitude": 39.9, "longitude": 116.4},
    )
    page = await context.new_page()
    await page.goto(f"{live_server.url}/?open=test-apis&path={quote('pages/ui/ui')}")
    view = page.frame_locator("iframe.hutong-page").last
    # Reading the clipboard and the location only after the user allows it in the host's prompt.
    await view.locator("#clipboard").click()
    await expect(page.locator(".hutong-consent")).to_contain_text("读取你的剪贴板")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    await expect(view.locator("#out")).to_have_text('{"errMsg":"getClipboardData:ok","data":"copied text"}')
    await view.locator("#location").click()
    await expect(page.locator(".hutong-consent")).to_contain_text("获取你的位置信息")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    await expect(view.locator("#out")).to_have_text('["getLocation:ok",39.9,116.4]')
    await context.close()

    app = await open_page(browser, live_server, "pages/device/device")
    r = await out(app.view())
    assert r["network"] == "getNetworkType:ok"
    assert r["brightness"] == 1
    assert r["badBrightness"] == "setScreenBrightness:fail parameter error: value should be between 0 and 1"
    assert r["vibrate"] == "vibrateShort:ok"
    assert r["share"] == ["showShareMenu:ok", "hideShareMenu:ok", "updateShareMenu:ok"]
    assert (
        r["sheetEmpty"]
        == "showActionSheet:fail parameter error: parameter.itemList should have at least 1 item;"
    )
    await expect(app.page.locator("#dev-panel")).to_contain_text("[info] [log] from log manager")
    # Reported events reach the platform, stored for this app (the launch's events token).
    db = Database.of_settings(live_server.settings)
    try:
        for _ in range(50):
            async with db.session() as session:
                events = await recent_events(session, "test-apis")
            if len(events) >= 2:
                break
            await asyncio.sleep(0.1)
    finally:
        await db.dispose()
    assert sorted((e.name, json.dumps(e.data)) for e in events) == [
        ("page_open", '{"page": "device"}'),
        ("purchase", '{"price": 120}'),
    ]
    await app.page.close()
