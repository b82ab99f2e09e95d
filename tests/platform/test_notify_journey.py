"""The subscription message journey in Chromium, on SQLite and PostgreSQL: examples/clinic asks to
notify the user about the consultation (one-time) and the report (long-term, "always keep"); the
clinic's back end sends the reminder, which lands in the inbox and, pushed through the outbox, on a
push service on loopback; tapping it opens the booked page; a second reminder fails with 43101."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Response, Route, expect
from sqlalchemy import select

from hutong.examples import load_examples
from hutong.server.accounts.models import User
from hutong.server.apps.models import App
from hutong.server.db import Database
from hutong.server.identity import service as identity
from hutong.server.identity import tokens
from hutong.server.storage import BlobStore
from hutong.settings import Settings
from tests.conftest import EXAMPLES, LiveServer, migrate, scratch_database, serve
from tests.subscribe.pushservice import push_service

pytestmark = pytest.mark.browser
EMAIL = "patient@example.com"
CLINIC = "hutong-clinic"


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
async def clinic_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    directory = tmp_path_factory.mktemp(f"notify-{request.param}")
    with scratch_database(request.param, directory) as url:
        await migrate(url)
        settings = Settings(
            data_dir=directory, database_url=url, egress_allow_networks="127.0.0.0/8", outbox_poll_seconds=0.2
        )
        database = Database(url)
        await load_examples(database, BlobStore(settings.blob_dir), EXAMPLES)
        await database.dispose()
        async with serve(settings) as live:
            yield live


async def back_end(server: LiveServer) -> tuple[str, str]:
    """The clinic's server: an access token, and the patient's openid (as its wx.login exchange gives)."""
    database = Database(server.settings.effective_database_url)
    try:
        async with database.session() as session:
            app = await session.scalar(select(App).where(App.appid == CLINIC))
            user = await session.scalar(select(User).where(User.email == EMAIL))
            assert app is not None and user is not None
            issued = await tokens.issue_token(session, app)
            openid = await identity.openid_for(session, app, user.id)
            await session.commit()
            return issued.token, openid
    finally:
        await database.dispose()


async def send(server: LiveServer, token: str, body: dict[str, Any]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.post(
            "/cgi-bin/message/subscribe/send", params={"access_token": token}, json=body
        )
    answer: dict[str, Any] = response.json()
    return answer


async def test_clinic_reminds_the_patient(
    clinic_server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    context = await browser.new_context()
    signup = await context.request.post(
        f"{clinic_server.url}/api/accounts/signup", data={"email": EMAIL, "password": "long enough"}
    )
    assert signup.ok
    csrf = {"X-CSRF-Token": (await signup.json())["csrf_token"]}
    with push_service() as pushes:
        phone = pushes.browser("ok", "phone")
        added = await context.request.put(
            f"{clinic_server.url}/api/me/push", data=phone.subscription(), headers=csrf
        )
        assert added.status == 204

        page = await context.new_page()
        await page.goto(f"{clinic_server.url}/?open={CLINIC}")
        view = page.frame_locator("iframe.hutong-page").last
        await view.locator("#doctor-d1").click()
        view = page.frame_locator("iframe.hutong-page").last
        await view.locator("#symptoms textarea").fill("头痛两天 headache")
        await view.locator("#book").click()
        dialog = page.locator(".hutong-subscribe")
        await expect(dialog.locator(".hutong-subscribe-title")).to_have_text(["问诊提醒"])
        await dialog.locator(".hutong-consent-allow").click()
        view = page.frame_locator("iframe.hutong-page").last
        await expect(view.locator("#booked-title")).to_be_visible()

        # The report: long-term, kept; asked once only, even when the second tap comes while the
        # first choice is still on its way to the platform (its answer is held back here).
        async def slow_decide(route: Route) -> None:
            await asyncio.sleep(1)
            await route.continue_()

        decided: list[int] = []
        both_decided = asyncio.Event()

        def on_response(response: Response) -> None:
            if response.url.endswith("/decide"):
                decided.append(response.status)
                if len(decided) == 2:  # the first report tap's choice, then the second tap's
                    both_decided.set()

        page.on("response", on_response)
        await page.route("**/api/me/subscribe/*/decide", slow_decide)
        await view.locator("#report").click()
        await expect(dialog.locator(".hutong-subscribe-title")).to_have_text(["检查报告通知"])
        await dialog.locator(".hutong-subscribe-keep-box").check()
        await dialog.locator(".hutong-consent-allow").click()
        await expect(dialog).to_have_count(0)
        await view.locator("#report").click()
        await expect(dialog).to_have_count(0)
        async with asyncio.timeout(10):
            await both_decided.wait()
        assert decided == [200, 200]
        await expect(dialog).to_have_count(0)
        await page.unroute("**/api/me/subscribe/*/decide")

        token, openid = await back_end(clinic_server)
        reminder = {
            "touser": openid,
            "template_id": "consultation-reminder",
            "page": "pages/booked/booked",
            "data": {
                "name1": {"value": "王医生"},
                "time2": {"value": "2026年12月6日 19:00"},
                "thing4": {"value": "请提前15分钟进入诊室"},
            },
        }
        assert (await send(clinic_server, token, reminder))["errcode"] == 0
        assert await send(clinic_server, token, reminder) == {
            "errcode": 43101,
            "errmsg": "user refuse to accept the msg",
        }
        report = {
            "touser": openid,
            "template_id": "consultation-report",
            "data": {
                "thing1": {"value": "血常规"},
                "time2": {"value": "2026-12-06 16:20"},
                "phrase4": {"value": "已出报告"},
            },
        }
        assert (await send(clinic_server, token, report))["errcode"] == 0

        # Pushed through the outbox to the phone's push service, encrypted and signed.
        for _ in range(100):
            if len(pushes.received) >= 2:
                break
            await asyncio.sleep(0.1)
        assert pushes.refused == []
        titles = sorted(r.payload["title"] for r in pushes.received)
        assert titles == ["云诊所 Cloud Clinic · 检查报告通知", "云诊所 Cloud Clinic · 问诊提醒"]
        pushed = next(r.payload for r in pushes.received if r.payload["title"].endswith("问诊提醒"))
        assert pushed["url"] == f"/?open={CLINIC}&path=pages%2Fbooked%2Fbooked&scene=1014"

    # The inbox: two unread from the clinic; the reminder opens the booked page.
    await page.goto(f"{clinic_server.url}/")
    await expect(page.locator("#messages-badge")).to_have_text("2")
    await page.locator("#messages").click()
    await page.locator("#service-notifications").click()
    await page.locator(f'#notification-groups [data-appid="{CLINIC}"]').click()
    cards = page.locator("#notifications-of-app .notification-card")
    await expect(cards).to_have_count(2)
    await cards.filter(has_text="问诊提醒").click()
    view = page.frame_locator("iframe.hutong-page").last
    await expect(view.locator("#booked-title")).to_be_visible()
    await context.close()
