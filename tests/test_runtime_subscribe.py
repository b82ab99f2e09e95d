"""wx.requestSubscribeMessage and the subscriptions in wx.getSetting, through the test-subscribe mini
program in real Chromium with a signed-in user: only inside a tap, WeChat's errCodes, the host-drawn
dialog (outside every frame), per-template answers, "always keep this choice", and what is granted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from hutong.server.accounts.models import User
from hutong.server.db import Database
from hutong.server.subscribe.models import Grant, Template
from tests.conftest import LiveServer
from tests.test_runtime_consent import out, tap

pytestmark = pytest.mark.browser
EMAIL = "subscriber@example.com"
GESTURE = "requestSubscribeMessage:fail can only be invoked by user TAP gesture."


async def _grants(server: LiveServer) -> dict[str, tuple[int, bool, str]]:
    database = Database(server.settings.effective_database_url)
    try:
        async with database.session() as session:
            rows = await session.execute(
                select(Template.pri_tmpl_id, Grant.credits, Grant.long_term, Grant.kept)
                .join(Template, Template.id == Grant.template_id)
                .join(User, User.id == Grant.user_id)
                .where(User.email == EMAIL)
            )
            return {row[0]: (row[1], row[2], row[3]) for row in rows.all()}
    finally:
        await database.dispose()


async def _dialog_is_the_hosts(page: Page) -> None:
    where = await page.evaluate(
        """() => {
          const dialog = document.querySelector('.hutong-subscribe');
          return { inHost: dialog.ownerDocument === document, inFrame: Boolean(dialog.closest('iframe')) };
        }"""
    )
    assert where == {"inHost": True, "inFrame": False}
    for frame in page.frames:
        if frame != page.main_frame:
            assert await frame.evaluate("() => document.querySelector('.hutong-subscribe') === null")


async def test_asking_in_a_tap(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context()
    signup = await context.request.post(
        f"{live_server.url}/api/accounts/signup", data={"email": EMAIL, "password": "long enough"}
    )
    assert signup.ok, await signup.text()
    page = await context.new_page()
    await page.goto(f"{live_server.url}/?open=test-subscribe")
    view = page.frame_locator("iframe.hutong-page").last

    # Outside a tap (onLoad, a timer after a tap): refused without a dialog.
    await expect(view.locator("#load")).not_to_have_text("")
    assert json.loads(await view.locator("#load").text_content() or "") == {"errMsg": GESTURE}
    n = await tap(view, "later")
    assert await out(view, n) == {"errMsg": GESTURE}
    await expect(page.locator(".hutong-subscribe")).to_have_count(0)

    async def refused(name: str) -> Any:
        return await out(view, await tap(view, name))

    assert await refused("empty") == {
        "errMsg": "requestSubscribeMessage:fail TmplIds can't be empty",
        "errCode": 10001,
    }
    assert (await refused("many"))["errCode"] == 20003
    assert (await refused("mixed")) == {
        "errMsg": "requestSubscribeMessage:fail Templates type must be same",
        "errCode": 20002,
    }
    assert (await refused("unknown"))["errCode"] == 20001
    await expect(page.locator(".hutong-subscribe")).to_have_count(0)

    # The dialog: both titles ticked; the user unticks one and keeps the choice.
    n = await tap(view, "two")
    dialog = page.locator(".hutong-subscribe")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("subscribe")  # the app's name
    await expect(dialog.locator(".hutong-subscribe-title")).to_have_text(["问诊提醒", "支付成功通知"])
    await _dialog_is_the_hosts(page)
    await dialog.locator('input[data-tmpl-id="test-sub-paid"]').uncheck()
    await dialog.locator(".hutong-subscribe-keep-box").check()
    await dialog.locator(".hutong-consent-allow").click()
    answer = {"errMsg": "requestSubscribeMessage:ok", "test-sub-once": "accept", "test-sub-paid": "reject"}
    assert await out(view, n) == answer
    # Kept: asked no more, and each request still grants one more send of the accepted template.
    n = await tap(view, "two")
    assert await out(view, n) == answer
    await expect(page.locator(".hutong-subscribe")).to_have_count(0)

    # Long-term, not kept: granted until switched off; Cancel would have rejected it.
    n = await tap(view, "long")
    await page.locator(".hutong-subscribe .hutong-consent-allow").click()
    assert await out(view, n) == {"errMsg": "requestSubscribeMessage:ok", "test-sub-long": "accept"}

    n = await tap(view, "setting")
    setting = await out(view, n)
    assert setting["subscriptionsSetting"] == {
        "mainSwitch": True,
        "itemSettings": {"test-sub-once": "accept", "test-sub-paid": "reject"},
    }
    assert await _grants(live_server) == {
        "test-sub-once": (2, False, "accept"),
        "test-sub-paid": (0, False, "reject"),
        "test-sub-long": (0, True, ""),
    }

    # Me → Authorizations: the main switch turned off there is what the app sees next.
    await page.goto(f"{live_server.url}/")
    await page.locator("#account").click()
    await page.locator("#open-authorizations").click()
    main = page.locator('.authorized-app[data-appid="test-subscribe"] input[data-subscription="main"]')
    await expect(main).to_be_checked()
    await main.uncheck()
    await expect(main).to_be_enabled()
    await page.goto(f"{live_server.url}/?open=test-subscribe")
    view = page.frame_locator("iframe.hutong-page").last
    n = await tap(view, "setting")
    assert (await out(view, n))["subscriptionsSetting"]["mainSwitch"] is False
    assert (await refused("two")) == {
        "errMsg": "requestSubscribeMessage:fail The main switch is switched off",
        "errCode": 20004,
    }
    await context.close()
