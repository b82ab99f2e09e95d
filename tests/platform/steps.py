"""Steps the platform journeys share: a live server per database, console sign-up, the CLI, end users."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from typer.testing import CliRunner

from hutong.cli.main import app as cli
from hutong.compiler.signing import generate_key, private_key_pem
from hutong.server.delivery.launch import bucket
from tests.conftest import LiveServer

PASSWORD = "journey password"


def cli_run(monkeypatch: pytest.MonkeyPatch, config: Path, *args: str) -> str:
    monkeypatch.setenv("HUTONG_CLI_CONFIG", str(config))
    # `hutong upload` signs with the developer's key: one beside the CLI's config, made once.
    key = config.parent / "developer.pem"
    if not key.exists():
        key.write_bytes(private_key_pem(generate_key()))
    monkeypatch.setenv("HUTONG_DEVELOPER_KEY", str(key))
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


async def sign_up(context: BrowserContext, server: LiveServer, email: str) -> Page:
    page = await context.new_page()
    await page.goto(f"{server.url}/console/signup")
    await page.get_by_label("Name").fill(email.split("@")[0])
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.get_by_role("heading", name="Your organizations")).to_be_visible()
    return page


def device_in(appid: str, inside: bool) -> str:
    """A device id whose bucket for ``appid`` is inside (or outside) a 50% phase."""
    for n in range(1000):
        device = f"device-{n}"
        if (bucket(appid, f"device:{device}") < 50) == inside:
            return device
    raise AssertionError("no device found")


async def end_user(browser: Browser, server: LiveServer, device: str) -> BrowserContext:
    context = await browser.new_context()
    await context.add_cookies([{"name": "hutong_device", "value": device, "url": server.url}])
    return context


async def open_app_page(context: BrowserContext, server: LiveServer, appid: str) -> Page:
    page = await context.new_page()
    await page.goto(f"{server.url}/?open={appid}")
    return page
