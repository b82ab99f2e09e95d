"""The redemption page's camera scanner in Chromium (SQLite; the form's API is tested on both
databases). This Linux Chromium has no BarcodeDetector (Chrome ships it on Android, macOS and
ChromeOS only), so the page hides the camera button and says why, and the code field still redeems.
With Chromium's fake camera (--use-fake-device-for-media-stream) and a stand-in BarcodeDetector that
"reads" a code from the video, the button starts the camera, fills the field and submits it: the
wiring is tested here, the decoding itself is the browser's."""

from __future__ import annotations

import secrets

import httpx
import pytest
from playwright.async_api import Browser, expect

from hutong.check.browser import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import LiveServer
from tests.coupons.test_claim_journey import PASSWORD, _campaign

pytestmark = pytest.mark.browser

FAKE_DETECTOR = """
globalThis.BarcodeDetector = class {
  static async getSupportedFormats() { return ['qr_code', 'code_128']; }
  constructor(options) { this.formats = options.formats; }
  async detect(source) {
    // A real detector reads the frame; this one checks a frame is playing and answers the planted code.
    const playing = source.readyState >= 2 && source.videoWidth > 0;
    return playing ? [{ rawValue: globalThis.__code, format: 'qr_code' }] : [];
  }
};
"""


async def _claimed_code(server: LiveServer, token: str) -> str:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        email = f"fan-{secrets.token_hex(4)}@example.com"
        signup = await client.post("/api/accounts/signup", json={"email": email, "password": PASSWORD})
        assert signup.status_code == 201, signup.text
        csrf = {"X-CSRF-Token": signup.json()["csrf_token"]}
        claimed = await client.post(f"/api/me/coupons/links/{token}", headers=csrf)
        assert claimed.status_code == 200, claimed.text
        shown = await client.get(f"/api/me/coupons/{claimed.json()['coupon_id']}/code", headers=csrf)
        return str(shown.json()["code"])


async def test_scan_with_the_camera_or_fall_back(live_server: LiveServer, browser: Browser) -> None:
    token, store_id, owner, _name = await _campaign(live_server)
    first, second = await _claimed_code(live_server, token), await _claimed_code(live_server, token)
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        email = (await client.get("/api/accounts/me", headers=owner)).json()["email"]
    page_url = f"{live_server.url}/console/stores/{store_id}/redeem"

    # This Chromium: no BarcodeDetector, so no camera button; the field still redeems.
    context = await browser.new_context()
    try:
        signin = await context.request.post(
            f"{live_server.url}/api/accounts/signin", data={"email": email, "password": PASSWORD}
        )
        assert signin.ok
        page = await context.new_page()
        await page.goto(page_url)
        await expect(page.locator("#camera-note")).to_contain_text("No camera scanner in this browser")
        await expect(page.locator("#camera-scan")).to_be_hidden()
        await page.locator("#code").fill(first)
        await page.locator("#code").press("Enter")
        await expect(page.locator("#redeem-result")).to_have_attribute("data-ok", "yes")
    finally:
        await context.close()

    # A fake camera and a stand-in detector: the button scans, fills the field and submits.
    camera = await browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    )
    try:
        context = await camera.new_context(permissions=["camera"])
        await context.add_init_script(FAKE_DETECTOR + f"globalThis.__code = {second!r};")
        signin = await context.request.post(
            f"{live_server.url}/api/accounts/signin", data={"email": email, "password": PASSWORD}
        )
        assert signin.ok
        page = await context.new_page()
        await page.goto(page_url)
        await page.locator("#camera-scan").click()
        await expect(page.locator("#redeem-result")).to_have_attribute("data-ok", "yes", timeout=15_000)
        await page.locator("#camera-scan").click()  # the same code again: refused, said so
        await expect(page.locator("#redeem-error")).to_have_attribute(
            "data-code", "coupon_used", timeout=15_000
        )
    finally:
        await camera.close()
