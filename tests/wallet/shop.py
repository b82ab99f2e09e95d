"""A shop for the browser tests: a platform on loopback (SQLite) with the sandbox bank, a developer
whose mini program (tests/apps/pay) is released and bound to a merchant account, and the merchant's
own back end (a real HTTP server on loopback) that makes orders through the WeChat Pay v3 API with
its private key and signs the wx.requestPayment parameters, as WeChat Pay's guide says."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect

from hutong.compiler import build_project
from hutong.server.apps import service as apps
from hutong.server.db import Database
from hutong.server.funding.sandbox_bank import RunningBank
from hutong.server.storage import BlobStore
from hutong.server.wechatpay import crypto
from hutong.settings import Settings
from tests.conftest import TEST_APPS, LiveServer, allow_domains, migrate, serve

PASSWORD = "long enough"


@dataclass
class Merchant:
    platform: str
    appid: str
    secret: str
    mchid: str
    serial_no: str
    private_key_pem: str
    orders: list[dict[str, Any]]
    other_appid: str = ""  # an app of the same developer, not bound to the merchant


def _replay(m: Merchant) -> dict[str, Any]:
    """The last order's parameters again, as a dishonest back end would hand them to anyone."""
    params: dict[str, Any] = m.orders[-1]["params"]
    return params


def _order(m: Merchant, body: dict[str, Any]) -> dict[str, Any]:
    """What a merchant's server does for wx.requestPayment: code2session, a JSAPI order, paySign."""
    with httpx.Client(base_url=m.platform, timeout=10) as platform:
        params = {
            "appid": m.appid,
            "secret": m.secret,
            "js_code": body.get("code", ""),
            "grant_type": "authorization_code",
        }
        openid = platform.get("/sns/jscode2session", params=params).json()["openid"]
        order = {
            "appid": m.appid,
            "mchid": m.mchid,
            "description": "Oolong milk tea",
            "out_trade_no": "T" + secrets.token_hex(8),
            "notify_url": "https://shop.example.com/pay/notify",
            "amount": {"total": int(body.get("amount", 1)), "currency": "CNY"},
            "payer": {"openid": openid},
        }
        text = json.dumps(order)
        key = crypto.load_rsa_private_key(m.private_key_pem)
        stamp, nonce, target = str(int(time.time())), crypto.new_nonce(), "/v3/pay/transactions/jsapi"
        signature = crypto.rsa_sign(key, crypto.request_message("POST", target, stamp, nonce, text))
        authorization = (
            f'WECHATPAY2-SHA256-RSA2048 mchid="{m.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{stamp}",serial_no="{m.serial_no}"'
        )
        made = platform.post(
            target, content=text, headers={"Authorization": authorization, "Content-Type": "application/json"}
        )
        made.raise_for_status()
        package = f"prepay_id={made.json()['prepay_id']}"
        stamp, nonce = str(int(time.time())), crypto.new_nonce()
        pay_sign = crypto.rsa_sign(key, crypto.pay_sign_message(m.appid, stamp, nonce, package))
        params = {
            "timeStamp": stamp,
            "nonceStr": nonce,
            "package": package,
            "signType": "RSA",
            "paySign": pay_sign,
        }
        m.orders.append({**order, "prepay_id": made.json()["prepay_id"], "params": params})
        return params


@contextmanager
def merchant_backend(merchant: Merchant) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def _cors(self) -> None:
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "content-type")
            self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")

        def do_OPTIONS(self) -> None:
            self.send_response(204)
            self._cors()
            self.end_headers()

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)) or b"{}")
            answer = json.dumps(
                _replay(merchant) if self.path == "/replay" else _order(merchant, body)
            ).encode()
            self.send_response(200)
            self._cors()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class ShopWorld:
    server: LiveServer
    merchant: Merchant
    base: str  # the merchant back end's origin


async def _set_up(server: LiveServer) -> Merchant:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        assert (
            await client.post(
                "/api/accounts/signup", json={"email": "shop@example.com", "password": PASSWORD}
            )
        ).status_code == 201
        client.cookies.clear()
        token = (
            await client.post("/api/tokens", json={"email": "shop@example.com", "password": PASSWORD})
        ).json()["token"]
        dev = {"Authorization": f"Bearer {token}"}
        org = (await client.post("/api/orgs", json={"name": "Tea House"}, headers=dev)).json()["id"]
        app = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Tea House"}, headers=dev)).json()
        other = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Tea Club"}, headers=dev)).json()
        mchid = (
            await client.post(f"/api/orgs/{org}/merchants", json={"name": "Tea House Ltd"}, headers=dev)
        ).json()["mchid"]
        pair = (await client.post(f"/api/merchants/{mchid}/keypair", headers=dev)).json()
        bound = await client.put(f"/api/merchants/{mchid}/apps/{app['appid']}", headers=dev)
        assert bound.status_code == 204, bound.text
    database = Database(server.settings.effective_database_url)
    build = build_project(TEST_APPS / "pay")
    for appid, name in ((app["appid"], "Tea House"), (other["appid"], "Tea Club")):
        async with database.session() as session:
            await apps.publish(
                session,
                BlobStore(server.settings.blob_dir),
                appid=appid,
                name=name,
                description="",
                version="1.0.0",
                build=build,
            )
    await database.dispose()
    return Merchant(
        server.url,
        app["appid"],
        app["secret"],
        mchid,
        pair["serial_no"],
        pair["private_key"],
        [],
        other["appid"],
    )


@pytest.fixture(scope="session")
async def shop_world(tmp_path_factory: pytest.TempPathFactory, bank: RunningBank) -> AsyncIterator[ShopWorld]:
    data_dir: Path = tmp_path_factory.mktemp("shop")
    settings = Settings(
        data_dir=data_dir,
        funding_sandbox_url=bank.url,
        funding_sandbox_api_key=bank.api_key,
        funding_sandbox_webhook_secret=bank.webhook_secret,
        funding_timeout_seconds=2.0,
    )
    await migrate(settings.effective_database_url)
    async with serve(settings) as server:
        merchant = await _set_up(server)
        with merchant_backend(merchant) as base:
            for appid in (merchant.appid, merchant.other_appid):
                await allow_domains(server, appid, {"request": [base]})
            yield ShopWorld(server, merchant, base)


# Browser steps the payment journeys share ----------------------------------------------------------


async def set_pin_and_top_up(page: Page, pin: str, yuan: str) -> None:
    """In the shell's Wallet (left open): a payment PIN set with the account password, then a top-up
    with the sandbox bank's test card, confirmed by the bank's callback."""
    await page.locator("#wallet").click()
    sheet = page.locator("#wallet-sheet")
    await expect(page.locator("#wallet-balance")).to_have_text("¥0.00")
    pin_form = sheet.locator("#wallet-pin")
    await pin_form.get_by_label("New PIN").fill(pin)
    await pin_form.get_by_label("Account password").fill(PASSWORD)
    await pin_form.get_by_role("button", name="Save PIN").click()
    await expect(page.locator("#wallet-status")).to_have_text("Payment PIN saved")
    top_up = sheet.locator("#wallet-topup")
    await top_up.get_by_label("Amount").fill(yuan)
    await top_up.get_by_label("Card number").fill("4242 4242 4242 4242")
    await top_up.get_by_role("button", name="Top up").click()
    shown = f"¥{int(yuan):,}.00" if yuan.isdigit() else f"¥{yuan}"
    await expect(page.locator("#wallet-status")).to_have_text(f"Topped up {shown}")
    await expect(page.locator("#wallet-balance")).to_have_text(shown)


async def press(page: Page, digits: str) -> None:
    """Digits on the payment sheet's PIN pad (the host draws it; no frame can reach it)."""
    for digit in digits:
        await page.locator(f".hutong-pay .hutong-pin-key[data-key='{digit}']").click()


async def console_signed_in(
    browser: Browser, url: str, email: str, password: str
) -> tuple[BrowserContext, Page]:
    context = await browser.new_context()
    console = await context.new_page()
    await console.goto(f"{url}/console/signin")
    await console.get_by_label("Email").fill(email)
    await console.get_by_label("Password").fill(password)
    await console.get_by_role("button", name="Sign in").click()
    await expect(console.get_by_role("heading", name="Your organizations")).to_be_visible()
    return context, console


async def refund_in_console(console: Page, out_trade_no: str, yuan: str, reason: str) -> None:
    """From a merchant's console page: find the order, refund ``yuan`` with ``reason``, and wait until
    the refund has succeeded (it completes through the outbox a moment later)."""
    await console.get_by_role("link", name="Orders").click()
    await console.get_by_label("Order or transaction number").fill(out_trade_no[:6])
    await console.get_by_role("button", name="Search").click()
    await console.get_by_role("link", name=out_trade_no).click()
    await expect(console.locator("#trade-state")).to_have_text("SUCCESS")
    form = console.locator("#refund-form")
    await form.get_by_label("Amount (¥)").fill(yuan)
    await form.get_by_label("Reason").fill(reason)
    await form.get_by_role("button", name="Refund").click()
    await expect(console.get_by_role("status")).to_contain_text(f"of ¥{yuan}")
    for _ in range(50):
        if await console.locator(".refund-status").first.text_content() == "SUCCESS":
            break
        await console.wait_for_timeout(200)
        await console.reload()
    await expect(console.locator(".refund-status")).to_have_text("SUCCESS")
