"""The acceptance journey in Chromium, two users, on PostgreSQL (a browser journey:
the sharing APIs run on both databases): A adds B by A's add-me link,
A accepts, A creates a group with B; A opens the tea shop and shares its menu from the capsule menu
into the group on the host's share sheet; B, looking at the group, sees the card arrive live and taps
it: the tea shop opens at the menu with scene 1044 and a shareTicket (wx.getLaunchOptionsSync in its
logic thread says so). The tea shop's own back end (examples/tea-server, the process `hutong demo`
starts, with the AppSecret the demo seeds) is what decrypts: the menu logs in on it (wx.login, its
code2session keeps the session_key) and sends it wx.getShareInfo's data, and shows the group's openGId
it answers; wx.getGroupEnterInfo's data decrypts there to the same group. A taps the same card (the
sharer's own tap is not counted) and the menu shows the same openGId. A forged ticket fails. The
share's counts show 1 open and 1 new user."""

from __future__ import annotations

import asyncio
import io
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from PIL import Image
from playwright.async_api import Browser, Page, Worker, expect
from sqlalchemy import select

from hutong import demo_shop
from hutong.examples import load_examples
from hutong.server.apps.models import App
from hutong.server.chats.models import Chat
from hutong.server.db import Database
from hutong.server.embedded import free_port
from hutong.server.sealing import Keyring
from hutong.server.sharing import service as sharing
from hutong.server.storage import BlobStore
from hutong.settings import Settings
from tests.conftest import EXAMPLES, LiveServer, on_databases, serve, wait_until

pytestmark = on_databases("postgres")

TEA = demo_shop.TEA_APPID
TOP = ".surface:not([hidden]) iframe.hutong-page:not([hidden])"


@dataclass
class TeaPlatform:
    server: LiveServer
    shop: demo_shop.RunningShop


@pytest.fixture
async def tea_server(tmp_path: Path, database_url: str) -> AsyncIterator[TeaPlatform]:
    """The platform with only the tea shop released, on the test's database, and the tea shop's own
    back end running beside it as `hutong demo` runs it (seeded credentials, a process of its own)."""
    shop = tmp_path / "examples"
    shop.mkdir()
    (shop / "tea").symlink_to(EXAMPLES / "tea")
    # The data dir is the test's own: the database fixture opens what was sealed with its master key.
    settings = Settings(data_dir=tmp_path, database_url=database_url)
    db = Database(database_url, keyring=Keyring.from_settings(settings))
    await load_examples(db, BlobStore(settings.blob_dir), shop)
    port = free_port()
    async with serve(settings) as server:
        credentials = await demo_shop.seed(db, server.url, f"http://127.0.0.1:{port}")
        await db.dispose()
        path = tmp_path / "tea-merchant.json"
        demo_shop.write_credentials(path, credentials)
        with demo_shop.run_tea_server(EXAMPLES, port, path) as running:
            yield TeaPlatform(server, running)


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


async def tea_worker(page: Page) -> Worker:
    """The running tea shop's logic thread (not a spare one booted for the next app)."""
    for _ in range(100):
        for worker in page.workers:
            running = "() => typeof getCurrentPages === 'function' && getCurrentPages().length > 0"
            if worker.url.startswith("data:") and await worker.evaluate(running):
                return worker
        await asyncio.sleep(0.1)
    raise AssertionError("no running logic thread")


async def test_share_the_tea_menu_into_a_group(tea_server: TeaPlatform, browser: Browser) -> None:
    server, shop = tea_server.server, tea_server.shop
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
    await a.goto(f"{server.url}/?open={TEA}&query={quote(f'backend={shop.url}', safe='')}")
    await expect(a.locator("iframe.hutong-page").first).to_be_attached()
    await wait_until(a, "window.__hutongLog.some((e) => e.kind === 'firstcontent')", seconds=30)
    await a.get_by_role("button", name="More").click()
    await a.get_by_role("menuitem", name="Share", exact=True).click()
    sheet = a.locator(".hutong-share")
    await expect(sheet).to_contain_text("茶小铺：一起喝奶茶")
    # The menu gives no imageUrl: the sheet shows the top 5:4 of the page, drawn by its frame.
    await expect(sheet.locator("img.hutong-share-snapshot")).to_be_visible()
    await sheet.get_by_text("Tea lovers").click()
    await sheet.get_by_role("button", name="Send").click()
    await expect(sheet).to_be_hidden()

    # B sees the card arrive live, and taps it: the menu, scene 1044, with a shareTicket.
    card = b.locator("#chat-messages .chat-card")
    await expect(card).to_contain_text("茶小铺：一起喝奶茶")
    # Its picture is the page's, stored on the platform: a 5:4 PNG that is not blank.
    picture = await card.locator("img.chat-card-image").get_attribute("src") or ""
    assert re.fullmatch(r"/blobs/[0-9a-f]{64}", picture), picture
    async with httpx.AsyncClient(base_url=server.url) as client:
        png = (await client.get(picture)).content
    shot = Image.open(io.BytesIO(png))
    assert shot.format == "PNG" and abs(shot.width * 4 - shot.height * 5) <= 5
    assert len(shot.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 20  # the page, not a flat fill
    await card.click()
    await wait_until(b, "window.__hutongLog.some((e) => e.kind === 'launch' && e.scene === 1044)")
    launch = await b.evaluate("window.__hutongLog.filter((e) => e.kind === 'launch').pop()")
    assert launch["appid"] == TEA and launch["path"] == "pages/menu/menu" and launch["chatType"] == 3
    ticket = launch["shareTicket"]
    assert ticket
    await expect(b.locator("iframe.hutong-page").first).to_be_attached()

    # Inside the tea shop as B opened it: the launch options; the menu asked the shop's back end which
    # group brought B (login there, then wx.getShareInfo's data, decrypted with B's session_key).
    worker = await tea_worker(b)
    options = await worker.evaluate("() => wx.getLaunchOptionsSync()")
    assert (options["scene"], options["shareTicket"], options["chatType"]) == (1044, ticket, 3)
    assert options["path"] == "pages/menu/menu" and options["query"] == {"backend": shop.url}
    b_group = b.frame_locator(TOP).locator("#group")
    await expect(b_group).to_contain_text("From group tG")
    b_gid = (await b_group.text_content() or "").split("From group ")[1].split(" ")[0]
    # wx.getGroupEnterInfo's data decrypts on the same back end, after a login there, to the same group.
    code = await worker.evaluate("() => wx.login().then((res) => res.code)")
    async with httpx.AsyncClient(base_url=shop.url) as client:
        token = (await client.post("/api/login", json={"code": code})).json()["token"]
        entered = await worker.evaluate("() => wx.getGroupEnterInfo()")
        group = (await client.post("/api/share/group", json={"token": token, **entered})).json()
        assert group["openGId"] == b_gid
        # Logging in again replaces the session_key: data sealed before it no longer opens.
        code = await worker.evaluate("() => wx.login().then((res) => res.code)")
        token = (await client.post("/api/login", json={"code": code})).json()["token"]
        stale = await client.post("/api/share/group", json={"token": token, **entered})
        assert stale.status_code == 400 and "cannot decrypt" in stale.json()["error"]
    forged = await worker.evaluate(
        "() => wx.getShareInfo({shareTicket: 'forged'}).then(() => 'answered', (res) => res.errMsg)"
    )
    assert forged == "getShareInfo:fail invalid shareTicket"

    # A taps the same card (not counted: the sharer brings no one); the shop's back end names the same
    # group, which has now brought two customers.
    await a.goto(server.url)
    await a.locator("#messages").click()
    await a.locator("#chats-list").get_by_role("button", name="Tea lovers").click()
    await a.locator("#chat-messages .chat-card").click()
    a_group = a.frame_locator(TOP).locator("#group")
    await expect(a_group).to_contain_text(f"From group {b_gid} · 2")

    db = Database(server.settings.effective_database_url)
    async with db.session() as session:
        app = await session.scalar(select(App).where(App.appid == TEA))
        assert app is not None
        counts = await sharing.attribution(session, app)
        chat_id = await session.scalar(select(Chat.id).where(Chat.name == "Tea lovers"))
        assert chat_id is not None
        assert await sharing.open_gid(session, app, chat_id) == b_gid  # the platform's own record
    await db.dispose()
    (share,) = counts["shares"]
    assert (share["opens"], share["new_users"], share["to"]) == (1, 1, "group")
    for page in (a, b):
        await page.context.close()
