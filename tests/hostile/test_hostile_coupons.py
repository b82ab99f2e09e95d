"""A mini program after coupons that are not its to take (tests/hostile/apps/hostile, pages/coupons),
in Chromium, with the platform's own origin on its request list so nothing but the platform's rules
stands in the way: it cannot claim, read, redeem or mark used through the platform's endpoints (they
are the host's, or need a merchant's key); replaying a merchant's signed send-coupon parameters claims
one coupon, once, for the user who taps Claim on the host's sheet; a sign it made up draws no sheet;
a burst of taps draws one sheet; the page cannot reach the sheet. Checked from outside: the victim's
coupon is unused, and the attacker holds exactly the one coupon it tapped for."""

from __future__ import annotations

import secrets
from urllib.parse import quote

import httpx
import pytest
from playwright.async_api import Browser, expect

from hutong.server.coupons import plugin
from tests.conftest import HOSTILE_APPS, LiveServer, allow_domains
from tests.coupons.campaign import campaign
from tests.payments.world import APIV3_KEY

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = [pytest.mark.browser, pytest.mark.fresh_context]
PASSWORD = "long enough"


async def _victims_code(server: LiveServer, mchid: str, stock_id: str, appid: str) -> str:
    """Another user's coupon (claimed through the plugin's endpoint as the host would), by its code."""
    params = [{"stock_id": stock_id, "out_request_no": "VICTIM-1"}]
    body = {"appid": appid, "send_coupon_params": params, "send_coupon_merchant": mchid}
    body["sign"] = plugin.sign(params, mchid, APIV3_KEY)
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        signup = await client.post(
            "/api/accounts/signup",
            json={"email": f"victim-{secrets.token_hex(4)}@example.com", "password": PASSWORD},
        )
        csrf = {"X-CSRF-Token": signup.json()["csrf_token"]}
        got = await client.post("/api/me/coupons/send-coupon", json=body, headers=csrf)
        return str(got.json()["send_coupon_result"][0]["coupon_code"])


async def test_coupons_the_app_may_not_take(live_server: LiveServer, browser: Browser) -> None:
    c = await campaign(live_server, HOSTILE_APPS / "hostile")
    await allow_domains(live_server, c.appid, {"request": [live_server.url]})
    code = await _victims_code(live_server, c.mchid, c.stock_id, c.appid)
    params = [{"stock_id": c.stock_id, "out_request_no": "ONE-TAP"}]
    sign = plugin.sign(params, c.mchid, APIV3_KEY)

    context = await browser.new_context()
    try:
        signup = await context.request.post(
            f"{live_server.url}/api/accounts/signup",
            data={"email": f"attacker-{secrets.token_hex(4)}@example.com", "password": PASSWORD},
        )
        assert signup.ok
        page = await context.new_page()
        query = (
            f"platform={quote(live_server.url, safe='')}&appid={c.appid}&store={c.store_id}&code={code}"
            f"&stock={c.stock_id}&no=ONE-TAP&merchant={c.mchid}&sign={sign}"
        )
        path = quote("pages/coupons/coupons", safe="")
        await page.goto(f"{live_server.url}/?open={c.appid}&path={path}&query={quote(query, safe='')}")
        view = page.frame_locator("iframe.hutong-page").last

        # The platform's coupon endpoints, called by the page itself: every one refused.
        await view.locator("#attack").click()
        await expect(view.locator("#done")).to_be_visible(timeout=30_000)
        results = await view.locator(".result").all_text_contents()
        assert len(results) == 6 and all(": blocked: " in line for line in results), results

        # A sign the page made up (its own out_request_no): the page hears SIGN_ERROR, no sheet.
        await view.locator("#tap-forged").click()
        await expect(view.locator("#sent")).to_contain_text("SIGN_ERROR")
        await expect(page.locator(".hutong-send-coupon")).to_have_count(0)

        # Replaying the merchant's signed parameters: a burst of taps, one sheet, nothing claimed yet.
        # (the sheet's mask takes real taps; the burst is dispatched in the frame, as its script could)
        for _ in range(5):
            await view.locator("#tap-replay").dispatch_event("click")
        sheet = page.locator(".hutong-send-coupon")
        await expect(sheet).to_have_count(1)
        frame = page.frames[-1]
        reached = await frame.evaluate(
            """() => { try { return window.parent.document.querySelectorAll('.hutong-send-coupon').length; }
                       catch (e) { return 'blocked'; } }"""
        )
        assert reached == "blocked"
        mine = await (await context.request.get(f"{live_server.url}/api/me/coupons")).json()
        assert mine["coupons"] == []
        await sheet.locator(".hutong-send-coupon-claim").click()
        await expect(view.locator("#sent")).to_contain_text('"code":"SUCCESS"')
        await sheet.locator(".hutong-host-sheet-close").click()
        # Again: the per-user limit and the same request number give nothing more.
        await view.locator("#tap-replay").click()
        await sheet.locator(".hutong-send-coupon-claim").click()
        await expect(sheet.locator(".hutong-send-coupon-ok")).to_have_count(1)

        mine = await (await context.request.get(f"{live_server.url}/api/me/coupons")).json()
        assert len(mine["coupons"]) == 1
    finally:
        await context.close()
    # The victim's coupon is still unused: the merchant's own redemption succeeds now.
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as client:
        done = await client.post(f"/api/stores/{c.store_id}/redemptions", json={"code": code}, headers=c.dev)
        assert done.status_code == 200 and done.json()["replayed"] is False, done.text
