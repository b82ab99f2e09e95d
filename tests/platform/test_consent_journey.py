"""A signed-in user's consent decisions live on the platform: they survive a reload and follow the user to
another browser, on PostgreSQL (a browser journey: tests/platform/test_consent.py keeps the decisions on both
databases); a guest elsewhere sees none of them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, expect
from sqlalchemy import select

from hutong.examples import load_examples
from hutong.server.accounts.models import User
from hutong.server.consent import service
from hutong.server.db import Database
from hutong.server.storage import BlobStore
from tests.conftest import TEST_APPS, LiveServer, on_databases
from tests.test_runtime_consent import opened, out, tap

pytestmark = [pytest.mark.browser, on_databases("postgres", fixture="server")]
EMAIL = "consent-journey@example.com"


async def signed_in_context(browser: Browser, server: LiveServer, signup: bool) -> BrowserContext:
    context = await browser.new_context()
    path = "signup" if signup else "signin"
    response = await context.request.post(
        f"{server.url}/api/accounts/{path}", data={"email": EMAIL, "password": "long enough"}
    )
    assert response.ok, await response.text()
    return context


async def test_decisions_persist_on_the_platform(
    server: LiveServer, browser: Browser, tmp_path: Path
) -> None:
    apps = tmp_path / "apps"
    shutil.copytree(TEST_APPS / "consent", apps / "consent")
    database = Database.of_settings(server.settings)
    await load_examples(database, BlobStore(server.settings.blob_dir), apps)

    first = await signed_in_context(browser, server, signup=True)
    page = await first.new_page()
    view = await opened(page, server)
    n = await tap(view, "camera")
    await page.locator(".hutong-consent .hutong-consent-allow").click()
    assert await out(view, n) == {"errMsg": "authorize:ok"}
    n = await tap(view, "record")
    await page.locator(".hutong-consent .hutong-consent-deny").click()
    assert await out(view, n) == {"errMsg": "authorize:fail auth deny"}

    # Reloaded: remembered, nothing asked.
    view = await opened(page, server)
    n = await tap(view, "camera")
    assert await out(view, n) == {"errMsg": "authorize:ok"}
    await expect(page.locator(".hutong-consent")).to_have_count(0)
    # Nothing of it is in the browser's own storage: it is the platform's.
    assert await page.evaluate("localStorage.getItem('hutong:consent')") is None
    await first.close()

    # Another browser, the same user: the same decisions.
    second = await signed_in_context(browser, server, signup=False)
    page = await second.new_page()
    view = await opened(page, server)
    n = await tap(view, "setting")
    setting = await out(view, n)
    assert setting["authSetting"] == {"scope.camera": True, "scope.record": False}
    await second.close()

    # A guest elsewhere: nothing decided.
    guest = await browser.new_context()
    page = await guest.new_page()
    view = await opened(page, server)
    n = await tap(view, "setting")
    assert (await out(view, n))["authSetting"] == {}
    await guest.close()

    async with database.session() as session:
        user = await session.scalar(select(User).where(User.email == EMAIL))
        assert user is not None
        assert await service.scopes_for(session, user.id, "test-consent") == {
            "scope.camera": True,
            "scope.record": False,
        }
    await database.dispose()
