"""The consoles' other controls in Chromium: members, domains, a new AppSecret, a rejection with its
reason, an operator taking an app down (it refuses to launch)."""

from __future__ import annotations

import shutil

import pytest
from playwright.async_api import Browser, expect
from typer.testing import CliRunner

from hutong.cli.main import app as cli
from hutong.server.accounts.service import set_operator_role
from hutong.server.db import Database
from tests.conftest import EXAMPLES, LiveServer
from tests.platform.steps import PASSWORD, cli_run, sign_up

pytestmark = pytest.mark.browser


async def test_console_controls_and_takedown(
    live_server: LiveServer, browser: Browser, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner_context = await browser.new_context()
    page = await sign_up(owner_context, live_server, "owner-console@example.com")
    tester_context = await browser.new_context()
    await sign_up(tester_context, live_server, "tester-console@example.com")
    admin_context = await browser.new_context()
    admin = await sign_up(admin_context, live_server, "admin-console@example.com")
    database = Database.of_settings(live_server.settings)
    async with database.session() as session:
        await set_operator_role(session, "admin-console@example.com", "admin")

    await page.get_by_label("Name").fill("Tea Shop")
    await page.get_by_role("button", name="Create organization").click()
    await page.get_by_label("Email").fill("tester-console@example.com")
    await page.get_by_label("Role").select_option("tester")
    await page.get_by_role("button", name="Save member").click()
    await expect(page.get_by_role("status")).to_have_text("tester-console@example.com is now tester")
    await expect(page.get_by_role("row", name="tester-console@example.com")).to_contain_text("tester")
    await page.get_by_label("Email").fill("nobody@example.com")
    await page.get_by_role("button", name="Save member").click()
    await expect(page.get_by_role("alert")).to_contain_text("no account has that email")

    await page.get_by_label("Name", exact=True).fill("Tea")
    await page.get_by_role("button", name="Register").click()
    appid = (await page.locator("#appid").text_content()) or ""
    first_secret = await page.locator("#secret").text_content()
    await page.get_by_role("link", name="Continue to the app").click()

    domains = page.locator("#domains")
    await domains.get_by_label("request").fill("https://api.tea.example.com\nhttp://insecure.example.com")
    await domains.get_by_role("button", name="Save domains").click()
    await expect(page.get_by_role("alert")).to_contain_text("request domains start with https://")
    await domains.get_by_label("request").fill("https://api.tea.example.com")
    await domains.get_by_label("socket").fill("wss://push.tea.example.com")
    await domains.get_by_role("button", name="Save domains").click()
    await expect(page.get_by_role("status")).to_have_text("domains saved")
    await expect(domains.get_by_label("socket")).to_have_value("wss://push.tea.example.com")

    await page.get_by_role("button", name="Reset AppSecret").click()
    new_secret = await page.locator("#secret").text_content()
    assert new_secret and new_secret != first_secret

    # Upload, submit, and the admin (an operator) rejects with a reason the developer then reads.
    config = tmp_path / "cli.json"  # type: ignore[operator]
    cli_run(
        monkeypatch,
        config,
        "login",
        "--server",
        live_server.url,
        "--email",
        "owner-console@example.com",
        "--password",
        PASSWORD,
    )
    cli_run(monkeypatch, config, "upload", str(EXAMPLES / "counter"), "--version", "0.1.0", "--appid", appid)
    # A project that does not compile is refused with the file and line, and nothing is sent.
    broken = tmp_path / "broken"  # type: ignore[operator]
    shutil.copytree(EXAMPLES / "counter", broken)
    (broken / "pages" / "index" / "index.wxml").write_text("<view>\n  <text>{{ unclosed </text>\n</view>\n")
    monkeypatch.setenv("HUTONG_CLI_CONFIG", str(config))
    refused = CliRunner().invoke(cli, ["upload", str(broken), "--version", "0.2.0", "--appid", appid])
    assert refused.exit_code == 1
    assert "pages/index/index.wxml:2" in refused.output
    await page.goto(f"{live_server.url}/console/apps/{appid}")
    await page.get_by_role("button", name="Submit for review").click()
    await admin.goto(f"{live_server.url}/console/review")
    await admin.get_by_role("row", name=appid).get_by_role("link", name="Review").click()
    review_url = admin.url
    await admin.get_by_role("button", name="Reject").click()  # the reason is required by the form
    await expect(admin.get_by_role("heading", level=1)).to_contain_text("pending")
    await admin.get_by_label("Reason", exact=True).first.fill("the counter does not count to eleven")
    await admin.get_by_role("button", name="Reject").click()
    await page.goto(f"{live_server.url}/console/apps/{appid}")
    await expect(page.locator(".reason")).to_have_text("the counter does not count to eleven")

    # A tester cannot release or see the secret controls.
    tester = await tester_context.new_page()
    await tester.goto(f"{live_server.url}/console/apps/{appid}")
    await expect(tester.get_by_role("heading", name="Versions")).to_be_visible()
    assert await tester.get_by_role("button", name="Reset AppSecret").count() == 0
    assert await tester.get_by_role("button", name="Submit for review").count() == 0

    # The operator takes the app down: it refuses to launch, and its developers see why.
    await admin.goto(review_url)
    await expect(admin.get_by_role("heading", level=1)).to_contain_text("rejected")
    await admin.get_by_label("Reason", exact=True).last.fill("counterfeit tea")
    await admin.get_by_role("button", name="Take down").click()
    await expect(admin.get_by_role("status")).to_contain_text(f"{appid} taken down")
    await page.goto(f"{live_server.url}/console/apps/{appid}")
    await expect(page.get_by_role("alert")).to_contain_text("counterfeit tea")
    user = await browser.new_page()
    await user.goto(f"{live_server.url}/?open={appid}")
    await expect(user.get_by_role("alert")).to_contain_text("was taken down")
    # From the admins' list of every app, it comes back.
    await admin.goto(f"{live_server.url}/console/admin")
    await admin.get_by_role("row", name=appid).get_by_role("button", name="Restore").click()
    await expect(admin.get_by_role("status")).to_have_text(f"{appid} restored")
    await expect(admin.get_by_role("row", name=appid)).to_contain_text("active")
    await user.close()
    # The CLI's token can be revoked from the console; the CLI is then refused.
    await page.goto(f"{live_server.url}/console/tokens")
    await page.get_by_role("row", name="hutong CLI").get_by_role("button", name="Revoke").click()
    await expect(page.get_by_role("status")).to_have_text("token revoked")
    revoked = CliRunner().invoke(cli, ["preview", "--appid", appid])
    assert revoked.exit_code == 1 and "invalid_token" in revoked.output
    await database.dispose()
    for context in (owner_context, tester_context, admin_context):
        await context.close()
