"""`<camera>`: the host owns the camera (a sandboxed page frame cannot open it), asks scope.camera on its
own consent sheet, and sends the element its pictures; CameraContext.takePhoto hands the app a temp file
that `<image>` shows and wx.getFileInfo reads. Chromium's fake camera films (test-camera)."""

from __future__ import annotations

import base64
import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import segno
from PIL import Image
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


@pytest.fixture(scope="module")
async def _fake_camera_browser() -> AsyncIterator[Browser]:
    """A browser with Chromium's fake camera (the shared one has none), launched once for the module's
    tests that use it: a launch and Playwright's driver cost about a second of CPU each time."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
            ],
        )
        yield browser
        await browser.close()


@pytest.fixture
async def camera_browser(_fake_camera_browser: Browser) -> AsyncIterator[Browser]:
    """The fake-camera browser; the contexts a test opens in it are closed when it ends (a page left
    filming would run on through the next test)."""
    yield _fake_camera_browser
    for context in _fake_camera_browser.contexts:
        await context.close()


SCANNED = "https://example.com/ticket?seat=12"


def qr_film(path: Path, text: str) -> Path:
    """A short Y4M film of a QR code (grey: the Y plane only carries it) for Chromium's fake camera."""
    png = io.BytesIO()
    segno.make_qr(text).save(png, kind="png", scale=5, border=4)
    code = Image.open(png).convert("L")
    picture = Image.new("L", (320, 240), 255)
    picture.paste(code, ((320 - code.width) // 2, (240 - code.height) // 2))
    chroma = bytes([128]) * (160 * 120 * 2)
    frame = b"FRAME\n" + picture.tobytes() + chroma
    path.write_bytes(b"YUV4MPEG2 W320 H240 F5:1 Ip A1:1 C420jpeg\n" + frame * 3)
    return path


async def opened(browser: Browser, server: LiveServer, path: str = "") -> tuple[Page, FrameLocator]:
    context = await browser.new_context(permissions=["camera"])
    page = await context.new_page()
    await page.goto(f"{server.url}/?open=test-camera" + (f"&path={path}" if path else ""))
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
    # getVideoInfo reads the recording: its container, size, and a finite duration the WebM does not name.
    await expect(view.locator("#video-info")).to_have_text(
        f"getVideoInfo:ok webm {first['width']}x{first['height']} true true true"
    )
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


async def test_scan_mode_reports_the_code_in_view(live_server: LiveServer, tmp_path: Path) -> None:
    """mode="scanCode": this Chromium has no BarcodeDetector, so the host sends a picture a second to the
    platform's reader and reports each read to bindscancode, again while the code stays in view."""
    film = qr_film(tmp_path / "qr.y4m", SCANNED)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                f"--use-file-for-fake-video-capture={film}",
            ],
        )
        page, view = await opened(browser, live_server, "pages/scan/scan")
        await page.locator(".hutong-consent .hutong-consent-allow").click()
        await expect(view.locator("#status")).to_have_text("initdone", timeout=15_000)
        raw = base64.b64encode(SCANNED.encode()).decode()
        await expect(view.locator("#code")).to_have_text(
            f"scancode QR_CODE utf-8 {SCANNED} {raw}", timeout=15_000
        )
        # Read again a second later: WeChat's camera keeps reporting the code it sees.
        await expect(view.locator("#reads")).to_have_text(re.compile(r"^([2-9]|\d\d+)$"), timeout=5_000)
        await browser.close()


# In the host page: every stream it opens, the pictures it sends the page frames, and those sent while
# the camera's page (the app's first) was out of sight.
WATCH_HOST = """(() => {
  if (window.top !== window) return;
  window.__streams = [];
  window.__frames = 0;
  window.__hiddenFrames = 0;
  const open = MediaDevices.prototype.getUserMedia;
  MediaDevices.prototype.getUserMedia = async function (...args) {
    const stream = await open.apply(this, args);
    window.__streams.push(stream);
    return stream;
  };
  const post = MessagePort.prototype.postMessage;
  MessagePort.prototype.postMessage = function (message, ...rest) {
    if (message && message.t === 'component:call' && message.method === 'frame') {
      window.__frames += 1;
      const frame = document.querySelector('iframe.hutong-page');
      if (!frame || frame.hidden || frame.closest('[hidden]')) window.__hiddenFrames += 1;
    }
    return post.call(this, message, ...rest);
  };
})();"""
LIVE_TRACKS = """(count) => window.__streams.flatMap((s) => s.getTracks())
  .filter((t) => t.readyState === 'live').length === count"""


async def live_tracks(page: Page, count: int) -> None:
    """The host's camera tracks still live come to `count` (polled; the bound is generous)."""
    await page.wait_for_function(LIVE_TRACKS, arg=count, timeout=15_000)


async def pictures_arrive(page: Page, count: int = 4) -> None:
    """The host sends the camera's page `count` more pictures."""
    before = await page.evaluate("() => window.__frames")
    await page.wait_for_function("(n) => window.__frames >= n", arg=before + count, timeout=15_000)


async def test_the_camera_closes_while_its_page_is_out_of_sight(
    live_server: LiveServer, camera_browser: Browser
) -> None:
    """As WeChat's: another page over the camera's, or the app in the background, releases the camera
    (its tracks end, the light goes off) and no picture is sent; back on screen, it films again without
    asking. A recording under way ends and goes to timeoutCallback; the background fires bindstop."""
    context = await camera_browser.new_context(permissions=["camera"])
    await context.add_init_script(WATCH_HOST)
    page = await context.new_page()
    await page.goto(f"{live_server.url}/?open=test-camera")
    view = page.frame_locator("iframe.hutong-page").first
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    await expect(view.locator("#status")).to_have_text("initdone initdone", timeout=15_000)
    await pictures_arrive(page)
    await live_tracks(page, 1)

    # Covered by another page while recording: the camera closes, the recording ends.
    await view.locator("#long-rec").click()
    await expect(view.locator("#record")).to_have_text("recording")
    await pictures_arrive(page, 15)  # about a second of film
    await view.locator("#next").click()
    other = page.frame_locator("iframe.hutong-page").last
    await expect(other.locator("#other")).to_have_text("other")
    await live_tracks(page, 0)
    await expect(view.locator("#record")).to_have_text("ended true bytes true", timeout=15_000)

    # Back: it films again, with no second question; being covered was no bindstop.
    await other.locator("#back").click()
    await live_tracks(page, 1)
    await pictures_arrive(page)
    await expect(page.locator(".hutong-consent")).to_have_count(0)
    await expect(view.locator("#status")).to_have_text("initdone initdone")

    # Closed to the background (the app stays alive): closed, and bindstop; reopened: filming.
    await page.locator("#close-app").click()
    await live_tracks(page, 0)
    await expect(view.locator("#status")).to_have_text("stop")
    await page.locator('#home button[data-appid="test-camera"]').first.click()
    await live_tracks(page, 1)
    await pictures_arrive(page)
    await expect(page.locator(".hutong-consent")).to_have_count(0)
    assert await page.evaluate("() => window.__hiddenFrames") == 0
    assert len(await page.evaluate("() => window.__streams.map((s) => s.id)")) == 3
    await context.close()


async def test_the_recorder_records_from_the_hosts_microphone(
    live_server: LiveServer, camera_browser: Browser
) -> None:
    """wx.getRecorderManager: start asks scope.record on the host's sheet, then records the (fake)
    microphone; pause and resume are heard; stop gives a temp file the app reads whole: a RIFF WAVE
    file for wav, and the default format stops by itself after its duration."""
    context = await camera_browser.new_context(permissions=["microphone"])
    page = await context.new_page()
    await page.goto(f"{live_server.url}/?open=test-camera&path=pages/recorder/recorder")
    view = page.frame_locator("iframe.hutong-page").last
    await expect(view.locator("#status")).to_have_text("ready")
    await view.locator("#record-wav").click()
    dialog = page.locator(".hutong-consent")
    await expect(dialog).to_contain_text("录一段语音")
    await dialog.locator(".hutong-consent-allow").click()
    await expect(view.locator("#events")).to_have_text("start;")
    await page.wait_for_timeout(400)
    await view.locator("#pause").click()
    await expect(view.locator("#events")).to_have_text("start;pause;")
    await view.locator("#resume").click()
    await expect(view.locator("#events")).to_have_text("start;pause;resume;")
    await page.wait_for_timeout(400)
    await view.locator("#stop").click()
    await expect(view.locator("#result")).to_have_text("wav RIFF true true true", timeout=15_000)
    # A second recording, in the default format, ends by itself after its 600 ms.
    await view.locator("#record-aac").click()
    await expect(view.locator("#result")).to_have_text(
        re.compile(r"^(m4a|webm) \S+ true true true$"), timeout=15_000
    )
    await expect(view.locator("#events")).to_have_text("start;pause;resume;stop;start;stop;")
    # WeChat's first API: startRecord's success has the file once stopRecord ends the recording, and
    # playVoice's comes once the voice has played.
    await view.locator("#legacy-record").click()
    await expect(view.locator("#events")).to_have_text("start;pause;resume;stop;start;stop;start;")
    await page.wait_for_timeout(500)
    await view.locator("#legacy-stop").click()
    await expect(view.locator("#legacy")).to_have_text("startRecord:ok true", timeout=15_000)
    await view.locator("#play-voice").click()
    await expect(view.locator("#legacy")).to_have_text("startRecord:ok true playVoice:ok", timeout=15_000)
    await context.close()
