"""A mini program against the payment sheet (tests/apps/pay, in the shop of tests/wallet/shop.py): it
cannot see, press or skip the host's sheet, flooding wx.requestPayment gets one sheet, and neither
another mini program nor another user can pay with parameters made for someone else."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from tests.wallet.conftest import PASSWORD, bank
from tests.wallet.shop import ShopWorld, shop_world

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = [pytest.mark.browser, pytest.mark.fresh_context]
__all__ = ["bank", "shop_world"]
PIN = "246813"


async def buyer(browser: Browser, world: ShopWorld, email: str, balance_fen: int) -> BrowserContext:
    """A signed-in user with a PIN and a topped-up wallet (through the API the shell uses)."""
    url = world.server.url
    context = await browser.new_context()
    signup = await context.request.post(
        f"{url}/api/accounts/signup", data={"email": email, "password": PASSWORD}
    )
    csrf = {"X-CSRF-Token": (await signup.json())["csrf_token"]}
    pin = await context.request.put(
        f"{url}/api/me/wallet/pin", data={"pin": PIN, "password": PASSWORD}, headers=csrf
    )
    assert pin.status == 204
    started = await context.request.post(
        f"{url}/api/me/wallet/topups",
        data={"amount_fen": balance_fen, "card_number": "4242424242424242"},
        headers={**csrf, "Idempotency-Key": f"seed-{email}"},
    )
    reference = (await started.json())["reference"]
    for _ in range(100):
        state = (await (await context.request.get(f"{url}/api/me/wallet/transfers/{reference}")).json())[
            "state"
        ]
        if state == "succeeded":
            return context
        await asyncio.sleep(0.1)
    raise AssertionError("the top-up was not confirmed")


async def open_shop(context: BrowserContext, world: ShopWorld, appid: str, extra: str = "") -> Page:
    page = await context.new_page()
    query = quote(f"base={world.base}&amount=500&platform={world.server.url}{extra}", safe="")
    await page.goto(f"{world.server.url}/?open={appid}&query={query}")
    await expect(page.frame_locator("iframe.hutong-page").last.locator("#pay")).to_be_visible()
    return page


async def balance(context: BrowserContext, world: ShopWorld) -> int:
    return int((await (await context.request.get(f"{world.server.url}/api/me/wallet")).json())["balance_fen"])


async def test_the_payment_sheet_is_the_hosts_alone(shop_world: ShopWorld, browser: Browser) -> None:
    world = shop_world
    alice = await buyer(browser, world, "alice@example.com", 10_000)
    page = await open_shop(alice, world, world.merchant.appid)
    view = page.frame_locator("iframe.hutong-page").last

    # Twenty requests at once: one sheet; the others are refused while it shows.
    await view.locator("#flood").click()
    sheet = page.locator(".hutong-host-sheet")
    await expect(sheet).to_have_count(1)
    await asyncio.sleep(0.5)
    await expect(sheet).to_have_count(1)
    # The page frame can neither find the sheet nor reach the host document it lives in.
    frame = page.frames[-1]
    seen = await frame.evaluate(
        """() => {
          let parent = 'blocked';
          try { parent = window.parent.document.querySelectorAll('.hutong-pin-key').length; } catch (e) {}
          return [document.querySelectorAll('.hutong-host-sheet, .hutong-pin-key').length, parent];
        }"""
    )
    assert seen == [0, "blocked"]
    await sheet.get_by_role("button", name="Close").click()
    flood = view.locator("#flood-out")
    await expect(flood).to_have_text(
        '{"requestPayment:fail a payment is already in progress":19,"requestPayment:fail cancel":1}'
    )

    # Without parameters: refused before anything is asked.
    await view.locator("#bare").click()
    await expect(view.locator("#out")).to_have_text(
        "requestPayment:fail parameter error: parameter.timeStamp should be a non-empty String"
    )
    # Skipping the sheet: the app's requests never reach the platform's own origin.
    await view.locator("#steal").click()
    await expect(view.locator("#out")).to_contain_text("request:fail")
    assert await balance(alice, world) == 10_000

    # Another mini program of the same developer, given this order's parameters: no sheet, refused.
    other = await open_shop(alice, world, world.merchant.other_appid, "&order=/replay")
    other_view = other.frame_locator("iframe.hutong-page").last
    await other_view.locator("#pay").click()
    await expect(other_view.locator("#out")).to_have_text(
        "requestPayment:fail this prepay_id belongs to another mini program"
    )
    await expect(other.locator(".hutong-host-sheet")).to_have_count(0)

    # Another user, given Alice's order: refused, and nothing moves for either.
    mallory = await buyer(browser, world, "mallory@example.com", 10_000)
    stolen = await open_shop(mallory, world, world.merchant.appid, "&order=/replay")
    stolen_view = stolen.frame_locator("iframe.hutong-page").last
    await stolen_view.locator("#pay").click()
    await expect(stolen_view.locator("#out")).to_have_text(
        "requestPayment:fail this order is for another user"
    )
    await expect(stolen.locator(".hutong-host-sheet")).to_have_count(0)
    assert await balance(alice, world) == 10_000 and await balance(mallory, world) == 10_000
    await alice.close()
    await mallory.close()
