"""The console's codes page in Chromium: make a code for a page and query, see it, download it (it reads
back and resolves), delete it; the app's links."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Browser, expect

from hutong.server.discovery.codes import read_codes
from tests.conftest import LiveServer
from tests.platform.steps import sign_up

pytestmark = pytest.mark.browser


async def test_codes_page(live_server: LiveServer, browser: Browser, tmp_path: Path) -> None:
    context = await browser.new_context(accept_downloads=True)
    page = await sign_up(context, live_server, "codes-owner@example.com")
    await page.get_by_label("Name").fill("Codes Co")
    await page.get_by_role("button", name="Create organization").click()
    await page.get_by_label("Name", exact=True).fill("Poster shop")
    await page.get_by_role("button", name="Register").click()
    appid = (await page.locator("#appid").text_content()) or ""
    await page.get_by_role("link", name="Continue to the app").click()
    icon = tmp_path / "icon.jpg"
    Image.new("RGB", (200, 200), (7, 193, 96)).save(icon, format="JPEG")
    await page.get_by_label("Icon image").set_input_files(icon)
    await page.get_by_role("button", name="Upload icon").click()
    await expect(page.get_by_role("status")).to_have_text("icon saved")
    shown = page.locator("h1 img")
    await expect(shown).to_have_js_property("complete", True)
    assert await shown.evaluate("img => img.naturalWidth") == 200
    await page.get_by_role("link", name="Codes and links").click()

    await expect(page.locator("#https-link")).to_have_text(f"{live_server.url}/miniapp/{appid}/")
    await expect(page.locator("#scheme-link")).to_have_text(f"hutong://miniapp/{appid}/")
    form = page.locator("#new-code")
    await form.get_by_label("Page").fill("pages/menu/menu")
    await form.get_by_label("Query").fill("table=12&shop=7")
    await form.get_by_label("Scene").fill("table12")
    await form.get_by_role("button", name="Make code").click()
    await expect(page.get_by_role("status")).to_have_text("code table12 made")
    row = page.locator('#codes tr[data-scene="table12"]')
    await expect(row).to_contain_text("pages/menu/menu")
    await expect(row).to_contain_text("table=12&shop=7")
    image = row.get_by_role("img", name="Code table12")
    await expect(image).to_have_js_property("complete", True)
    assert await image.evaluate("img => img.naturalWidth") > 100

    async with page.expect_download() as waiting:
        await row.get_by_role("link", name="PNG").click()
    download = await waiting.value
    saved = tmp_path / download.suggested_filename
    await download.save_as(saved)
    assert saved.name == f"{appid}-table12.png"
    # The app's icon sits at the centre, and the code still reads.
    picture = Image.open(saved).convert("RGB")
    assert picture.getpixel((picture.width // 2, picture.height // 2)) == (7, 193, 96)
    [content] = read_codes(saved.read_bytes())
    assert content == f"{live_server.url}/s/{appid}/table12"
    resolved = await context.request.get(f"{live_server.url}/api/codes/resolve?appid={appid}&scene=table12")
    assert (await resolved.json())["query"] == {"table": "12", "shop": "7", "scene": "table12"}

    # The same scene for another page is refused, with the reason.
    await form.get_by_label("Page").fill("pages/other/other")
    await form.get_by_label("Scene").fill("table12")
    await form.get_by_role("button", name="Make code").click()
    await expect(page.get_by_role("alert")).to_contain_text("already opens another page")

    await row.get_by_role("button", name="Delete").click()
    await expect(page.get_by_role("status")).to_have_text("code deleted")
    await expect(row).to_have_count(0)
    await context.close()
