"""The platform's signing keys rotate (server/delivery/signing.py PlatformKeys): a key set with ids
is published, the newest signs, every listed key is accepted until retired, and hosts refresh the set
when they meet a key id they have not seen."""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from playwright.async_api import Browser, expect
from typer.testing import CliRunner

from hutong.cli.main import app as cli
from hutong.compiler import build_project
from hutong.launchdata import InvalidLaunchData, verify_ed25519
from hutong.server.apps import service as apps
from hutong.server.db import Database
from hutong.server.delivery.signing import PlatformKeys
from hutong.server.storage import BlobStore
from hutong.settings import Settings, get_settings
from tests.conftest import TEST_APPS, migrate, serve
from tests.identity.world import World, world

APP = TEST_APPS / "test-launch"


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def keys_of(settings: Settings) -> PlatformKeys:
    """The key set as another process (``hutong keys`` on the same data dir) sees it."""
    return PlatformKeys(settings.platform_keys_dir, settings.signing_key_path)


def test_the_newest_key_signs_and_every_listed_key_verifies(tmp_path: Path) -> None:
    server = PlatformKeys(tmp_path / "platform-keys", tmp_path / "platform-signing-key.pem")
    [first] = server.keys
    before = server.sign(b"payload")
    operator = PlatformKeys(tmp_path / "platform-keys", tmp_path / "platform-signing-key.pem")
    second = operator.rotate()
    # The serving process sees the new key without a restart.
    assert [key.kid for key in server.keys] == [first.kid, second.kid] and server.kid == second.kid
    assert server.verify(b"payload", before) and server.verify(b"payload", before, kid=first.kid)
    assert not server.verify(b"payload", before, kid=second.kid)
    assert second.verify(b"payload", server.sign(b"payload"))
    with pytest.raises(ValueError, match="rotate first"):
        operator.retire(second.kid)
    with pytest.raises(ValueError, match="no listed platform key"):
        operator.retire("0123456789abcdef")
    operator.retire(first.kid)
    assert [key.kid for key in server.keys] == [second.kid]
    assert not server.verify(b"payload", before)  # the retired key's signatures are refused
    assert (tmp_path / "platform-keys" / "retired").is_dir()
    third = operator.rotate()
    assert [key.kid for key in server.keys] == [second.kid, third.kid]


async def publish(w: World, settings: Settings) -> str:
    database = w.app.state.database
    async with database.session() as session:
        await apps.publish(
            session,
            BlobStore(settings.blob_dir),
            appid=w.a1.appid,
            name="Launch",
            description="",
            version="1.0.0",
            build=build_project(APP),
        )
    return w.a1.appid


async def launch(client: httpx.AsyncClient, appid: str) -> tuple[bytes, dict[str, str], dict[str, Any]]:
    response = await client.get(f"/api/apps/{appid}/launch")
    assert response.status_code == 200, response.text
    header = dict(re.findall(r'(\w+)="([^"]*)"', response.headers["hutong-signature"]))
    return response.content, header, response.json()


async def launch_data(w: World) -> str:
    response = await w.client.post(
        "/api/identity/launch-data",
        json={"appid": w.a1.appid, "scene": 1001, "start_param": ""},
        headers={"X-CSRF-Token": w.csrf},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["launch_data"])


def manifest_verifies(jwks: dict[str, Any], body: bytes, header: dict[str, str]) -> bool:
    jwk = next((k for k in jwks["keys"] if k["kid"] == header["keyid"]), None)
    if jwk is None:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(_b64(jwk["x"])).verify(_b64(header["sig"]), body)
    except InvalidSignature:
        return False
    return True


def launch_data_verifies(jwks: dict[str, Any], data: str) -> bool:
    try:
        verify_ed25519(data, jwks)  # the key named by key_id in the published set
    except InvalidLaunchData:
        return False
    return True


async def test_what_was_signed_before_a_rotation_verifies_after_it_until_retired(
    tmp_path: Path, database_url: str
) -> None:
    async with world(tmp_path, database_url) as w:
        settings: Settings = w.app.state.settings
        appid = await publish(w, settings)
        body, header, manifest = await launch(w.client, appid)
        old_data = await launch_data(w)
        params = {"grant_type": "client_credential", "appid": w.a1.appid, "secret": w.a1.secret}
        stable = (await w.client.post("/cgi-bin/stable_token", json=params)).json()["access_token"]
        events = {"events": [{"name": "opened", "data": {}}]}
        old_events = {"Hutong-Events-Token": manifest["events_token"]}

        new = keys_of(settings).rotate()  # as `hutong keys rotate` does, from another process
        jwks = (await w.client.get("/.well-known/hutong/platform-keys.json")).json()
        assert [k["kid"] for k in jwks["keys"]] == [header["keyid"], new.kid]
        assert manifest_verifies(jwks, body, header)
        assert launch_data_verifies(jwks, old_data)
        sent = await w.client.post(f"/api/apps/{appid}/events", json=events, headers=old_events)
        assert sent.status_code == 202, sent.text
        # The newest key signs what is made from now on.
        new_body, new_header, _ = await launch(w.client, appid)
        new_data = await launch_data(w)
        assert new_header["keyid"] == new.kid and manifest_verifies(jwks, new_body, new_header)
        assert f"key_id={new.kid}" in new_data and launch_data_verifies(jwks, new_data)
        # The stable token cannot be made again with the new key: a new one, and the old still works.
        again = (await w.client.post("/cgi-bin/stable_token", json=params)).json()["access_token"]
        assert again != stable
        for token in (stable, again):  # a good token, a bad code: 40029, not 40001 (invalid token)
            checked = await w.client.post(
                "/wxa/business/getuserphonenumber", params={"access_token": token}, json={"code": "x"}
            )
            assert checked.json()["errcode"] == 40029, checked.text

        keys_of(settings).retire(header["keyid"])
        jwks = (await w.client.get("/.well-known/hutong/platform-keys.json")).json()
        assert [k["kid"] for k in jwks["keys"]] == [new.kid]
        assert not manifest_verifies(jwks, body, header)
        assert not launch_data_verifies(jwks, old_data)
        refused = await w.client.post(f"/api/apps/{appid}/events", json=events, headers=old_events)
        assert refused.status_code == 401 and refused.json()["code"] == "invalid_events_token"
        assert manifest_verifies(jwks, new_body, new_header) and launch_data_verifies(jwks, new_data)


def test_the_keys_commands_rotate_and_retire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUTONG_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HUTONG_MASTER_KEY", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
    monkeypatch.setenv("HUTONG_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'k.db'}")
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        first = keys_of(get_settings()).kid
        rotated = runner.invoke(cli, ["keys", "rotate"])
        assert rotated.exit_code == 0, rotated.output
        second = keys_of(get_settings()).kid
        assert second != first and f"platform key {second} signs" in rotated.output
        refused = runner.invoke(cli, ["keys", "retire", second])
        assert refused.exit_code == 1 and "rotate first" in refused.output
        retired = runner.invoke(cli, ["keys", "retire", first])
        assert retired.exit_code == 0 and f"{first} retired" in retired.output
        assert [key.kid for key in keys_of(get_settings()).keys] == [second]
    finally:
        get_settings.cache_clear()


@pytest.mark.browser
async def test_the_host_launches_after_a_rotation(tmp_path: Path, browser: Browser) -> None:
    settings = Settings(data_dir=tmp_path)
    await migrate(settings.effective_database_url)
    database = Database(settings.effective_database_url)
    async with database.session() as session:
        await apps.publish(
            session,
            BlobStore(settings.blob_dir),
            appid="hutong-rotation",
            name="Rotation",
            description="",
            version="1.0.0",
            build=build_project(APP),
        )
    await database.dispose()
    async with serve(settings) as server:
        context = await browser.new_context()
        try:
            first = await context.new_page()
            await first.goto(f"{server.url}/?open=hutong-rotation")
            await expect(first.locator("iframe.hutong-page").first).to_be_attached()
            await first.close()
            # The browser keeps the key set (cacheable for five minutes); the platform now signs with a
            # key that is not in it.
            keys_of(settings).rotate()
            page = await context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            await page.goto(f"{server.url}/?open=hutong-rotation")
            await expect(page.locator("iframe.hutong-page").first).to_be_attached()
            assert not [e for e in errors if "signed" in e or "tampered" in e], errors
        finally:
            await context.close()
