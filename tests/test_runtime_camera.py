"""`<camera>`: the host owns the camera (a sandboxed page frame cannot open it), asks scope.camera on its
own consent sheet, and sends the element its pictures; CameraContext.takePhoto hands the app a temp file
that `<image>` shows and wx.getFileInfo reads. Chromium's fake camera films (test-camera)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, FrameLocator, Page, async_playwright, expect

from hutong.check.browser import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

# What the camera's canvas shows: its size and how many distinct colours a sample of its pixels has.
PIXELS = """(el) => {
  const source = el.shadowRoot.querySelector('canvas');
  const out = document.createElement('canvas');
  out.width = 64;
  out.height = 48;
  const ctx = out.getContext('2d');
  ctx.drawImage(source, 0, 0, 64, 48);
  const data = ctx.getImageData(0, 0, 64, 48).data;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
  const sum = data.reduce((a, b) => a + b, 0);
  return { width: source.width, height: source.height, colours: colours.size, sum };
}"""


@pytest.fixture
async def camera_browser() -> AsyncIterator[Browser]:
    """A browser with Chromium's fake camera (the shared one has none)."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
        )
        yield browser
        await browser.close()


async def opened(browser: Browser, server: LiveServer) -> tuple[Page, FrameLocator]:
    context = await browser.new_context(permissions=["camera"])
    page = await context.new_page()
    await page.goto(f"{server.url}/?open=test-camera")
    view = page.frame_locator("iframe.hutong-page").last
    await expect(view.locator("#status")).to_have_text("waiting")
    return page, view


async def test_the_camera_films_after_consent_and_takes_a_photo(
    live_server: LiveServer, camera_browser: Browser
) -> None:
    page, view = await opened(camera_browser, live_server)
    # The question is the host's own sheet, naming the camera.
    dialog = page.locator(".hutong-consent")
    await expect(dialog).to_contain_text("使用你的摄像头")
    await expect(view.locator("#status")).to_have_text("waiting")
    await dialog.locator(".hutong-consent-allow").click()
    await expect(view.locator("#status")).to_have_text("initdone initdone", timeout=15_000)
    camera = view.locator("#cam")
    first = await camera.evaluate(PIXELS)
    assert first["width"] > 0 and first["height"] > 0
    assert first["colours"] > 4, first  # a picture, not a blank or one-colour rectangle
    # Live: the fake camera's picture moves, and so does the element's.
    for _ in range(50):
        later = await camera.evaluate(PIXELS)
        if later["sum"] != first["sum"]:
            break
        await page.wait_for_timeout(100)
    assert later["sum"] != first["sum"]
    # takePhoto: a JPEG temp file the app reads and shows.
    await view.locator("#shoot").click()
    await expect(view.locator("#photo-path")).to_have_text(re.compile(r"^wxfile://tmp_\w+\.jpg$"))
    await expect(view.locator("#file-info")).to_have_text("takePhoto:ok bytes")
    await expect(view.locator("#loaded")).to_have_text(f"{first['width']}x{first['height']}")
    await expect(view.locator("#zoom")).to_have_text("setZoom:fail not supported")
    # A recording: a WebM temp file with bytes, and a thumbnail the page shows.
    await view.locator("#rec").click()
    await expect(view.locator("#record")).to_have_text("stopRecord:ok true bytes", timeout=15_000)
    await expect(view.locator("#thumb-loaded")).to_have_text(f"{first['width']}x{first['height']}")
    await page.context.close()


async def test_a_refused_consent_gives_binderror(live_server: LiveServer, camera_browser: Browser) -> None:
    page, view = await opened(camera_browser, live_server)
    await page.locator(".hutong-consent .hutong-consent-deny").click()
    await expect(view.locator("#status")).to_have_text("error insertCamera:fail auth deny")
    blank = {"width": 300, "height": 150, "colours": 1, "sum": 0}
    assert await view.locator("#cam").evaluate(PIXELS) == blank
    await view.locator("#shoot").click()
    await expect(view.locator("#file-info")).to_have_text("takePhoto:fail camera is not ready")
    await page.context.close()
