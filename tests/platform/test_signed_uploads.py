"""Signed uploads end to end: organizations register developer keys (several, revocable), the
platform checks an upload's signature against them before compiling, records who signed each version,
refuses unknown and revoked keys, and countersigns the package it keeps."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from typer.testing import CliRunner

from hutong.cli.main import app as cli
from hutong.cli.platform import zip_project
from hutong.compiler import build_project
from hutong.compiler.package import PackageInfo, pack
from hutong.compiler.signing import generate_key, private_key_pem, public_key_hex, verify
from hutong.settings import Settings
from tests.conftest import EXAMPLES, migrate, serve
from tests.platform.apiclient import platform, settings_for, token_for

COUNTER = EXAMPLES / "counter"


def package(appid: str, key: Ed25519PrivateKey, version: str = "1.0.0") -> bytes:
    return pack(build_project(COUNTER), PackageInfo(app_id=appid, name="Counter", version_name=version), key)


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], appid: str, data: bytes, version: str
) -> httpx.Response:
    return await client.post(
        f"/api/manage/apps/{appid}/versions",
        files={"project": ("counter.ma", data, "application/miniapp-pkg+zip")},
        data={"version": version},
        headers=headers,
    )


async def add_key(
    client: httpx.AsyncClient, headers: dict[str, str], org: int, name: str, key: Ed25519PrivateKey
) -> dict[str, Any]:
    response = await client.post(
        f"/api/orgs/{org}/signing-keys",
        json={"name": name, "public_key": public_key_hex(key)},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_uploads_are_checked_against_the_organizations_keys(tmp_path: Path, database_url: str) -> None:
    async with platform(settings_for(tmp_path, database_url)) as (app, client):
        owner = await token_for(client, "owner@example.com")
        org = (await client.post("/api/orgs", json={"name": "Tea"}, headers=owner)).json()["id"]
        appid = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Tea"}, headers=owner)).json()[
            "appid"
        ]
        laptop, desktop, stranger = generate_key(), generate_key(), generate_key()

        # Before any key is registered, a plain project zip is still taken (and records no signer).
        plain = await upload(client, owner, appid, zip_project(COUNTER), "0.9.0")
        assert plain.status_code == 201 and plain.json()["signing_key_id"] is None

        first = await add_key(client, owner, org, "laptop", laptop)
        second = await add_key(client, owner, org, "desktop", desktop)  # several at once
        listed = (await client.get(f"/api/orgs/{org}/signing-keys", headers=owner)).json()
        assert [k["name"] for k in listed] == ["laptop", "desktop"] and listed[0]["revoked_at"] is None
        again = await client.post(
            f"/api/orgs/{org}/signing-keys",
            json={"name": "again", "public_key": public_key_hex(laptop)},
            headers=owner,
        )
        assert again.status_code == 409 and again.json()["code"] == "key_exists"
        bad = await client.post(
            f"/api/orgs/{org}/signing-keys", json={"name": "x", "public_key": "z" * 64}, headers=owner
        )
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_public_key"

        # Signed by a registered key: compiled, the signer recorded, the kept package countersigned.
        signed = await upload(client, owner, appid, package(appid, laptop), "1.0.0")
        assert signed.status_code == 201, signed.text
        assert signed.json()["signing_key_id"] == first["id"]
        assert (await upload(client, owner, appid, package(appid, desktop), "1.0.1")).json()[
            "signing_key_id"
        ] == second["id"]
        database = app.state.database
        from sqlalchemy import select

        from hutong.server.apps.models import Release

        async with database.session() as session:
            release = await session.scalar(select(Release).where(Release.version == "1.0.0"))
        assert release is not None and release.package_sha256
        kept = app.state.sources.get(release.package_sha256)
        checked = verify(kept, platform_key=app.state.platform_key.current.public_bytes)
        assert checked.developer.public_key.hex() == public_key_hex(laptop)

        refusals = {
            "signature_required": await upload(client, owner, appid, zip_project(COUNTER), "2.0.0"),
            "unknown_signing_key": await upload(client, owner, appid, package(appid, stranger), "2.0.1"),
            "invalid_signature": await upload(
                client, owner, appid, tampered(package(appid, laptop)), "2.0.2"
            ),
        }
        assert (
            await client.delete(f"/api/orgs/{org}/signing-keys/{first['id']}", headers=owner)
        ).status_code == 204
        refusals["revoked_signing_key"] = await upload(client, owner, appid, package(appid, laptop), "2.0.3")
        for code, response in refusals.items():
            assert response.status_code in (403, 422), response.text
            assert response.json()["code"] == code, response.text
        versions = (await client.get(f"/api/manage/apps/{appid}/versions", headers=owner)).json()
        assert sorted(v["version"] for v in versions) == ["0.9.0", "1.0.0", "1.0.1"]  # nothing half-kept
        assert (await upload(client, owner, appid, package(appid, desktop), "2.1.0")).status_code == 201

        # Only owners manage keys; members see them.
        developer = await token_for(client, "dev@example.com")
        member = {"email": "dev@example.com", "role": "developer"}
        assert (await client.put(f"/api/orgs/{org}/members", json=member, headers=owner)).status_code == 200
        refused = await client.post(
            f"/api/orgs/{org}/signing-keys",
            json={"name": "mine", "public_key": public_key_hex(stranger)},
            headers=developer,
        )
        assert refused.status_code == 403
        revoke = await client.delete(f"/api/orgs/{org}/signing-keys/{second['id']}", headers=developer)
        assert revoke.status_code == 403
        assert len((await client.get(f"/api/orgs/{org}/signing-keys", headers=developer)).json()) == 2
        outsider = await token_for(client, "out@example.com")
        assert (await client.get(f"/api/orgs/{org}/signing-keys", headers=outsider)).status_code == 404


def tampered(data: bytes) -> bytes:
    """The package with a file renamed after signing (the signature block kept)."""
    index = data.rfind(b"app.json")
    assert index > 0
    return data[:index] + b"app.jsoN" + data[index + len(b"app.json") :]


async def test_hutong_upload_sends_the_signed_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    settings.data_dir.mkdir()
    await migrate(settings.effective_database_url)
    key = generate_key()
    key_file = tmp_path / "developer.pem"
    key_file.write_bytes(private_key_pem(key))
    async with serve(settings) as server, httpx.AsyncClient(base_url=server.url) as client:
        owner = await token_for(client, "cli@example.com")
        org = (await client.post("/api/orgs", json={"name": "Tea"}, headers=owner)).json()["id"]
        made = await client.post(f"/api/orgs/{org}/apps", json={"name": "Tea"}, headers=owner)
        appid = made.json()["appid"]
        registered = await add_key(client, owner, org, "laptop", key)
        monkeypatch.setenv("HUTONG_CLI_CONFIG", str(tmp_path / "cli.json"))
        runner = CliRunner()
        signin = ["login", "--server", server.url, "--email", "cli@example.com", "--password", "long enough"]
        assert runner.invoke(cli, signin).exit_code == 0
        command = ["upload", str(COUNTER), "--appid", appid, "--key", str(key_file), "--version"]
        done = runner.invoke(cli, [*command, "1.0.0"])
        assert done.exit_code == 0, done.output
        versions = (await client.get(f"/api/manage/apps/{appid}/versions", headers=owner)).json()
        assert [(v["version"], v["signing_key_id"]) for v in versions] == [("1.0.0", registered["id"])]
        await client.delete(f"/api/orgs/{org}/signing-keys/{registered['id']}", headers=owner)
        refused = runner.invoke(cli, [*command, "1.0.1"])
        assert refused.exit_code == 1 and "revoked_signing_key" in refused.output, refused.output
        missing = runner.invoke(cli, [*command[:-3], "--key", str(tmp_path / "none.pem"), "--version", "1"])
        assert missing.exit_code == 1 and "hutong keygen" in missing.output


def test_a_signed_package_is_still_a_zip_of_the_project() -> None:
    data = package("hx1", generate_key())
    names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    assert {"manifest.json", "app.json", "pages/index/index.wxml"} <= names


async def test_the_console_registers_and_revokes_keys(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"
    await migrate(url)
    async with platform(settings_for(tmp_path, url)) as (_app, client):
        signup = await client.post(
            "/api/accounts/signup", json={"email": "owner@example.com", "password": "long enough"}
        )
        csrf = signup.json()["csrf_token"]
        org = (await client.post("/api/orgs", json={"name": "Tea"}, headers={"X-CSRF-Token": csrf})).json()
        key = generate_key()
        form = {"csrf_token": csrf, "name": "Ana's laptop", "public_key": public_key_hex(key)}
        added = await client.post(f"/console/orgs/{org['id']}/signing-keys", data=form)
        assert added.status_code == 303 and "registered" in added.headers["location"]
        forged = await client.post(
            f"/console/orgs/{org['id']}/signing-keys", data={**form, "csrf_token": "x"}
        )
        assert forged.status_code == 403
        page = (await client.get(f"/console/orgs/{org['id']}")).text
        listed = (
            await client.get(f"/api/orgs/{org['id']}/signing-keys", headers={"X-CSRF-Token": csrf})
        ).json()
        assert len(listed) == 1 and "Ana&#39;s laptop" in page and listed[0]["fingerprint"][:16] in page
        assert page.count("<h2>Signing keys</h2>") == 1 and "<title>Tea" in page
        revoke = f"/console/orgs/{org['id']}/signing-keys/{listed[0]['id']}/revoke"
        revoked = await client.post(revoke, data={"csrf_token": csrf})
        assert revoked.status_code == 303 and "revoked" in revoked.headers["location"]
        assert "revoked" in (await client.get(f"/console/orgs/{org['id']}")).text
