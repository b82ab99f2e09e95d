"""Account → My data in Chromium: a signed-in user sees which mini programs hold data about them, opens
one, exports it, clears its storage on this device and deletes what the platform keeps."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Browser, Page, expect

from tests.conftest import LiveServer

pytestmark = pytest.mark.browser

STORAGE_PAGE = "/?open=test-apis&path=pages%2Fstorage%2Fstorage"


async def launches(page: Page) -> int:
    """The test-apis storage page counts its launches in wx storage and shows the count."""
    out = page.frame_locator("iframe.hutong-page").last.locator("#out")
    await expect(out).to_contain_text('"launches"', timeout=20000)
    count: int = json.loads(await out.text_content() or "{}")["launches"]
    return count


# The host's IndexedDB (host/api/idb.js): how many of test-apis's records `store` holds, and (`seed`) a
# record put into the rendering caches' store under the same person its storage is kept for.
APP_RECORDS = """([store, seed]) => new Promise((resolve) => {
  const open = indexedDB.open('hutong-apps');
  open.onsuccess = () => {
    const db = open.result;
    const mine = (keys) => keys.filter((key) => key[0] === 'test-apis');
    const keys = db.transaction(store).objectStore(store).getAllKeys();
    keys.onsuccess = () => {
      if (!seed) { db.close(); resolve(mine(keys.result).length); return; }
      const user = mine(keys.result)[0][1];
      const put = db.transaction('rendering', 'readwrite').objectStore('rendering')
        .put({ release: 'r', ops: [] }, ['test-apis', user, 'pages/storage/storage']);
      put.onsuccess = () => { db.close(); resolve(1); };
    };
  };
})"""


async def test_my_data_lists_exports_clears_and_deletes(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    signup = await page.request.post(
        f"{live_server.url}/api/accounts/signup",
        data={"email": "mydata@example.com", "password": "long enough"},
    )
    assert signup.ok
    await page.goto(f"{live_server.url}{STORAGE_PAGE}")
    assert await launches(page) == 1
    await page.reload()
    assert await launches(page) == 2  # the host keeps the app's storage for this user
    # Closing the app sends what analytics queued (its page views): wait for it to land.
    events_posted = lambda r: r.url.endswith("/events") and r.request.method == "POST"  # noqa: E731
    async with page.expect_response(events_posted) as sent:
        await page.locator("#close-app").click()
    assert (await sent.value).ok

    await page.locator("#account").click()
    await page.get_by_role("button", name="My data").click()
    sheet = page.get_by_role("dialog", name="My data")
    apps = sheet.get_by_role("list", name="Mini programs holding your data")
    await expect(apps.get_by_role("button")).to_have_count(1)
    await expect(apps.get_by_role("button")).to_contain_text("apis")
    await expect(apps.get_by_role("button")).to_contain_text("Times you opened it")
    # The wallet belongs to no mini program: its own export is linked beside the list.
    wallet_link = sheet.get_by_role("link", name="Export your wallet (JSON)")
    assert await wallet_link.get_attribute("href") == "/api/me/wallet/export"
    wallet = await (await page.request.get(f"{live_server.url}/api/me/wallet/export")).json()
    assert wallet["wallet"]["balance_fen"] == 0 and wallet["wallet"]["pin"]["set"] is False
    await apps.get_by_role("button").click()
    sheet = page.get_by_role("dialog", name="apis")
    await expect(sheet.locator("dt")).to_have_text(
        ["Events it reported", "Times you opened it", "On your recent list"]
    )
    await expect(sheet.locator("dt:text-is('Times you opened it') + dd")).to_have_text("2")

    export = sheet.get_by_role("link", name="Export (JSON)")
    href = await export.get_attribute("href")
    assert href == "/api/me/data/test-apis/export"
    exported = await (await page.request.get(f"{live_server.url}{href}")).json()
    assert exported["appid"] == "test-apis" and len(exported["data"]["launches"]) == 2

    # A kept initial rendering cache (host/rendering-cache.js) is the app's data on this device too.
    assert await page.evaluate(APP_RECORDS, ["storage", True]) == 1
    assert await page.evaluate(APP_RECORDS, ["rendering", False]) == 1
    await sheet.get_by_role("button", name="Clear its storage, files and saved pages on this device").click()
    await expect(sheet.get_by_role("status")).to_have_text(
        "Storage, files and saved pages cleared on this device."
    )
    assert await page.evaluate(APP_RECORDS, ["rendering", False]) == 0
    assert await page.evaluate(APP_RECORDS, ["storage", False]) == 0
    await page.goto(f"{live_server.url}{STORAGE_PAGE}")
    assert await launches(page) == 1  # counted from nothing again
    await page.locator("#close-app").click()

    await page.locator("#account").click()
    await page.get_by_role("button", name="My data").click()
    await page.get_by_role("dialog", name="My data").get_by_role("button", name="apis").click()
    sheet = page.get_by_role("dialog", name="apis")
    await sheet.get_by_role("button", name="Delete my data on Hutong").click()
    await sheet.get_by_role("button", name="Delete everything apis holds about you").click()
    await expect(sheet.get_by_role("status")).to_have_text("Deleted.")
    await expect(sheet).to_contain_text("It holds nothing about you on Hutong.")
    await sheet.get_by_role("button", name="All mini programs").click()
    await expect(page.get_by_role("dialog", name="My data")).to_contain_text(
        "No mini program holds data about you on Hutong."
    )
    assert errors == []
    await context.close()
