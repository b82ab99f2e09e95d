"""The whole developer-to-user journey in Chromium, on a live server over SQLite and over PostgreSQL:
register, create an app, upload with the CLI, submit, review with a live preview, release, phase to 50%,
open as an end user, roll back, and refuse a tampered bundle and a tampered manifest."""

from __future__ import annotations

import asyncio
import shutil
import stat
from pathlib import Path

import pytest
from playwright.async_api import Browser, Route, expect

from hutong.server.accounts.service import set_operator_role
from hutong.server.db import Database
from hutong.server.delivery.launch import bucket
from tests.conftest import EXAMPLES, LiveServer
from tests.platform.steps import PASSWORD, cli_run, device_in, end_user, open_app_page, sign_up

pytestmark = pytest.mark.browser


async def test_developer_to_user_journey(
    server: LiveServer, browser: Browser, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    developer = await browser.new_context()
    console = await sign_up(developer, server, "dev@example.com")

    # An organization and an app; the AppSecret is shown once.
    await console.get_by_label("Name").fill("Counter Co")
    await console.get_by_role("button", name="Create organization").click()
    await expect(console.get_by_role("heading", name="Counter Co")).to_be_visible()
    await console.get_by_label("Name", exact=True).fill("Counter")
    await console.get_by_label("Icon (emoji or image URL)").fill("🔢")
    await console.get_by_role("button", name="Register").click()
    appid = (await console.locator("#appid").text_content()) or ""
    assert appid.startswith("hx")
    assert len((await console.locator("#secret").text_content()) or "") > 30

    # The CLI signs in (token file readable by its owner only) and uploads the project.
    config = tmp_path / "cli.json"
    cli_run(
        monkeypatch,
        config,
        "login",
        "--server",
        server.url,
        "--email",
        "dev@example.com",
        "--password",
        PASSWORD,
    )
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    out = cli_run(
        monkeypatch,
        config,
        "upload",
        str(EXAMPLES / "counter"),
        "--version",
        "1.0.0",
        "--desc",
        "first",
        "--appid",
        appid,
    )
    assert f"uploaded {appid} 1.0.0" in out

    await console.goto(f"{server.url}/console/apps/{appid}")
    row = console.locator('#versions tr[data-version="1.0.0"]')
    await row.get_by_role("button", name="Make trial").click()
    await expect(console.locator("#trial-version")).to_have_text("1.0.0")
    await expect(console.locator(".qr svg")).to_be_visible()
    preview = cli_run(monkeypatch, config, "preview", "--appid", appid)
    assert f"/?open={appid}&channel=trial" in preview and "█" in preview
    await row.get_by_role("button", name="Submit for review").click()
    await expect(console.locator("#in-review")).to_have_text("1.0.0")

    # A reviewer sees it running in the live preview and approves it.
    reviewer = await browser.new_context()
    reviewer_page = await sign_up(reviewer, server, "reviewer@example.com")
    database = Database.of_settings(server.settings)
    async with database.session() as session:
        await set_operator_role(session, "reviewer@example.com", "reviewer")
    await database.dispose()
    await reviewer_page.goto(f"{server.url}/console/review")
    await reviewer_page.locator("#queue").get_by_role("link", name="Review").click()
    live = reviewer_page.frame_locator("#preview").frame_locator("iframe.hutong-page")
    await expect(live.locator("#count")).to_have_text("0")
    await live.locator("#increment").click()
    await expect(live.locator("#count")).to_have_text("1")
    await reviewer_page.get_by_role("button", name="Approve").click()
    await expect(reviewer_page.locator("#queue")).to_contain_text("Nothing waits for review")

    # Released to everyone.
    await console.goto(f"{server.url}/console/apps/{appid}")
    await row.get_by_role("button", name="Release").click()
    await expect(console.locator("#current-version")).to_have_text("1.0.0")

    # Version 1.1.0: uploaded, reviewed, released to 50%.
    v2 = tmp_path / "counter-v2"
    shutil.copytree(EXAMPLES / "counter", v2)
    wxml = v2 / "pages" / "index" / "index.wxml"
    wxml.write_text(wxml.read_text().replace(">Count<", ">Count v2<"))
    cli_run(
        monkeypatch, config, "upload", str(v2), "--version", "1.1.0", "--desc", "second", "--appid", appid
    )
    await console.goto(f"{server.url}/console/apps/{appid}")
    row2 = console.locator('#versions tr[data-version="1.1.0"]')
    await row2.get_by_role("button", name="Submit for review").click()
    await reviewer_page.goto(f"{server.url}/console/review")
    await reviewer_page.locator("#queue").get_by_role("link", name="Review").click()
    await reviewer_page.get_by_role("button", name="Approve").click()
    await console.goto(f"{server.url}/console/apps/{appid}")
    await row2.locator("input.pct").fill("50")
    await row2.get_by_role("button", name="Release").click()
    await expect(console.locator("#rollout")).to_have_text("1.1.0 to 50%")

    inside = await end_user(browser, server, device_in(appid, True))
    outside = await end_user(browser, server, device_in(appid, False))
    user_page = await open_app_page(inside, server, appid)
    view = user_page.frame_locator("iframe.hutong-page")
    await expect(view.locator(".label")).to_have_text("Count v2")
    await view.locator("#increment").click()
    await expect(view.locator("#count")).to_have_text("1")
    other_page = await open_app_page(outside, server, appid)
    await expect(other_page.frame_locator("iframe.hutong-page").locator(".label")).to_have_text("Count")

    # An end user who signs up from the host is bucketed by account, not by device.
    signed = await browser.new_context()
    home = await signed.new_page()
    await home.goto(f"{server.url}/")
    await home.get_by_role("button", name="Sign in").click()
    await home.get_by_role("button", name="Create an account").click()
    await home.get_by_label("Email").fill("enduser@example.com")
    await home.get_by_label("Password").fill(PASSWORD)
    await home.get_by_role("button", name="Sign up").click()
    await expect(home.locator("#account")).to_have_text("enduser@example.com")
    user_id = (await (await signed.request.get(f"{server.url}/api/accounts/me")).json())["id"]
    expected = "Count v2" if bucket(appid, f"user:{user_id}") < 50 else "Count"
    await home.goto(f"{server.url}/?open={appid}")
    await expect(home.frame_locator("iframe.hutong-page").locator(".label")).to_have_text(expected)
    await signed.close()

    # Roll back: the user gets 1.0.0 on their next launch; the history shows every step.
    await row.get_by_role("button", name="Roll back to this").click()
    await expect(console.locator("#current-version")).to_have_text("1.0.0")
    await expect(console.locator("#rollout")).to_have_count(0)
    history = (await console.locator("#history").text_content()) or ""
    for action in ("version.upload", "review.submit", "review.approve", "release.start", "release.rollback"):
        assert action in history
    await user_page.goto(f"{server.url}/?open={appid}")
    await expect(view.locator(".label")).to_have_text("Count")

    # A manifest altered in transit is refused before anything runs.
    async def tamper(route: Route) -> None:
        response = await route.fetch()
        body = (await response.body()).replace(b'"version":"1.0.0"', b'"version":"9.9.9"')
        await route.fulfill(response=response, body=body)

    # In a context without the shell's service worker: routing sees only what the page fetches itself.
    unserviced = await browser.new_context(service_workers="block")
    tampered_manifest = await unserviced.new_page()
    await tampered_manifest.route(f"**/api/apps/{appid}/launch?*", tamper)

    # The page carries its launch (delivery/shell_page.py): without it, the host fetches the manifest.
    async def without_inline_launch(route: Route) -> None:
        response = await route.fetch()
        page_html = (await response.body()).replace(b'id="hutong-launch"', b'id="not-the-launch"')
        await route.fulfill(response=response, body=page_html)

    await tampered_manifest.route(f"**/?open={appid}", without_inline_launch)
    await tampered_manifest.goto(f"{server.url}/?open={appid}")
    await expect(tampered_manifest.get_by_role("alert")).to_contain_text("bad signature")

    # The launch the page carries, altered in transit, is refused the same way.
    async def tamper_inline(route: Route) -> None:
        response = await route.fetch()
        page_html = await response.body()
        assert b'id="hutong-launch"' in page_html
        page_html = page_html.replace(b'\\"version\\":\\"1.0.0\\"', b'\\"version\\":\\"9.9.9\\"')
        assert b'\\"version\\":\\"9.9.9\\"' in page_html
        await route.fulfill(response=response, body=page_html)

    tampered_page = await unserviced.new_page()
    await tampered_page.route(f"**/?open={appid}", tamper_inline)
    await tampered_page.goto(f"{server.url}/?open={appid}")
    await expect(tampered_page.get_by_role("alert")).to_contain_text("bad signature")

    # A bundle corrupted on disk is refused, visibly, and no page code runs.
    manifest = await (await inside.request.get(f"{server.url}/api/apps/{appid}/launch")).json()
    logic = manifest["bundles"]["logic.js"]["sha256"]
    (server.settings.blob_dir / logic[:2] / logic).write_text("globalThis.pwned = true;")
    fresh = await browser.new_context()
    broken = await open_app_page(fresh, server, appid)
    await expect(broken.get_by_role("alert")).to_contain_text("logic.js was tampered with")
    await asyncio.sleep(0.2)
    assert await broken.locator("iframe.hutong-page").count() == 0
    assert broken.workers == []
    for context in (developer, reviewer, inside, outside, fresh, unserviced):
        await context.close()
