"""The end-user host in Chromium: search and open, scan a code from an image, open links and shares,
the capsule menu, apps alive in the background, signing up and in."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Browser, BrowserContext, FrameLocator, Page, async_playwright, expect
from sqlalchemy import select

from hutong.check.browser import CHROMIUM, CHROMIUM_ARGS
from hutong.server.apps.models import App
from hutong.server.db import Database
from hutong.server.discovery import links, scenes
from hutong.server.discovery.codes import render_code
from tests.conftest import LiveServer

APPID = "test-launch"
TOP = ".surface:not([hidden]) iframe.hutong-page:not([hidden])"


def view(page: Page) -> FrameLocator:
    """The page on screen of the mini program on screen."""
    return page.frame_locator(TOP)


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context()
    yield context
    await context.close()


async def _errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(scope="module")
async def tea(live_server: LiveServer) -> str:
    """The launch probe dressed as a milk-tea shop, as its developers would register it."""
    db = Database.of_settings(live_server.settings)
    async with db.session() as session:
        app = await session.scalar(select(App).where(App.appid == APPID))
        assert app is not None
        app.name, app.keywords, app.category = "茶小铺奶茶", ["奶茶", "tea", "milk tea"], "美食"
        app.description = "现做奶茶和水果茶"
    await db.dispose()
    return APPID


async def test_search_as_you_type_and_open(
    live_server: LiveServer, context: BrowserContext, tea: str
) -> None:
    page = await context.new_page()
    errors = await _errors(page)
    await page.goto(live_server.url)
    search = page.get_by_label("Search mini programs")
    # Each query's own answer (an empty box hides the list, so an earlier answer cannot pass for it):
    # the shop is found in Chinese, pinyin and English (for "naicha" and "tea" the example tea house
    # ties with it or ranks above it).
    found = page.locator(f'#search-results button[data-appid="{tea}"]')
    for query in ("奶茶", "naicha", "tea"):
        await search.fill("")
        await expect(page.locator("#search-results")).to_be_hidden()
        await search.press_sequentially(query, delay=30)
        await expect(found).to_be_visible()
    await expect(found).to_contain_text("茶小铺奶茶")
    await search.fill("zzqqxx")
    await expect(page.locator("#search-empty")).to_be_visible()
    await search.fill("奶茶")
    await found.click()
    probe = view(page)
    await expect(probe.locator("#scene")).to_have_text("1005")
    await expect(probe.locator("#path")).to_have_text("pages/index/index")
    # Closed, the results are still there; cleared, the app is on this device's recent list.
    await page.locator("#close-app").click()
    await expect(found).to_be_visible()
    await search.fill("")
    await expect(page.locator(f'#recent-list button[data-appid="{tea}"]')).to_be_visible()
    assert errors == []


async def test_scan_a_code_from_an_image(
    live_server: LiveServer, context: BrowserContext, tea: str, tmp_path: Path
) -> None:
    db = Database.of_settings(live_server.settings)
    async with db.session() as session:
        app = await session.scalar(select(App).where(App.appid == tea))
        assert app is not None
        code = await scenes.create(session, app, page="pages/index/index", query={"table": "12"})
        scene = code.scene
    await db.dispose()
    picture = tmp_path / "poster.png"
    picture.write_bytes(render_code(links.code_link(live_server.url, tea, scene)))

    page = await context.new_page()
    errors = await _errors(page)
    await page.goto(live_server.url)
    await page.get_by_role("button", name="Scan").click()
    async with page.expect_file_chooser() as chooser:
        await page.get_by_text("Choose an image", exact=True).click()
    await (await chooser.value).set_files(picture)
    probe = view(page)
    await expect(probe.locator("#scene")).to_have_text("1049")
    assert json.loads(await probe.locator("#query").text_content() or "") == {"table": "12", "scene": scene}

    # The same code opened by a phone's camera app: the browser visits the code's address.
    await page.goto(links.code_link(live_server.url, tea, scene))
    await expect(view(page).locator("#scene")).to_have_text("1047")
    await expect(view(page).locator("#query")).to_contain_text(f'"scene":"{scene}"')
    # A picture without a mini program code says so.
    await page.goto(live_server.url)
    blank = tmp_path / "other.png"
    blank.write_bytes(render_code("just some text"))
    await page.get_by_role("button", name="Scan").click()
    async with page.expect_file_chooser() as chooser:
        await page.get_by_text("Choose an image", exact=True).click()
    await (await chooser.value).set_files(blank)
    await expect(page.locator("#home-notice")).to_contain_text(
        "Not a mini program link or code: just some text"
    )
    assert errors == []


async def test_links_and_shares(live_server: LiveServer, context: BrowserContext, tea: str) -> None:
    page = await context.new_page()
    errors = await _errors(page)
    await page.goto(f"{live_server.url}/miniapp/{tea}/pages/index/index?shop=7&name=%E8%8C%B6")
    probe = view(page)
    await expect(probe.locator("#scene")).to_have_text("1194")
    assert json.loads(await probe.locator("#query").text_content() or "") == {"shop": "7", "name": "茶"}

    # Share hands out a link to the page on screen; opening it is scene 1007.
    await page.get_by_role("button", name="More").click()
    await page.get_by_role("menuitem", name="Share").click()
    shared = await page.get_by_label("Link to this page").input_value()
    assert shared == f"{live_server.url}/miniapp/{tea}/pages/index/index?shop=7&name=%E8%8C%B6#share"
    other = await context.new_page()
    await other.goto(shared)
    await expect(view(other).locator("#scene")).to_have_text("1007")

    # The scheme form, typed into the host.
    await page.goto(live_server.url)
    await page.get_by_label("Mini program link").fill(
        f"hutong://miniapp/{tea}/pages/detail/detail?from=scheme"
    )
    await page.get_by_role("button", name="Open link").click()
    await expect(view(page).locator("#detail")).to_have_text("detail from scheme")
    assert errors == []


async def test_capsule_menu_and_apps_alive_in_the_background(
    live_server: LiveServer, context: BrowserContext, tea: str
) -> None:
    page = await context.new_page()
    errors = await _errors(page)
    await page.goto(f"{live_server.url}/?open={tea}")
    await view(page).locator("#to-detail").click()
    detail = view(page)
    await expect(detail.locator("#detail")).to_have_text("detail from index")
    await detail.locator("#tap").click()
    await detail.locator("#tap").click()
    await expect(detail.locator("#taps")).to_have_text("2")

    # About: the app's name, developer and version, drawn by the host.
    await page.get_by_role("button", name="More").click()
    await page.get_by_role("menuitem", name="About").click()
    about = page.get_by_role("dialog", name="About")
    await expect(about).to_contain_text("茶小铺奶茶")
    await expect(about).to_contain_text("Hutong demo")
    await expect(about).to_contain_text("1.0.0")
    await about.get_by_role("button", name="Done").click()

    # Close keeps it alive; a second app opens beside it.
    await page.locator("#close-app").click()
    await page.locator('#home button[data-appid="hutong-counter"]').click()
    await view(page).locator("#increment").click()
    await expect(view(page).locator("#count")).to_have_text("1")
    await page.locator("#close-app").click()
    await expect(page.locator(".surface")).to_have_count(2)

    # Back to the first: the same page, the same state, no reload; onHide then onShow ran.
    await page.locator(f'#home button[data-appid="{tea}"]').click()
    await expect(detail.locator("#taps")).to_have_text("2")
    await expect(detail.locator("#detail-events")).to_have_text("launch:1001 show:1001 hide show:1001")
    await page.locator("#close-app").click()
    await page.locator('#home button[data-appid="hutong-counter"]').click()
    await expect(view(page).locator("#count")).to_have_text("1")

    # Restart: a cold start at the home page.
    await page.locator("#close-app").click()
    await page.locator(f'#home button[data-appid="{tea}"]').click()
    await page.get_by_role("button", name="More").click()
    await page.get_by_role("menuitem", name="Restart").click()
    await expect(view(page).locator("#scene")).to_have_text("1001")
    await expect(view(page).locator("#events")).to_have_text("launch:1001 show:1001")
    await expect(page.locator(f'.surface[data-appid="{tea}"] iframe.hutong-page')).to_have_count(1)
    await expect(page.locator(".surface")).to_have_count(2)
    assert errors == []


async def test_sign_up_pin_sign_out_and_in(
    live_server: LiveServer, context: BrowserContext, tea: str
) -> None:
    page = await context.new_page()
    errors = await _errors(page)
    # Opened before signing up: it stays on the recent list afterwards.
    await page.goto(f"{live_server.url}/?open=hutong-counter")
    await expect(view(page).locator("#count")).to_have_text("0")
    await page.locator("#close-app").click()
    await page.get_by_role("button", name="Sign in").click()
    sheet = page.get_by_role("dialog", name="Sign in")
    await sheet.get_by_role("button", name="Create an account").click()
    sheet = page.get_by_role("dialog", name="Create an account")
    await sheet.get_by_label("Email").fill("tea-lover@example.com")
    await sheet.get_by_label("Password").fill("long enough")
    await sheet.get_by_label("Name", exact=True).fill("Tea Lover")
    await sheet.get_by_role("button", name="Sign up").click()
    await expect(page.locator("#account")).to_have_text("tea-lover@example.com")
    await expect(page.locator('#recent-list button[data-appid="hutong-counter"]')).to_be_visible()

    await page.locator(f'#home button[data-appid="{tea}"]').click()
    await expect(view(page).locator("#scene")).to_have_text("1001")
    await page.get_by_role("button", name="More").click()
    await page.get_by_role("menuitem", name="Add to My mini programs").click()
    await page.locator("#close-app").click()
    await expect(page.locator(f'#pinned-list button[data-appid="{tea}"]')).to_be_visible()

    await page.locator("#account").click()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page.locator("#account")).to_have_text("Sign in")
    await expect(page.locator("#pinned-section")).to_be_hidden()

    await page.locator("#account").click()
    sheet = page.get_by_role("dialog", name="Sign in")
    await sheet.get_by_label("Email").fill("tea-lover@example.com")
    await sheet.get_by_label("Password").fill("wrong password")
    await sheet.get_by_role("button", name="Sign in").click()
    await expect(sheet.get_by_role("alert")).to_be_visible()
    await sheet.get_by_label("Password").fill("long enough")
    await sheet.get_by_role("button", name="Sign in").click()
    await expect(page.locator("#account")).to_have_text("tea-lover@example.com")
    await expect(page.locator(f'#pinned-list button[data-appid="{tea}"]')).to_be_visible()
    assert errors == []


def _y4m(picture: Image.Image, frames: int = 3) -> bytes:
    """A tiny Y4M video of one still picture, for Chromium's fake camera."""
    picture = picture.convert("RGB").resize((640, 480))
    y, cb, cr = picture.convert("YCbCr").split()
    half = (320, 240)
    frame = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    header = b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n"
    return header + b"".join(b"FRAME\n" + frame for _ in range(frames))


async def test_scan_with_the_camera(live_server: LiveServer, tea: str, tmp_path: Path) -> None:
    """Chromium's fake camera films a code; the host reads it (here by sending frames to the platform,
    as Chromium on Linux has no BarcodeDetector) and opens the page, scene 1047."""
    db = Database.of_settings(live_server.settings)
    async with db.session() as session:
        app = await session.scalar(select(App).where(App.appid == tea))
        assert app is not None
        code = await scenes.create(session, app, page="pages/detail/detail", query={"from": "camera"})
        scene = code.scene
    await db.dispose()
    poster = Image.new("RGB", (640, 480), "white")
    qr = Image.open(io.BytesIO(render_code(links.code_link(live_server.url, tea, scene), scale=6)))
    poster.paste(qr, ((640 - qr.width) // 2, (480 - qr.height) // 2))
    video = tmp_path / "camera.y4m"
    video.write_bytes(_y4m(poster))
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                *CHROMIUM_ARGS,
                "--use-fake-device-for-media-stream",
                f"--use-file-for-fake-video-capture={video}",
            ],
        )
        context = await browser.new_context(permissions=["camera"])
        page = await context.new_page()
        await page.goto(live_server.url)
        await page.get_by_role("button", name="Scan").click()
        await expect(view(page).locator("#detail")).to_have_text("detail from camera", timeout=15_000)
        await expect(page.locator("#scan-video")).to_be_hidden()
        await browser.close()


async def test_how_many_stay_alive_and_for_how_long(live_server: LiveServer, context: BrowserContext) -> None:
    """The shell's own AliveApps, with small limits: the least recently used app goes first, and one
    left in the background past its lifetime is closed. (Apps are created, not started.)"""
    page = await context.new_page()
    await page.goto(live_server.url)
    result = await page.evaluate(
        """async () => {
          const { AliveApps } = await import('/_rt/shell/alive.js');
          const box = document.createElement('div');
          document.body.appendChild(box);
          const alive = new AliveApps(box, () => {}, () => {}, { max: 2, lifetime: 60_000 });
          const a = alive.create('a', 'release', '/nowhere');
          const b = alive.create('b', 'release', '/nowhere');
          alive.resume(a, { scene: 1001 });  // a is now the most recently used
          alive.create('c', 'release', '/nowhere');
          const kept = [...alive.apps.values()].map((x) => x.appid).sort().join(',');
          const surfaces = box.querySelectorAll('.surface').length;
          const shortLived = new AliveApps(box, () => {}, () => {}, { max: 5, lifetime: 10 });
          shortLived.create('d', 'release', '/nowhere');
          shortLived.background();
          const hiddenAtOnce = shortLived.apps.size;
          await new Promise((resolve) => setTimeout(resolve, 100));
          return { kept, surfaces, bGone: !b.surface.isConnected, hiddenAtOnce, after: shortLived.apps.size };
        }"""
    )
    assert result == {"kept": "a,c", "surfaces": 2, "bGone": True, "hiddenAtOnce": 1, "after": 0}
