"""examples/tea from its developer's folder to a customer's cart, in Chromium, on SQLite and PostgreSQL:
the developer registers and uploads it with the CLI and submits it, a reviewer approves it, the developer
releases it and then a new version to 50%; customers find it by searching "奶茶", "tea" or "naicha",
order a drink, and another opens it by scanning its code from a picture."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, FrameLocator, Page, expect

from hutong.server.accounts.service import set_operator_role
from hutong.server.db import Database
from tests.conftest import EXAMPLES, LiveServer
from tests.platform.steps import cli_run, sign_up

pytestmark = pytest.mark.browser
TOP = ".surface:not([hidden]) iframe.hutong-page:not([hidden])"


def on_screen(page: Page) -> FrameLocator:
    return page.frame_locator(TOP)


async def _approve(reviewer: Page, server: LiveServer) -> None:
    await reviewer.goto(f"{server.url}/console/review")
    await reviewer.locator("#queue").get_by_role("link", name="Review").click()
    live = reviewer.frame_locator("#preview").frame_locator("iframe.hutong-page")
    # The reviewer sees the shop running before approving it.
    await expect(live.locator("#checkout")).to_be_visible()
    await reviewer.get_by_role("button", name="Approve").click()
    await expect(reviewer.locator("#queue")).to_contain_text("Nothing waits for review")


async def _order_a_drink(page: Page) -> None:
    shop = on_screen(page)
    await expect(shop.locator("#cart-count")).to_have_text("0 杯")
    await shop.locator("#product-m1 .plus").click()
    await expect(shop.locator("#cart-count")).to_have_text("1 杯")
    await shop.locator("#checkout").click()
    cart = on_screen(page)
    await expect(cart.locator(".line-name")).to_have_text("珍珠奶茶 Pearl milk tea")


async def test_tea_from_upload_to_a_customers_cart(
    server: LiveServer, browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    developer = await browser.new_context()
    console = await sign_up(developer, server, "owner@tea.example")
    await console.get_by_label("Name").fill("Tea Co")
    await console.get_by_role("button", name="Create organization").click()
    await console.get_by_label("Name", exact=True).fill("茶小铺奶茶")
    await console.get_by_label("Icon (emoji or image URL)").fill("🧋")
    await console.get_by_role("button", name="Register").click()
    appid = (await console.locator("#appid").text_content()) or ""
    await console.goto(f"{server.url}/console/apps/{appid}")
    await console.get_by_label("Category").fill("美食")
    await console.get_by_label("Keywords").fill("奶茶, tea, milk tea")
    await console.get_by_role("button", name="Save settings").click()

    config = tmp_path / "cli.json"
    login = (
        "login",
        "--server",
        server.url,
        "--email",
        "owner@tea.example",
        "--password",
        "journey password",
    )
    cli_run(monkeypatch, config, *login)
    upload = ("upload", str(EXAMPLES / "tea"), "--version", "1.0.0", "--desc", "menu", "--appid", appid)
    assert f"uploaded {appid} 1.0.0" in cli_run(monkeypatch, config, *upload)
    await console.goto(f"{server.url}/console/apps/{appid}")
    row = console.locator('#versions tr[data-version="1.0.0"]')
    await row.get_by_role("button", name="Submit for review").click()
    await expect(console.locator("#in-review")).to_have_text("1.0.0")

    reviewer_context = await browser.new_context()
    reviewer = await sign_up(reviewer_context, server, "reviewer@tea.example")
    database = Database.of_settings(server.settings)
    async with database.session() as session:
        await set_operator_role(session, "reviewer@tea.example", "reviewer")
    await database.dispose()
    await _approve(reviewer, server)
    await console.goto(f"{server.url}/console/apps/{appid}")
    await row.get_by_role("button", name="Release").click()
    await expect(console.locator("#current-version")).to_have_text("1.0.0")

    # 1.1.0 goes to half of the customers.
    v2 = tmp_path / "tea-v2"
    shutil.copytree(EXAMPLES / "tea", v2)
    menu = v2 / "utils" / "menu.js"
    menu.write_text(menu.read_text() + "\n// 1.1.0: the same menu, a new build\n")
    cli_run(monkeypatch, config, "upload", str(v2), "--version", "1.1.0", "--desc", "build", "--appid", appid)
    await console.goto(f"{server.url}/console/apps/{appid}")
    row2 = console.locator('#versions tr[data-version="1.1.0"]')
    await row2.get_by_role("button", name="Submit for review").click()
    await _approve(reviewer, server)
    await console.goto(f"{server.url}/console/apps/{appid}")
    await row2.locator("input.pct").fill("50")
    await row2.get_by_role("button", name="Release").click()
    await expect(console.locator("#rollout")).to_have_text("1.1.0 to 50%")

    # Customers find it by its Chinese name, in English and in pinyin, and order.
    customer: BrowserContext = await browser.new_context()
    page = await customer.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(server.url)
    search = page.get_by_label("Search mini programs")
    results = page.locator("#search-results button")
    for query in ("奶茶", "tea", "naicha"):
        await search.fill("")
        await search.press_sequentially(query, delay=20)
        await expect(results.first).to_have_attribute("data-appid", appid)
    await results.first.click()
    await _order_a_drink(page)
    assert await page.locator("#dev-panel").text_content() in ("", None)

    # The shop prints a table code; another customer scans it from a picture of it.
    await console.goto(f"{server.url}/console/apps/{appid}/codes")
    await console.get_by_label("Page").fill("pages/menu/menu")
    await console.get_by_label("Query").fill("table=12")
    await console.get_by_role("button", name="Make code").click()
    png_link = console.get_by_role("link", name="PNG").first
    href = await png_link.get_attribute("href")
    assert href
    picture = tmp_path / "table-12.png"
    picture.write_bytes(await (await developer.request.get(server.url + href)).body())

    scanner = await browser.new_context()
    scan_page = await scanner.new_page()
    scan_page.on("pageerror", lambda error: errors.append(str(error)))
    await scan_page.goto(server.url)
    await scan_page.get_by_role("button", name="Scan").click()
    async with scan_page.expect_file_chooser() as chooser:
        await scan_page.get_by_text("Choose an image", exact=True).click()
    await (await chooser.value).set_files(picture)
    await _order_a_drink(scan_page)
    assert errors == []
    for context in (developer, reviewer_context, customer, scanner):
        await context.close()
