"""The subscription message journey in Chromium, on PostgreSQL (a browser journey: the
subscription APIs run on both databases): examples/clinic asks to
notify the user about the consultation (one-time) and the report (long-term, "always keep"); the
booking goes to the clinic's own back end (examples/clinic-backend, a process of its own, as `hutong
demo` starts it), which sends the reminder, which lands in the inbox and, pushed through the outbox,
on a push service on loopback; tapping it opens the booked page; a second reminder fails with 43101."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, Response, Route, expect

from hutong.examples import find_examples, load_examples, prepare_backend, run_backend
from hutong.server.db import Database
from hutong.server.embedded import free_port
from hutong.server.storage import BlobStore
from hutong.settings import Settings
from tests.conftest import DATABASES, EXAMPLES, LiveServer, migrate, on_databases, scratch_database, serve
from tests.subscribe.pushservice import push_service

pytestmark = [pytest.mark.browser, on_databases("postgres", fixture="clinic")]
EMAIL = "patient@example.com"
CLINIC = "hutong-clinic"


@dataclass
class Clinic:
    server: LiveServer
    backend: str  # the clinic's back end, as the mini program calls it


@pytest.fixture(scope="module", params=DATABASES)
async def clinic(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Clinic]:
    """The platform with examples/clinic released, and the clinic's back end beside it. The clinic is
    deployed from a copy whose config.js names the back end's port (as a clinic sets its server's
    address before building); its request domains list that origin."""
    directory = tmp_path_factory.mktemp(f"notify-{request.param}")
    examples = directory / "examples"
    for name in ("clinic", "clinic-backend"):
        shutil.copytree(EXAMPLES / name, examples / name)
    port = free_port()
    config = examples / "clinic" / "config.js"
    config.write_text(config.read_text().replace("127.0.0.1:8701", f"127.0.0.1:{port}"))
    (example,) = find_examples(examples)
    with scratch_database(request.param, directory) as url:
        await migrate(url)
        settings = Settings(
            data_dir=directory, database_url=url, egress_allow_networks="127.0.0.0/8", outbox_poll_seconds=0.2
        )
        database = Database.of_settings(settings)
        await load_examples(database, BlobStore(settings.blob_dir), examples)
        secret = await prepare_backend(database, CLINIC, f"http://127.0.0.1:{port}")
        await database.dispose()
        async with serve(settings) as live:
            with run_backend(example, live.url, secret, port, ("--remind-after", "0.5")) as backend:
                yield Clinic(live, backend.url)


async def bookings(clinic: Clinic) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(base_url=clinic.backend) as client:
        listed: list[dict[str, Any]] = (await client.get("/bookings")).json()
    return listed


async def desk(clinic: Clinic, booking: str, action: str) -> dict[str, Any]:
    """The clinic staff's button: send the reminder again now, or the report."""
    async with httpx.AsyncClient(base_url=clinic.backend, timeout=30) as client:
        answer: dict[str, Any] = (await client.post(f"/bookings/{booking}/{action}", json={})).json()
    return answer


async def test_clinic_reminds_the_patient(clinic: Clinic, browser: Browser) -> None:
    clinic_server = clinic.server
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

        # The booking reached the clinic's back end, which sent the reminder by itself.
        (booking,) = await bookings(clinic)
        assert booking["doctor"] == "王医生 Dr Wang" and booking["symptoms"] == "头痛两天 headache"
        for _ in range(100):
            if booking["sent"]:
                break
            await asyncio.sleep(0.1)
            (booking,) = await bookings(clinic)
        assert [(sent["template"], sent["errcode"]) for sent in booking["sent"]] == [
            ("consultation-reminder", 0)
        ]
        assert isinstance(booking["sent"][0]["msgid"], int)
        # One acceptance, one message: the staff's second reminder is refused.
        assert await desk(clinic, booking["id"], "remind") == {
            "errcode": 43101,
            "errmsg": "user refuse to accept the msg",
        }
        # The report is long-term: sent when ready.
        assert (await desk(clinic, booking["id"], "report"))["errcode"] == 0

        # Pushed through the outbox to the phone's push service, encrypted and signed.
        for _ in range(100):
            if len(pushes.received) >= 2:
                break
            await asyncio.sleep(0.1)
        assert pushes.refused == []
        titles = sorted(r.payload["title"] for r in pushes.received)
        assert titles == ["云诊所 Cloud Clinic · 检查报告通知", "云诊所 Cloud Clinic · 问诊提醒"]
        pushed = next(r.payload for r in pushes.received if r.payload["title"].endswith("问诊提醒"))
        assert pushed["url"] == (
            f"/?open={CLINIC}&path=pages%2Fbooked%2Fbooked&scene=1014&query=id%3D{booking['id']}"
        )

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
