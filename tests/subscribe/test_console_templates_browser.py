"""The console's message template page in Chromium: a developer picks a library title, ticks its
keywords, adds the template and sees it listed with its content, then deletes it."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from hutong.server.accounts import service as accounts
from hutong.server.apps import service as apps
from hutong.server.db import Database
from tests.conftest import LiveServer
from tests.platform.steps import PASSWORD, sign_up

pytestmark = pytest.mark.browser


async def test_a_developer_adds_and_deletes_a_template(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context()
    page = await sign_up(context, live_server, "templates-console@example.com")
    database = Database.of_settings(live_server.settings)
    async with database.session() as session:
        owner = await accounts.authenticate(session, "templates-console@example.com", PASSWORD)
        org = await accounts.create_organization(session, owner, "Clinic")
        app, _ = await apps.register_app(session, owner, org.id, name="Clinic", category="医疗 Health")
    await database.dispose()
    try:
        await page.goto(f"{live_server.url}/console/apps/{app.appid}")
        await page.get_by_role("link", name="Message templates").click()
        await page.get_by_label("Title has").fill("预约")
        await page.get_by_role("button", name="Show").click()
        await page.get_by_role("row", name="预约成功通知").get_by_role("link", name="Choose keywords").click()
        chooser = page.locator("#choose")
        await chooser.get_by_label("就诊人").check()
        await chooser.get_by_label("就诊时间").check()
        await chooser.get_by_label("Scene description").fill("预约问诊")
        await chooser.get_by_role("button", name="Add template").click()
        await expect(page.get_by_role("status")).to_contain_text("template 预约成功通知 added")
        row = page.locator("#templates tbody tr")
        await expect(row).to_have_count(1)
        await expect(row).to_contain_text("就诊人:{{name1.DATA}}")
        await row.get_by_role("button", name="Delete").click()
        await expect(page.get_by_role("status")).to_have_text("template deleted")
        await expect(page.locator("#templates tbody tr")).to_have_count(0)
    finally:
        await context.close()
