"""examples/tea takes real payments, in Chromium, on PostgreSQL (a browser journey: the
payments and wallet APIs run on both databases), as `make demo` runs it: the
tea shop's own back end (examples/tea-server, a process of its own with the merchant credentials
`hutong demo` seeds) makes the order through the WeChat Pay v3 API. A customer tops up the wallet,
orders a pearl milk tea, pays on the host's sheet with the PIN and sees the order paid once the back
end has the TRANSACTION.SUCCESS notification; the shop's owner refunds part of it in the console; the
back end hears REFUND.SUCCESS and the wallet has the money back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, expect

from hutong import demo_shop
from hutong.examples import load_examples
from hutong.server.db import Database
from hutong.server.embedded import free_port
from hutong.server.funding.sandbox_bank import RunningBank
from hutong.server.sealing import Keyring
from hutong.server.storage import BlobStore
from hutong.settings import Settings
from tests.conftest import EXAMPLES, LiveServer, on_databases, serve
from tests.wallet.shop import PASSWORD, console_signed_in, press, refund_in_console, set_pin_and_top_up

pytestmark = [pytest.mark.browser, on_databases("postgres")]
PIN = "258036"
TOP = ".surface:not([hidden]) iframe.hutong-page:not([hidden])"


@dataclass
class TeaShop:
    server: LiveServer
    shop: demo_shop.RunningShop


@pytest.fixture
async def tea_shop(tmp_path: Path, database_url: str, bank: RunningBank) -> AsyncIterator[TeaShop]:
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        funding_sandbox_url=bank.url,
        funding_sandbox_api_key=bank.api_key,
        funding_sandbox_webhook_secret=bank.webhook_secret,
        funding_timeout_seconds=2.0,
        egress_allow_networks="127.0.0.1/32",  # as `hutong demo` sets: notifications reach loopback
    )
    only_tea = tmp_path / "examples"
    only_tea.mkdir()
    (only_tea / "tea").symlink_to(EXAMPLES / "tea")
    database = Database(settings.effective_database_url, keyring=Keyring.from_settings(settings))
    await load_examples(database, BlobStore(settings.blob_dir), only_tea)
    port = free_port()
    async with serve(settings) as server:
        credentials = await demo_shop.seed(database, server.url, f"http://127.0.0.1:{port}")
        await database.dispose()
        path = tmp_path / "tea-merchant.json"
        demo_shop.write_credentials(path, credentials)
        assert path.stat().st_mode & 0o077 == 0  # the merchant's private key: its owner's only
        with demo_shop.run_tea_server(EXAMPLES, port, path) as shop:
            yield TeaShop(server, shop)


async def until(check: object, seconds: float = 15) -> None:
    for _ in range(int(seconds * 10)):
        if check():  # type: ignore[operator]
            return
        await asyncio.sleep(0.1)
    raise AssertionError("timed out")


async def test_tea_shop_takes_a_real_payment(tea_shop: TeaShop, browser: Browser) -> None:
    server, shop = tea_shop.server, tea_shop.shop
    context = await browser.new_context()
    signup = await context.request.post(
        f"{server.url}/api/accounts/signup", data={"email": "tea-buyer@example.com", "password": PASSWORD}
    )
    assert signup.status == 201
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(server.url)
    await set_pin_and_top_up(page, PIN, "50")

    # Order a pearl milk tea (15.00) and a brown sugar milk (18.00); the back end prices and makes the order.
    await page.goto(f"{server.url}/?open={demo_shop.TEA_APPID}&query={quote(f'backend={shop.url}', safe='')}")
    tea = page.frame_locator(TOP)
    await tea.locator("#product-m1 .plus").click()
    await tea.locator("#product-m2 .plus").click()
    await expect(tea.locator("#cart-count")).to_have_text("2 杯")
    await tea.locator("#checkout").click()
    await page.frame_locator(TOP).locator("#place-order").click()
    await page.locator(".hutong-dialog-confirm").click()
    order_page = page.frame_locator(TOP)
    await expect(order_page.locator("#order-status")).to_have_text("待支付 Unpaid")
    out_trade_no = await order_page.locator("#order-id").text_content() or ""
    assert (shop.order(out_trade_no) or {})["status"] == "unpaid"

    # Pay on the host's sheet with the PIN; the page shows the order paid once the back end knows.
    await order_page.locator("#pay").click()
    sheet = page.locator(".hutong-pay")
    await expect(sheet).to_contain_text(demo_shop.MERCHANT_NAME)
    await expect(sheet.locator(".hutong-pay-amount")).to_have_text("33.00")
    await press(page, PIN)
    await expect(order_page.locator("#order-status")).to_have_text("已支付 Paid")
    await expect(order_page.locator("#pay")).to_have_count(0)
    known = shop.order(out_trade_no) or {}
    assert (known["status"], known["total"], known["events"]) == ("paid", 3300, ["TRANSACTION.SUCCESS"])
    assert str(known["transaction_id"]) == (await order_page.locator("#transaction-id").text_content())
    wallet = await (await context.request.get(f"{server.url}/api/me/wallet")).json()
    assert wallet["balance_fen"] == 5_000 - 3_300

    # The shop's owner refunds the brown sugar milk's 18.00 in the console; the back end is told.
    owner, console = await console_signed_in(
        browser, server.url, demo_shop.OWNER_EMAIL, demo_shop.OWNER_PASSWORD
    )
    await console.goto(f"{server.url}/console/")
    await console.get_by_role("link", name="Hutong demo").click()
    await console.get_by_role("link", name="Merchant accounts").click()
    await console.get_by_role("link", name=demo_shop.MERCHANT_NAME).click()
    await refund_in_console(console, out_trade_no, "18.00", "黑糖售罄 out of brown sugar")
    # The probe button against the back end's notify URL: it refuses what it must and takes the rest.
    await console.get_by_role("link", name="Settings").click()
    await console.locator("#probe").get_by_label("Notify URL").fill(f"{shop.url}/pay/notify")
    await console.locator("#probe").get_by_role("button", name="Probe").click()
    await expect(console.locator("#probe-report")).to_contain_text("handled every case correctly")
    await until(lambda: (shop.order(out_trade_no) or {}).get("status") == "partly refunded")
    known = shop.order(out_trade_no) or {}
    assert (known["refunded"], known["events"]) == (1800, ["TRANSACTION.SUCCESS", "REFUND.SUCCESS"])
    wallet = await (await context.request.get(f"{server.url}/api/me/wallet")).json()
    assert wallet["balance_fen"] == 5_000 - 3_300 + 1_800

    # The customer's Orders tab, opened again, shows it from the back end.
    await page.goto(f"{server.url}/?open={demo_shop.TEA_APPID}&query={quote(f'backend={shop.url}', safe='')}")
    await page.locator(".surface:not([hidden]) .hutong-tabbar").get_by_text("Orders 订单").click()
    await expect(page.frame_locator(TOP).locator(".status").first).to_have_text("已退款")
    assert errors == []
    await owner.close()
    await context.close()
