"""Acceptance for login, in Chromium, on PostgreSQL (a browser journey: the identity API tests run on both
databases): a mini program (tests/apps/login)
calls wx.login and sends the code to its developer's back end (a real server on loopback), which
calls code2session. Same openid on every login; another organization's app sees another openid;
apps of one organization share the unionid. A guest is asked to sign in by the host; getPhoneNumber
goes through the host's sheet; signed launch data checks out on the back end."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, BrowserContext, FrameLocator, Page, expect

from hutong.compiler import build_project
from hutong.server.accounts import service as accounts
from hutong.server.apps import service as apps
from hutong.server.db import Database
from hutong.server.storage import BlobStore
from tests.conftest import TEST_APPS, LiveServer, allow_domains, on_databases
from tests.identity.backend import developer_backend

pytestmark = [pytest.mark.browser, on_databases("postgres", fixture="server")]
PASSWORD = "long enough"


@dataclass
class Registered:
    appid: str
    secret: str


async def three_apps(server: LiveServer) -> tuple[Registered, Registered, Registered]:
    """Two apps of organization A and one of organization B, each released with tests/apps/login."""
    tag = secrets.token_hex(3)
    database = Database.of_settings(server.settings)
    build = build_project(TEST_APPS / "login")
    registered = []
    async with database.session() as session:
        dev_a = await accounts.sign_up(session, f"dev-a-{tag}@example.com", PASSWORD)
        dev_b = await accounts.sign_up(session, f"dev-b-{tag}@example.com", PASSWORD)
        org_a = await accounts.create_organization(session, dev_a, "Org A")
        org_b = await accounts.create_organization(session, dev_b, "Org B")
        for owner, org, name in ((dev_a, org_a, "A one"), (dev_a, org_a, "A two"), (dev_b, org_b, "B one")):
            made, secret = await apps.register_app(session, owner, org.id, name=name)
            registered.append(Registered(made.appid, secret))
    for app in registered:
        async with database.session() as session:
            await apps.publish(
                session,
                BlobStore(server.settings.blob_dir),
                appid=app.appid,
                name=app.appid,
                description="",
                version="1.0.0",
                build=build,
            )
    await database.dispose()
    return registered[0], registered[1], registered[2]


async def end_user(
    browser: Browser, server: LiveServer, email: str, phone: str | None = None
) -> BrowserContext:
    context = await browser.new_context()
    signup = await context.request.post(
        f"{server.url}/api/accounts/signup", data={"email": email, "password": PASSWORD}
    )
    assert signup.status == 201
    if phone:
        csrf = (await signup.json())["csrf_token"]
        saved = await context.request.put(
            f"{server.url}/api/me/phone",
            data={"country_code": "86", "number": phone},
            headers={"X-CSRF-Token": csrf},
        )
        assert saved.status == 200
    return context


async def open_login_app(
    context: BrowserContext, server: LiveServer, appid: str, base: str
) -> tuple[Page, FrameLocator]:
    # The developer's back end is a loopback origin: on the app's request list, as its domain would be.
    await allow_domains(server, appid, {"request": [base]})
    page = await context.new_page()
    await page.goto(f"{server.url}/?open={appid}&query={quote('base=' + base, safe='')}")
    view = page.frame_locator("iframe.hutong-page").last
    await expect(view.locator("#login")).to_be_visible()
    return page, view


async def result(view: FrameLocator, previous: str = "") -> Any:
    out = view.locator("#out")
    await expect(out).not_to_have_text(previous or "")
    return json.loads(await out.text_content() or "")


async def log_in(context: BrowserContext, server: LiveServer, app: Registered, base: str) -> dict[str, Any]:
    page, view = await open_login_app(context, server, app.appid, base)
    await view.locator("#login").click()
    answer: dict[str, Any] = await result(view)
    await page.close()
    return answer


async def test_login_openids_unionids_phone_and_launch_data(server: LiveServer, browser: Browser) -> None:
    a1, a2, b1 = await three_apps(server)
    context = await end_user(browser, server, f"user-{secrets.token_hex(3)}@example.com", phone="13800138000")
    with (
        developer_backend(server.url, a1.appid, a1.secret) as (base_a1, state_a1),
        developer_backend(server.url, a2.appid, a2.secret) as (base_a2, _),
        developer_backend(server.url, b1.appid, b1.secret) as (base_b1, _),
    ):
        first = await log_in(context, server, a1, base_a1)
        assert first["errMsg"] == "login:ok"
        assert first["before"] == "checkSession:fail session time out, need relogin"
        assert first["after"] == "checkSession:ok"
        assert len(first["openid"]) == 28
        second = await log_in(context, server, a1, base_a1)
        assert second["openid"] == first["openid"] and second["before"] == "checkSession:ok"
        assert all("session_key" in login for login in state_a1.logins)  # kept by the back end only
        assert "session_key" not in first
        sibling = await log_in(context, server, a2, base_a2)
        assert sibling["openid"] != first["openid"] and sibling["unionid"] == first["unionid"]
        other = await log_in(context, server, b1, base_b1)
        assert other["openid"] not in (first["openid"], sibling["openid"])
        assert other["unionid"] != first["unionid"]

        # getPhoneNumber: the host's sheet, in the host page above the frames; Allow, then Deny.
        page, view = await open_login_app(context, server, a1.appid, base_a1)
        await view.locator("#phone").click()
        sheet = page.locator(".hutong-phone-sheet")
        await expect(sheet).to_contain_text("+86 138****8000")
        await sheet.get_by_role("button", name="Allow").click()
        allowed = await result(view)
        assert allowed == {"errMsg": "getPhoneNumber:ok", "errcode": 0, "phone": "13800138000"}
        await view.locator("#phone").click()
        await page.locator(".hutong-phone-sheet").get_by_role("button", name="Deny").click()
        denied = await result(view, json.dumps(allowed, separators=(",", ":")))
        assert denied == {"errMsg": "getPhoneNumber:fail user deny"}

        # Signed launch data, checked by the back end with the AppSecret and the platform's public key.
        await view.locator("#launch").click()
        launched = await result(view, json.dumps(denied, separators=(",", ":")))
        assert launched["errMsg"] == "hutong.getLaunchData:ok"
        assert launched["checked"]["openid"] == first["openid"]
        assert launched["checked"]["start_param"].startswith("pages/index/index?base=")
    await context.close()


async def test_a_guest_is_asked_to_sign_in_by_the_host(server: LiveServer, browser: Browser) -> None:
    a1, _a2, _b1 = await three_apps(server)
    email = f"guest-{secrets.token_hex(3)}@example.com"
    await (await end_user(browser, server, email)).close()  # the account exists; this browser is a guest
    context = await browser.new_context()
    with developer_backend(server.url, a1.appid, a1.secret) as (base, _):
        page, view = await open_login_app(context, server, a1.appid, base)
        await view.locator("#login").click()
        sheet = page.locator("#account-sheet")
        await expect(sheet).to_be_visible()
        await expect(page.locator("#account-reason")).to_contain_text("asks you to sign in")
        await sheet.get_by_role("button", name="Close").click()
        declined = await result(view)
        assert declined == {"errMsg": "login:fail user not signed in"}
        await view.locator("#login").click()
        await sheet.get_by_label("Email").fill(email)
        await sheet.get_by_label("Password").fill(PASSWORD)
        await sheet.get_by_role("button", name="Sign in").click()
        signed = await result(view, json.dumps(declined, separators=(",", ":")))
        assert signed["errMsg"] == "login:ok" and len(signed["openid"]) == 28
        # Signed in, the account sheet (on the home screen) keeps the number getPhoneNumber shares.
        await page.locator("#close-app").click()
        await page.locator("#account").click()
        await sheet.get_by_label("Number").fill("139 0000 1111")
        await sheet.get_by_role("button", name="Save phone number").click()
        await expect(page.locator("#phone-status")).to_have_text("Saved")
        phone = await (await context.request.get(f"{server.url}/api/me/phone")).json()
        assert phone == {"country_code": "86", "number": "13900001111", "verified": False}
    await context.close()
