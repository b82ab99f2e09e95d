"""The send-coupon plugin in Chromium (SQLite; the API test covers PostgreSQL): tests/apps/sendcoupon
declares WeChat Pay's plugin and puts its <send-coupon> around a button; a tap opens the host's claim
sheet (outside every frame), the tap on Claim there claims, the page gets `sendcoupon` with WeChat's
send_coupon_result, then `userconfirm`; the coupon is in Wallet → Cards & coupons. Closing the sheet
instead claims nothing and the page hears each coupon FAILED (the user declined). A forged sign gets
the page an error and no sheet. Then wx.addCard with a cardExt the app's server signed with its wx_card
ticket adds a card on the host's sheet, and wx.openCard shows its code there."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, FrameLocator, expect

from hutong.server.coupons import plugin
from tests.conftest import TEST_APPS, LiveServer
from tests.coupons.campaign import campaign
from tests.payments.world import APIV3_KEY
from tests.test_runtime_consent import out

pytestmark = pytest.mark.browser


async def test_the_plugin_claims_on_the_hosts_sheet(live_server: LiveServer, browser: Browser) -> None:
    # Two per user: one from the plugin, one as a card.
    c = await campaign(live_server, TEST_APPS / "sendcoupon", per_user=2)
    appid, mchid, stock_id, ticket = c.appid, c.mchid, c.stock_id, c.ticket
    card_sig = hashlib.sha1("".join(sorted([ticket, "1765000000", stock_id, "n1"])).encode()).hexdigest()
    params = [{"stock_id": stock_id, "out_request_no": "MINI-1"}]
    good = plugin.sign(params, mchid, APIV3_KEY)
    context = await browser.new_context()
    try:
        signup = await context.request.post(
            f"{live_server.url}/api/accounts/signup",
            data={"email": f"fan-{secrets.token_hex(4)}@example.com", "password": "long enough"},
        )
        assert signup.status == 201
        page = await context.new_page()

        async def opened(sign: str) -> FrameLocator:
            card = f"card={stock_id}&ts=1765000000&nonce=n1&cardsig={card_sig}"
            query = quote(f"stock={stock_id}&no=MINI-1&merchant={mchid}&sign={sign}&{card}", safe="")
            await page.goto(f"{live_server.url}/?open={appid}&query={query}")
            view = page.frame_locator("iframe.hutong-page").last
            await expect(view.locator("#claim")).to_be_visible()
            return view

        # A forged sign: the page hears why, and no sheet is drawn.
        view = await opened("0" * 64)
        await view.locator("#claim").click()
        assert (await out(view, 0))["errcode"] == "SIGN_ERROR"
        await expect(page.locator(".hutong-send-coupon")).to_have_count(0)

        # The sheet closed without claiming: the page hears every coupon FAILED, and nothing is claimed.
        view = await opened(good)
        await view.locator("#claim").click()
        sheet = page.locator(".hutong-send-coupon")
        await sheet.locator(".hutong-host-sheet-close").click()
        closed = await out(view, 0)
        assert closed["errcode"] == "OK" and closed["msg"].startswith("用户取消领券")
        assert [(r["stock_id"], r["out_request_no"], r["code"]) for r in closed["send_coupon_result"]] == [
            (stock_id, "MINI-1", "FAILED")
        ]
        held = await (await context.request.get(f"{live_server.url}/api/me/coupons")).json()
        assert held["coupons"] == []
        await expect(view.locator("#confirmed")).to_have_text("")

        view = await opened(good)
        await view.locator("#claim").click()
        await expect(sheet).to_contain_text("¥5 off on ¥20 or more")
        assert await page.evaluate(
            "() => document.querySelector('.hutong-send-coupon').ownerDocument === document"
        )
        for frame in page.frames[1:]:
            assert await frame.evaluate("() => document.querySelector('.hutong-send-coupon') === null")
        await sheet.locator(".hutong-send-coupon-claim").click()
        detail = await out(view, 0)
        [result] = detail["send_coupon_result"]
        assert detail["errcode"] == "OK" and result["code"] == "SUCCESS" and result["stock_id"] == stock_id
        await expect(sheet.locator(".hutong-send-coupon-claim")).to_have_text("立即使用 Use now")
        await sheet.locator(".hutong-send-coupon-claim").click()
        await expect(view.locator("#confirmed")).to_have_text(
            json.dumps({"errcode": "OK", "msg": ""}, separators=(",", ":"))
        )
        await expect(sheet).to_have_count(0)

        mine = await (await context.request.get(f"{live_server.url}/api/me/coupons")).json()
        assert [c["coupon_id"] for c in mine["coupons"]] == [result["coupon_id"]]

        # wx.addCard: the host's sheet, Add; then wx.openCard shows the code on the host's sheet.
        await view.locator("#addcard").click()
        await page.locator(".hutong-add-card .hutong-add-card-add").click()
        added = await out(view, 1)
        assert added["errMsg"] == "addCard:ok" and added["cardList"][0]["isSuccess"] is True
        await view.locator("#opencard").click()
        shown = page.locator(".hutong-open-card")
        await expect(shown.get_by_alt_text("Coupon QR code")).to_be_visible()
        await expect(shown.locator(".hutong-open-card-code")).to_have_text(re.compile(r"^[0-9 ]{32}$"))
        await shown.locator(".hutong-host-sheet-close").click()
        assert await out(view, 2) == {"errMsg": "openCard:ok"}
    finally:
        await context.close()
