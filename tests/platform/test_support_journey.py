"""Acceptance for customer service and feedback, in Chromium, on PostgreSQL (a browser journey:
tests/support runs the API on both databases). A guest taps
the contact button of tests/apps/support, signs in through the host's sheet, and writes in the
host-drawn session (outside every frame); the developer's server replies with WeChat's
/cgi-bin/message/custom/send (httpx, an access token); the user sees the reply, goes back, and
bindcontact fires; tapping the card the developer sent gives its path and query. The feedback form
is submitted with an image and the owner sees it in the console; the shell's Messages lists the
conversation with its unread reply."""

from __future__ import annotations

import json
import secrets
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, FilePayload, FrameLocator, expect

from hutong.compiler import build_project
from hutong.server.accounts import service as accounts
from hutong.server.apps import service as apps
from hutong.server.db import Database
from hutong.server.identity import service as identity
from hutong.server.storage import BlobStore
from tests.conftest import TEST_APPS, LiveServer, on_databases
from tests.platform.test_identity_journey import PASSWORD

pytestmark = [pytest.mark.browser, on_databases("postgres", fixture="server")]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def support_app(server: LiveServer, tag: str) -> tuple[str, str]:
    """An organization's app released with tests/apps/support: (appid, AppSecret)."""
    database = Database.of_settings(server.settings)
    async with database.session() as session:
        owner = await accounts.sign_up(session, f"owner-{tag}@example.com", PASSWORD)
        org = await accounts.create_organization(session, owner, "Tea shop")
        app, secret = await apps.register_app(session, owner, org.id, name="Tea shop")
    async with database.session() as session:
        await apps.publish(
            session,
            BlobStore(server.settings.blob_dir),
            appid=app.appid,
            name="Tea shop",
            description="",
            version="1.0.0",
            build=build_project(TEST_APPS / "support"),
        )
    await database.dispose()
    return app.appid, secret


async def openid_of(server: LiveServer, appid: str, email: str) -> str:
    """What the developer's server knows the user by (from its login flow, not shown here)."""
    database = Database.of_settings(server.settings)
    async with database.session() as session:
        app = await identity.app_by_appid(session, appid)
        user = await accounts.authenticate(session, email, PASSWORD)
        assert app is not None
        openid = await identity.openid_for(session, app, user.id)
    await database.dispose()
    return openid


async def out(view: FrameLocator, previous: str = "") -> Any:
    shown = view.locator("#out")
    await expect(shown).not_to_have_text(previous)
    return json.loads(await shown.text_content() or "")


async def test_contact_reply_card_and_feedback(server: LiveServer, browser: Browser) -> None:
    tag = secrets.token_hex(3)
    appid, secret = await support_app(server, tag)
    email = f"user-{tag}@example.com"
    # Sign-up hashes with Argon2: on a loaded machine running the suite in parallel it can take
    # longer than httpx's default 5 s.
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        signup = await client.post("/api/accounts/signup", json={"email": email, "password": PASSWORD})
    assert signup.status_code == 201
    context = await browser.new_context()  # a guest in this browser
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{server.url}/?open={appid}")
    view = page.frame_locator("iframe.hutong-page").last
    await expect(view.locator("#contact")).to_be_visible()

    # A guest is asked to sign in by the host's own sheet first; declining fails bindcontact.
    await view.locator("#contact").click()
    account = page.locator("#account-sheet")
    await expect(page.locator("#account-reason")).to_contain_text("asks you to sign in")
    await account.get_by_role("button", name="Close").click()
    declined = await out(view)
    assert declined == {"errMsg": "enterContact:fail user not signed in"}
    await view.locator("#contact").click()
    await expect(page.locator("#account-reason")).to_contain_text("asks you to sign in")
    await account.get_by_label("Email").fill(email)
    await account.get_by_label("Password").fill(PASSWORD)
    await account.get_by_role("button", name="Sign in").click()

    sheet = page.locator(".hutong-support-sheet")
    await expect(sheet).to_be_visible()
    # Drawn by the host, outside the page frame.
    assert await page.locator("iframe.hutong-page .hutong-support-sheet").count() == 0
    # show-message-card: the page's card is offered; send it, then a text.
    await expect(sheet.locator(".hutong-support-suggest")).to_contain_text("Green tea")
    await sheet.get_by_role("button", name="发送小程序卡片").click()
    await expect(sheet.locator(".hutong-support-user .hutong-support-card")).to_contain_text("Green tea")
    await sheet.get_by_label("Message", exact=True).fill("Where is my order?")
    await sheet.get_by_role("button", name="发送", exact=True).click()
    await expect(sheet.locator(".hutong-support-user").last).to_have_text("Where is my order?")

    # The developer's server answers through WeChat's API with its access token.
    openid = await openid_of(server, appid, email)
    async with httpx.AsyncClient(base_url=server.url) as developer:
        token = (
            await developer.get(
                "/cgi-bin/token", params={"grant_type": "client_credential", "appid": appid, "secret": secret}
            )
        ).json()["access_token"]
        sent = await developer.post(
            "/cgi-bin/message/custom/send",
            params={"access_token": token},
            json={"touser": openid, "msgtype": "text", "text": {"content": "Shipped this morning"}},
        )
        assert sent.json() == {"errcode": 0, "errmsg": "ok"}
        await expect(sheet.locator(".hutong-support-agent")).to_have_text("Shipped this morning")

        # Back: bindcontact fires with no card.
        await sheet.get_by_role("button", name="Back").click()
        await expect(sheet).to_be_hidden()
        left = await out(view, json.dumps(declined, separators=(",", ":")))
        assert left == {"errMsg": "enterContact:ok", "path": "", "query": {}}

        # The developer sends a card; tapping it in the session returns its page to the app.
        card = {"title": "Oolong", "pagepath": "pages/index/index?item=9"}
        sent = await developer.post(
            "/cgi-bin/message/custom/send",
            params={"access_token": token},
            json={"touser": openid, "msgtype": "miniprogrampage", "miniprogrampage": card},
        )
        assert sent.json()["errcode"] == 0
    await view.locator("#contact").click()
    await sheet.locator(".hutong-support-agent .hutong-support-card").click()
    tapped = await out(view, json.dumps(left, separators=(",", ":")))
    assert tapped == {"errMsg": "enterContact:ok", "path": "pages/index/index", "query": {"item": "9"}}

    # Feedback: the host's form, with an image from the device.
    await view.locator("#feedback").click()
    form = page.locator(".hutong-feedback-form")
    await form.get_by_label("产品建议").check()
    await form.get_by_label("问题描述").fill("Please add jasmine tea")
    await form.get_by_label("联系方式").fill("me@example.com")
    shot: FilePayload = {"name": "shot.png", "mimeType": "image/png", "buffer": PNG}
    await form.locator("input[type=file]").set_input_files([shot])
    await form.get_by_role("button", name="提交").click()
    await expect(page.locator(".hutong-feedback-done")).to_be_visible()
    await expect(page.locator(".hutong-feedback-layer")).to_be_hidden()
    assert json.loads(await view.locator("#out").text_content() or "") == {"errMsg": "feedback:ok"}

    # The owner sees the feedback in the console.
    owner = await browser.new_context()
    console = await owner.new_page()
    await console.goto(f"{server.url}/console/signin")
    await console.get_by_label("Email").fill(f"owner-{tag}@example.com")
    await console.get_by_label("Password").fill(PASSWORD)
    await console.get_by_role("button", name="Sign in").click()
    await console.goto(f"{server.url}/console/apps/{appid}")
    await console.locator("#feedback-link").first.click()
    row = console.locator("#feedback tbody tr")
    await expect(row).to_contain_text("Please add jasmine tea")
    await expect(row).to_contain_text("产品建议")
    await expect(row.get_by_role("img", name="Image 1")).to_be_visible()
    # …and the conversation, and replies from the console.
    await console.goto(f"{server.url}/console/apps/{appid}/support")
    await console.locator("#conversations a").first.click()
    await expect(console.locator("#thread")).to_contain_text("Where is my order?")
    await console.get_by_label("Reply").fill("Jasmine is coming next week")
    await console.get_by_role("button", name="Send").click()
    await expect(console.locator("#thread")).to_contain_text("Jasmine is coming next week")
    await owner.close()

    # The shell's Messages: the conversation with one unread reply, then the reply itself.
    await page.locator("#close-app").click()
    messages = page.locator("#messages")
    await expect(messages).to_contain_text("1")
    await messages.click()
    entry = page.locator("#messages-list li").filter(has_text="Tea shop")
    await expect(entry.locator(".unread")).to_have_text("1")
    await entry.click()
    await expect(page.locator("#messages-sheet .hutong-support-agent").last).to_have_text(
        "Jasmine is coming next week"
    )
    # The card the developer sent opens the mini program at its page.
    await page.locator("#messages-sheet .hutong-support-agent .hutong-support-card").click()
    await expect(page.locator("#messages-sheet")).to_be_hidden()
    await expect(page.frame_locator("iframe.hutong-page").last.locator("#item")).to_have_text("item 9")
    assert errors == []
    await context.close()
