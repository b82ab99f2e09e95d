"""The acceptance journey in Chromium, two users, on SQLite and PostgreSQL: A adds B by A's add-me link,
A accepts, A creates a group with B; A opens the tea shop and shares its menu from the capsule menu
into the group on the host's share sheet; B, looking at the group, sees the card arrive live and taps
it: the tea shop opens at the menu with scene 1044 and a shareTicket (wx.getLaunchOptionsSync in its
logic thread says so). Inside the running tea shop, wx.login, wx.getShareInfo and wx.getGroupEnterInfo
go through the runtime and the host; the tea shop's back end (here: code2session with its AppSecret,
then wechatpy's WeChatWxaCrypto, unchanged) decrypts the same openGId for B and for A (A's through the
host endpoints those APIs call); a forged ticket fails. The share's counts show 1 open and 1 new user."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, Worker, expect
from sqlalchemy import select
from wechatpy.crypto import WeChatWxaCrypto

from hutong.examples import load_examples
from hutong.server.accounts.passwords import digest
from hutong.server.apps.models import App
from hutong.server.db import Database
from hutong.server.sharing import service as sharing
from hutong.server.storage import BlobStore
from hutong.settings import Settings
from tests.conftest import EXAMPLES, LiveServer, serve, wait_until

TEA = "hutong-tea"
TEA_SECRET = "tea-shop-secret"

# What the host does for wx.login and wx.getShareInfo, asked from the host page with its session.
HOST_CALL = """async ([path, body]) => {
  const user = (await (await fetch('/api/accounts/session')).json()).user;
  const headers = {'Content-Type': 'application/json', 'X-CSRF-Token': user.csrf_token};
  return (await fetch(path, {method: 'POST', headers, body: JSON.stringify(body)})).json();
}"""


@pytest.fixture
async def tea_server(tmp_path: Path, database_url: str) -> AsyncIterator[LiveServer]:
    """The platform with only the tea shop released, on the test's database, its AppSecret known."""
    shop = tmp_path / "examples"
    shop.mkdir()
    (shop / "tea").symlink_to(EXAMPLES / "tea")
    # The data dir is the test's own: the database fixture opens what was sealed with its master key.
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    db = Database(database_url)
    await load_examples(db, BlobStore(settings.blob_dir), shop)
    async with db.session() as session:
        app = await session.scalar(select(App).where(App.appid == TEA))
        assert app is not None
        app.secret_hash = digest(TEA_SECRET)
        await session.commit()
    await db.dispose()
    async with serve(settings) as server:
        yield server


async def signed_up(browser: Browser, server: LiveServer, email: str) -> Page:
    context = await browser.new_context()
    signup = await context.request.post(
        f"{server.url}/api/accounts/signup", data={"email": email, "password": "long enough"}
    )
    assert signup.status == 201, await signup.text()
    page = await context.new_page()
    await page.goto(server.url)
    await expect(page.locator("#messages")).to_be_visible()
    return page


async def code2session(server: LiveServer, code: str) -> str:
    """The shop's server trades a wx.login code for the session_key."""
    params = {"appid": TEA, "secret": TEA_SECRET, "js_code": code, "grant_type": "authorization_code"}
    async with httpx.AsyncClient(base_url=server.url) as client:
        return str((await client.get("/sns/jscode2session", params=params)).json()["session_key"])


async def tea_worker(page: Page) -> Worker:
    """The running tea shop's logic thread (not a spare one booted for the next app)."""
    for _ in range(100):
        for worker in page.workers:
            running = "() => typeof getCurrentPages === 'function' && getCurrentPages().length > 0"
            if worker.url.startswith("data:") and await worker.evaluate(running):
                return worker
        await asyncio.sleep(0.1)
    raise AssertionError("no running logic thread")


async def open_gid(server: LiveServer, page: Page, ticket: str) -> str:
    """wx.login; the shop's server trades the code (code2session); wx.getShareInfo; the shop's server
    decrypts with the session_key."""
    code = (await page.evaluate(HOST_CALL, ["/api/identity/login", {"appid": TEA}]))["code"]
    params = {"appid": TEA, "secret": TEA_SECRET, "js_code": code, "grant_type": "authorization_code"}
    async with httpx.AsyncClient(base_url=server.url) as client:
        login = (await client.get("/sns/jscode2session", params=params)).json()
    info = await page.evaluate(HOST_CALL, ["/api/me/shares/info", {"appid": TEA, "share_ticket": ticket}])
    data = WeChatWxaCrypto(login["session_key"], info["iv"], TEA).decrypt_message(info["encryptedData"])
    return str(data["openGId"])


async def test_share_the_tea_menu_into_a_group(tea_server: LiveServer, browser: Browser) -> None:
    server = tea_server
    tag = secrets.token_hex(3)
    a = await signed_up(browser, server, f"a-{tag}@example.com")
    b = await signed_up(browser, server, f"b-{tag}@example.com")

    # A's add-me link, opened by B, sends the request; A accepts.
    await a.locator("#messages").click()
    await a.get_by_role("button", name="Contacts · add friend").click()
    link = await a.get_by_label("My add-me link").input_value()
    await b.goto(link)
    await expect(b.get_by_label("Friend’s link or code")).to_have_value(link.rsplit("/", 1)[1])
    await b.get_by_role("button", name="Add friend").click()
    await expect(b.locator(".chat-status")).to_contain_text("Request sent")
    await a.get_by_role("button", name="‹ Messages").click()
    await a.get_by_role("button", name="Contacts · add friend").click()
    await a.locator("#chat-requests").get_by_role("button", name="Accept").click()
    await expect(a.locator(".chat-contacts li")).to_have_count(1)

    # A makes a group with B.
    await a.get_by_role("button", name="‹ Messages").click()
    await a.get_by_role("button", name="New group").click()
    await a.get_by_label("Group name").fill("Tea lovers")
    await a.locator(".chat-group input[type=checkbox]").check()
    await a.get_by_role("button", name="Create group").click()
    await expect(a.locator("#chat-messages")).to_contain_text("created the group")

    # B looks at the group.
    await b.goto(server.url)
    await b.locator("#messages").click()
    await b.locator("#chats-list").get_by_role("button", name="Tea lovers").click()
    await expect(b.locator("#chat-messages")).to_contain_text("created the group")

    # A opens the tea shop and shares the menu from the capsule menu into the group.
    await a.goto(f"{server.url}/?open={TEA}")
    await expect(a.locator("iframe.hutong-page").first).to_be_attached()
    await wait_until(a, "window.__hutongLog.some((e) => e.kind === 'firstcontent')", seconds=30)
    await a.get_by_role("button", name="More").click()
    await a.get_by_role("menuitem", name="Share", exact=True).click()
    sheet = a.locator(".hutong-share")
    await expect(sheet).to_contain_text("茶小铺：一起喝奶茶")
    await sheet.get_by_text("Tea lovers").click()
    await sheet.get_by_role("button", name="Send").click()
    await expect(sheet).to_be_hidden()

    # B sees the card arrive live, and taps it: the menu, scene 1044, with a shareTicket.
    card = b.locator("#chat-messages .chat-card")
    await expect(card).to_contain_text("茶小铺：一起喝奶茶")
    await card.click()
    await wait_until(b, "window.__hutongLog.some((e) => e.kind === 'launch' && e.scene === 1044)")
    launch = await b.evaluate("window.__hutongLog.filter((e) => e.kind === 'launch').pop()")
    assert launch["appid"] == TEA and launch["path"] == "pages/menu/menu" and launch["chatType"] == 3
    ticket = launch["shareTicket"]
    assert ticket
    await expect(b.locator("iframe.hutong-page").first).to_be_attached()

    # Inside the tea shop as B opened it: the launch options, then wx.login, wx.getShareInfo and
    # wx.getGroupEnterInfo through the runtime; the shop's back end decrypts with B's session_key.
    worker = await tea_worker(b)
    options = await worker.evaluate("() => wx.getLaunchOptionsSync()")
    assert (options["scene"], options["shareTicket"], options["chatType"]) == (1044, ticket, 3)
    assert options["path"] == "pages/menu/menu"
    b_key = await code2session(server, await worker.evaluate("() => wx.login().then((res) => res.code)"))
    shared = await worker.evaluate("(ticket) => wx.getShareInfo({shareTicket: ticket})", ticket)
    entered = await worker.evaluate("() => wx.getGroupEnterInfo()")
    b_gid = WeChatWxaCrypto(b_key, shared["iv"], TEA).decrypt_message(shared["encryptedData"])["openGId"]
    assert (
        WeChatWxaCrypto(b_key, entered["iv"], TEA).decrypt_message(entered["encryptedData"])["opengid"]
        == b_gid
    )
    forged = await worker.evaluate(
        "() => wx.getShareInfo({shareTicket: 'forged'}).then(() => 'answered', (res) => res.errMsg)"
    )
    assert forged == "getShareInfo:fail invalid shareTicket"

    # The tea shop's back end decrypts one openGId for A and B.
    assert await open_gid(server, a, ticket) == b_gid

    db = Database(server.settings.effective_database_url)
    async with db.session() as session:
        app = await session.scalar(select(App).where(App.appid == TEA))
        assert app is not None
        counts = await sharing.attribution(session, app)
    await db.dispose()
    (share,) = counts["shares"]
    assert (share["opens"], share["new_users"], share["to"]) == (1, 1, "group")
    for page in (a, b):
        await page.context.close()
