"""Scope decisions and the host profile: the service on both databases, and the host-only API."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from hutong.server.accounts import service as accounts
from hutong.server.apps.models import App
from hutong.server.consent import service
from hutong.server.db import Database
from hutong.server.problems import Problem
from tests.conftest import DATABASES, migrate, scratch_database
from tests.platform.apiclient import platform, settings_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def _users_and_apps(database: Database) -> tuple[int, int, int, int]:
    async with database.session() as session:
        alice = await accounts.sign_up(session, "alice@example.com", "long enough")
        bob = await accounts.sign_up(session, "bob@example.com", "long enough")
        first = App(appid="consent-a", name="Alpha")
        second = App(appid="consent-b", name="Beta", icon="/i.png")
        session.add_all([first, second])
        await session.flush()
        return alice.id, bob.id, first.id, second.id


async def test_decisions_are_per_user_and_app(database: Database) -> None:
    alice, bob, first, second = await _users_and_apps(database)
    async with database.session() as session:
        assert await service.scopes_for(session, alice, "consent-a") == {}
        after = await service.decide(
            session, alice, "consent-a", {"scope.userLocation": True, "scope.camera": False}
        )
        assert after == {"scope.camera": False, "scope.userLocation": True}
        await service.decide(session, alice, "consent-b", {"scope.record": True})
        await service.decide(session, bob, "consent-a", {"scope.userLocation": False})
    async with database.session() as session:
        # Changing and forgetting: a forgotten scope is undecided again (the app may ask).
        changed = await service.decide(
            session, alice, "consent-a", {"scope.userLocation": False, "scope.camera": None}
        )
        assert changed == {"scope.userLocation": False}
        assert await service.scopes_for(session, bob, "consent-a") == {"scope.userLocation": False}
        listed = await service.authorizations(session, alice)
        assert [(a.appid, a.name, a.icon, a.scopes) for a in listed] == [
            ("consent-a", "Alpha", "", {"scope.userLocation": False}),
            ("consent-b", "Beta", "/i.png", {"scope.record": True}),
        ]
        with pytest.raises(Problem) as unknown:
            await service.decide(session, alice, "consent-a", {"scope.everything": True})
        assert unknown.value.code == "unknown_scope"
        with pytest.raises(Problem) as missing:
            await service.decide(session, alice, "no-such-app", {"scope.camera": True})
        assert missing.value.code == "app_not_found"
    async with database.session() as session:
        exported = await service.export_user_data(session, alice, first)
        assert [(s["scope"], s["allowed"]) for s in exported["scopes"]] == [("scope.userLocation", False)]
        await service.delete_user_data(session, alice, first)
    async with database.session() as session:
        assert await service.scopes_for(session, alice, "consent-a") == {}
        assert await service.scopes_for(session, alice, "consent-b") == {"scope.record": True}
        assert await service.scopes_for(session, bob, "consent-a") == {"scope.userLocation": False}
        assert (await service.export_user_data(session, bob, second)) == {"scopes": []}


async def test_profile_nickname_and_avatar(database: Database) -> None:
    alice, *_ = await _users_and_apps(database)
    async with database.session() as session:
        assert await service.profile(session, alice) is None
        row = await service.set_nickname(session, alice, "  Alice \n Liddell ")
        assert row.nickname == "Alice Liddell"
        with pytest.raises(Problem) as long:
            await service.set_nickname(session, alice, "x" * 65)
        assert long.value.code == "nickname_too_long"
        with pytest.raises(Problem) as fake:
            await service.set_avatar(session, alice, b"<svg onload=alert(1)>")
        assert fake.value.code == "not_an_image"
        with pytest.raises(Problem) as big:
            await service.set_avatar(session, alice, PNG + b"\x00" * service.AVATAR_MAX_BYTES)
        assert big.value.code == "avatar_too_large"
        row = await service.set_avatar(session, alice, PNG)
        assert (row.avatar, row.avatar_type) == (PNG, "image/png")
    assert service.image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert service.image_type(b"\xff\xd8\xff\xe0") == "image/jpeg"


async def _signed_in(client: httpx.AsyncClient, email: str) -> str:
    response = await client.post("/api/accounts/signup", json={"email": email, "password": "long enough"})
    assert response.status_code == 201, response.text
    csrf: str = response.json()["csrf_token"]
    return csrf


@pytest.mark.parametrize("kind", DATABASES)
async def test_api_is_host_only_and_each_user_sees_their_own(kind: str, tmp_path: Path) -> None:
    with scratch_database(kind, tmp_path) as url:
        await migrate(url)
        await _api_journey(kind, tmp_path, url)


async def _api_journey(kind: str, tmp_path: Path, url: str) -> None:
    settings = settings_for(tmp_path, url)
    async with platform(settings) as (app, alice_client):
        async with app.state.database.session() as session:
            session.add(App(appid="consent-api", name="Gamma"))
        # Nobody signed in: nothing to read or write.
        assert (await alice_client.get("/api/me/authorizations")).status_code == 401
        csrf = await _signed_in(alice_client, f"alice-{kind}@example.com")
        headers = {"X-CSRF-Token": csrf}
        body = {"scopes": {"scope.camera": True, "scope.userLocation": False}}
        # A write without the CSRF token is refused; so is any request another site makes.
        no_csrf = await alice_client.patch("/api/me/authorizations/consent-api", json=body)
        assert no_csrf.status_code == 403 and no_csrf.json()["code"] == "csrf_failed"
        cross = await alice_client.get(
            "/api/me/authorizations/consent-api", headers={"Sec-Fetch-Site": "cross-site"}
        )
        assert cross.status_code == 403 and cross.json()["code"] == "host_only"
        done = await alice_client.patch("/api/me/authorizations/consent-api", json=body, headers=headers)
        assert done.status_code == 200, done.text
        assert done.json() == {"authSetting": {"scope.camera": True, "scope.userLocation": False}}
        bad = await alice_client.patch(
            "/api/me/authorizations/consent-api", json={"scopes": {"scope.x": True}}, headers=headers
        )
        assert bad.status_code == 422 and bad.json()["code"] == "unknown_scope"
        listed = await alice_client.get("/api/me/authorizations", headers={"Sec-Fetch-Site": "same-origin"})
        assert listed.json() == [
            {
                "appid": "consent-api",
                "name": "Gamma",
                "icon": "",
                "scopes": {"scope.camera": True, "scope.userLocation": False},
            }
        ]
        # The profile: nickname, and an avatar that must really be an image.
        assert (await alice_client.get("/api/me/profile")).json() == {"nickname": "", "avatar_url": ""}
        put = await alice_client.put("/api/me/profile", json={"nickname": "Alice"}, headers=headers)
        assert put.json() == {"nickname": "Alice", "avatar_url": ""}
        fake = await alice_client.put("/api/me/profile/avatar", content=b"<html>", headers=headers)
        assert fake.status_code == 415 and fake.json()["code"] == "not_an_image"
        avatar = await alice_client.put("/api/me/profile/avatar", content=PNG, headers=headers)
        assert avatar.json()["avatar_url"].startswith("/api/me/profile/avatar?v=")
        image = await alice_client.get("/api/me/profile/avatar")
        assert image.content == PNG and image.headers["content-type"] == "image/png"
        assert image.headers["cache-control"] == "private, no-store"

        # Another user sees none of it, and cannot change it.
        transport = alice_client._transport
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as bob_client:
            bob_csrf = await _signed_in(bob_client, f"bob-{kind}@example.com")
            assert (await bob_client.get("/api/me/authorizations")).json() == []
            assert (await bob_client.get("/api/me/authorizations/consent-api")).json() == {"authSetting": {}}
            assert (await bob_client.get("/api/me/profile/avatar")).status_code == 404
            forget = await bob_client.delete(
                "/api/me/authorizations/consent-api", headers={"X-CSRF-Token": bob_csrf}
            )
            assert forget.status_code == 204
        still = await alice_client.get("/api/me/authorizations/consent-api")
        assert still.json()["authSetting"] == {"scope.camera": True, "scope.userLocation": False}
        gone = await alice_client.delete("/api/me/authorizations/consent-api", headers=headers)
        assert gone.status_code == 204
        assert (await alice_client.get("/api/me/authorizations")).json() == []
