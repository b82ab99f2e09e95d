"""The money path in Chromium, on SQLite (PostgreSQL: the service tests): a signed-in user sets a
payment PIN and tops up in the shell's Wallet (the sandbox bank confirms by callback), opens a mini
program whose merchant back end makes an order through the WeChat Pay v3 API, pays on the host's
sheet with the PIN (a wrong one first), sees requestPayment:ok, the order paid and the wallet debited;
closing the sheet answers requestPayment:fail cancel. The wallet's payment code reads back from the
QR and barcode the shell draws. The merchant's owner then makes a merchant account in the console,
finds the paid order there and refunds part of it; the wallet gets it back, and its history shows the
refund and the reversal; a shop's Native order QR code, picked in Scan, is paid with the PIN."""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import segno
import zxingcpp
from PIL import Image
from playwright.async_api import Browser, FilePayload, expect

from hutong.server.wallet import coupons, paycodes
from tests.payments.world import MerchantClient
from tests.wallet.conftest import PASSWORD
from tests.wallet.shop import (
    ShopWorld,
    console_signed_in,
    press,
    refund_in_console,
    set_pin_and_top_up,
    shop_world,
)
from tests.wallet.test_coupon_line import Wallet

pytestmark = pytest.mark.browser
__all__ = ["shop_world"]
PIN = "246813"


async def test_top_up_then_pay_in_a_mini_program(shop_world: ShopWorld, browser: Browser) -> None:
    server, merchant = shop_world.server, shop_world.merchant
    context = await browser.new_context()
    signup = await context.request.post(
        f"{server.url}/api/accounts/signup", data={"email": "buyer@example.com", "password": PASSWORD}
    )
    assert signup.status == 201
    page = await context.new_page()
    await page.goto(server.url)

    # Wallet: the PIN (set with the account password), then a top-up the bank confirms.
    await set_pin_and_top_up(page, PIN, "50")
    sheet = page.locator("#wallet-sheet")

    # The payment code a cashier would scan: the QR and the barcode the shell draws read back as the
    # digits it shows, and the code is this user's.
    await sheet.get_by_role("button", name="Payment code").click()
    digits = (await page.locator(".wallet-paycode-digits").text_content() or "").replace(" ", "")
    assert paycodes.looks_like_code(digits)
    for alt in ("Payment QR code", "Payment barcode"):
        shot = await page.get_by_alt_text(alt).screenshot()
        read = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
        assert [r.text for r in read] == [digits], alt

    # At a counter: the payer asks for the PIN every time (their own limit 0), the till submits the
    # code (WeChat Pay v3 codepay) and hears USERPAYING; the shell, still showing the code, asks for
    # the PIN; the till's query then says SUCCESS, and its reversal gives the money back.
    limit = await context.request.put(
        f"{server.url}/api/me/wallet/counter-limit",
        data={"pin_free_fen": 0},
        headers={"X-CSRF-Token": (await signup.json())["csrf_token"]},
    )
    assert limit.ok, await limit.text()
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as till_http:
        till = MerchantClient(till_http, merchant.mchid, merchant.serial_no, merchant.private_key_pem, {})

        async def signed(method: str, target: str, body: dict[str, Any] | None = None) -> httpx.Response:
            text = "" if body is None else json.dumps(body)
            headers = {
                "Authorization": till.authorization(method, target, text),
                "Content-Type": "application/json",
            }
            return await till_http.request(method, target, content=text.encode(), headers=headers)

        submitted = await signed(
            "POST",
            "/v3/pay/transactions/codepay",
            {
                "appid": merchant.appid,
                "mchid": merchant.mchid,
                "description": "Counter tea",
                "out_trade_no": "COUNTER000001",
                "payer": {"auth_code": digits},
                "amount": {"total": 500, "currency": "CNY"},
            },
        )
        assert submitted.status_code == 202 and submitted.json()["code"] == "USERPAYING", submitted.text
        confirm = page.locator("#wallet-counter")
        await expect(confirm).to_contain_text("¥5.00")
        await confirm.get_by_label("Payment PIN").fill(PIN)
        await confirm.get_by_role("button", name="Pay").click()
        await expect(page.locator("#wallet-status")).to_have_text("Paid ¥5.00 to Tea House Ltd")
        await expect(confirm).to_be_hidden()
        query = f"/v3/pay/transactions/out-trade-no/COUNTER000001?mchid={merchant.mchid}"
        assert (await signed("GET", query)).json()["trade_state"] == "SUCCESS"
        assert (await (await context.request.get(f"{server.url}/api/me/wallet")).json())[
            "balance_fen"
        ] == 4_500
        reverse = "/v3/pay/transactions/out-trade-no/COUNTER000001/reverse"
        assert (
            await signed("POST", reverse, {"appid": merchant.appid, "mchid": merchant.mchid})
        ).status_code == 204
    assert (await (await context.request.get(f"{server.url}/api/me/wallet")).json())["balance_fen"] == 5_000
    await sheet.get_by_role("button", name="Payment code").click()  # hide it again

    # The mini program: its back end makes an order for 18.80; the host draws the sheet.
    query = quote(f"base={shop_world.base}&amount=1880", safe="")
    await page.goto(f"{server.url}/?open={merchant.appid}&query={query}")
    view = page.frame_locator("iframe.hutong-page").last
    await view.locator("#pay").click()
    pay = page.locator(".hutong-pay")
    await expect(pay).to_contain_text("Tea House Ltd")
    await expect(pay.locator(".hutong-pay-amount")).to_have_text("18.80")
    await expect(pay.locator(".hutong-pay-source")).to_have_text("Wallet balance (¥50.00)")
    await press(page, "000001")
    await expect(pay.locator(".hutong-host-sheet-message")).to_contain_text("wrong payment PIN; 4 tries left")
    await press(page, PIN)
    await expect(view.locator("#out")).to_have_text("requestPayment:ok")
    await expect(pay).to_have_count(0)

    wallet = await (await context.request.get(f"{server.url}/api/me/wallet")).json()
    assert wallet["balance_fen"] == 5_000 - 1_880
    history = await (await context.request.get(f"{server.url}/api/me/wallet/history")).json()
    assert (history[0]["kind"], history[0]["amount_fen"], history[0]["detail"]) == (
        "payment",
        -1_880,
        "Tea House · Tea House Ltd",
    )

    # Another order, and the user closes the sheet: cancel, nothing charged. The coupons domain offers
    # a coupon this time: the sheet's coupon line preselects it and lowers the amount; the payer can
    # pick none.
    coupons.register(Wallet())
    try:
        await view.locator("#pay").click()
        await expect(pay).to_be_visible()
        await expect(pay.locator(".hutong-pay-coupon-value")).to_have_text("立减3元 −¥3.00")
        await expect(pay.locator(".hutong-pay-amount")).to_have_text("15.80")
        await expect(pay.locator(".hutong-pay-original")).to_have_text("¥18.80")
        await pay.locator(".hutong-pay-coupon").click()
        await pay.get_by_role("radio", name="No coupon").click()
        await expect(pay.locator(".hutong-pay-coupon-value")).to_have_text("No coupon")
        await expect(pay.locator(".hutong-pay-amount")).to_have_text("18.80")
        await expect(pay.locator(".hutong-pay-original")).to_be_hidden()
    finally:
        coupons.unregister()
    await pay.get_by_role("button", name="Close").click()
    await expect(view.locator("#out")).to_have_text("requestPayment:fail cancel")
    wallet = await (await context.request.get(f"{server.url}/api/me/wallet")).json()
    assert wallet["balance_fen"] == 3_120

    # The merchant's console: the owner makes a second merchant account (its private key is shown
    # once), finds the paid order and refunds part of it with a reason; the payer's wallet gets it.
    owner, console = await console_signed_in(browser, server.url, "shop@example.com", PASSWORD)
    await console.get_by_role("link", name="Tea House").first.click()
    await console.get_by_role("link", name="Merchant accounts").click()
    await console.get_by_label("Merchant name").fill("Tea House Kiosk")
    await console.get_by_role("button", name="Create merchant").click()
    await expect(console.get_by_role("heading", name="Tea House Kiosk")).to_be_visible()
    await console.get_by_role("button", name="Generate a key pair").click()
    await expect(console.locator("#private-key")).to_contain_text("BEGIN PRIVATE KEY")
    serial = await console.locator("#serial-no").text_content()
    await console.get_by_role("link", name="Continue to the merchant").click()
    await expect(console.locator("#serial-no")).to_have_text(serial or "?")
    await console.locator("#bind-app").get_by_role("button", name="Bind").click()
    await expect(console.get_by_role("status")).to_contain_text("may take this merchant's payments")

    await console.get_by_role("link", name="All merchants").click()
    await console.get_by_role("link", name="Tea House Ltd").click()
    await refund_in_console(console, merchant.orders[0]["out_trade_no"], "3.80", "少冰 less ice")
    await expect(console.locator("#trade-state")).to_have_text("REFUND")
    await expect(console.locator("#refunded")).to_have_text("¥3.80")
    wallet = await (await context.request.get(f"{server.url}/api/me/wallet")).json()
    assert wallet["balance_fen"] == 3_120 + 380
    # The wallet's history shows what came back: the refund and the counter payment's reversal, each
    # with its mini program and merchant.
    await page.goto(server.url)
    await page.locator("#wallet").click()
    history = page.locator("#wallet-history")
    await expect(history.locator(".wallet-refund")).to_contain_text("+¥3.80")
    await expect(history.locator(".wallet-refund")).to_contain_text(
        "Tea House · Tea House Ltd · 少冰 less ice"
    )
    await expect(history.locator(".wallet-reversal")).to_contain_text("Reversed: Counter tea")
    await expect(history.locator(".wallet-reversal")).to_contain_text("+¥5.00")

    # A shop's Native order (扫码支付): its QR code, picked in Scan, opens the wallet on the order; the
    # PIN pays it.
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as shop_http:
        shop = MerchantClient(shop_http, merchant.mchid, merchant.serial_no, merchant.private_key_pem, {})
        target = "/v3/pay/transactions/native"
        native_body = json.dumps(
            {
                "appid": merchant.appid,
                "mchid": merchant.mchid,
                "description": "Counter QR tea",
                "out_trade_no": "NATIVE000001",
                "notify_url": "https://shop.example.com/pay/notify",
                "amount": {"total": 600, "currency": "CNY"},
            }
        )
        made = await shop_http.post(
            target,
            content=native_body.encode(),
            headers={
                "Authorization": shop.authorization("POST", target, native_body),
                "Content-Type": "application/json",
            },
        )
        assert made.status_code == 200, made.text
    picture = io.BytesIO()
    segno.make(made.json()["code_url"], error="m").save(picture, kind="png", scale=8)
    await page.locator("#scan-file").set_input_files(  # Scan → "pick a picture of the code"
        files=FilePayload(name="qr.png", mimeType="image/png", buffer=picture.getvalue())
    )
    confirm = page.locator("#wallet-counter")
    await expect(confirm).to_contain_text("Pay Tea House Ltd")
    await expect(confirm).to_contain_text("¥6.00")
    await confirm.get_by_label("Payment PIN").fill(PIN)
    await confirm.get_by_role("button", name="Pay").click()
    await expect(page.locator("#wallet-status")).to_have_text("Paid ¥6.00 to Tea House Ltd")
    wallet = await (await context.request.get(f"{server.url}/api/me/wallet")).json()
    assert wallet["balance_fen"] == 3_120 + 380 - 600
    await owner.close()
    await context.close()
