"""Data rights on SQLite and PostgreSQL: a signed-in user sees, exports and deletes what each mini
program holds about them on the platform, and nobody else's."""

from __future__ import annotations

import json

import httpx

from hutong.server.privacy.registry import DataProvider, providers, register
from tests.conftest import LiveServer
from tests.egress.helpers import publish_test_apps

APP = "test-egress"
OTHER = "test-hostile-network"


PASSWORD = "long enough"


async def sign_up(client: httpx.AsyncClient, email: str) -> str:
    """Sign ``email`` up in ``client`` (which keeps the session cookie); the session's CSRF token."""
    # Argon2 hashing can outlast httpx's default 5 s on a loaded machine running tests in parallel.
    response = await client.post(
        "/api/accounts/signup", json={"email": email, "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 201, response.text
    csrf: str = response.json()["csrf_token"]
    return csrf


async def use(client: httpx.AsyncClient, csrf: str, appid: str, event: str) -> None:
    """Launch ``appid``, pin it, report one event, ask for a wx.login code and allow a scope, as the
    host would for this user."""
    launch = await client.get(
        f"/api/apps/{appid}/launch", params={"scene": 1001, "path": "pages/index/index"}
    )
    assert launch.status_code == 200, launch.text
    token = json.loads(launch.content)["events_token"]
    pinned = await client.put(f"/api/me/pinned/{appid}", headers={"X-CSRF-Token": csrf})
    assert pinned.status_code == 204, pinned.text
    reported = await client.post(
        f"/api/apps/{appid}/events",
        json={"events": [{"name": event, "data": {"who": event}}]},
        headers={"Hutong-Events-Token": token},
    )
    assert reported.status_code == 202, reported.text
    csrf_header = {"X-CSRF-Token": csrf}
    login = await client.post("/api/identity/login", json={"appid": appid}, headers=csrf_header)
    assert login.status_code == 200, login.text
    decided = await client.patch(
        f"/api/me/authorizations/{appid}", json={"scopes": {"scope.userLocation": True}}, headers=csrf_header
    )
    assert decided.status_code == 200, decided.text


async def test_a_user_sees_exports_and_deletes_their_data_per_app(server: LiveServer) -> None:
    await publish_test_apps(server.settings, ["egress", "hostile-network"])
    # Generous timeouts: under load a first launch can take longer than httpx's default 5 s.
    ada, bob = (httpx.AsyncClient(base_url=server.url, timeout=30) for _ in range(2))
    async with ada, bob:
        ada_csrf = await sign_up(ada, "ada@example.com")
        bob_csrf = await sign_up(bob, "bob@example.com")
        await use(ada, ada_csrf, APP, "ada-event")
        await use(ada, ada_csrf, OTHER, "ada-other")
        await use(bob, bob_csrf, APP, "bob-event")

        listing = (await ada.get("/api/me/data")).json()
        kinds = ["consent", "events", "identity", "launches", "pinned", "recent"]
        assert [(h["appid"], h["kinds"]) for h in listing] == [(APP, kinds), (OTHER, kinds)]
        seen = (await ada.get(f"/api/me/data/{APP}")).json()
        assert seen["appid"] == APP and seen["user"]["email"] == "ada@example.com"
        assert [e["name"] for e in seen["data"]["events"]] == ["ada-event"]  # not Bob's
        assert [(launch["scene"], launch["path"]) for launch in seen["data"]["launches"]] == [
            (1001, "pages/index/index")
        ]
        assert set(seen["data"]["pinned"]) == {"pinned_at"}
        assert set(seen["data"]["recent"]) == {"last_opened_at"}
        assert seen["data"]["consent"]["scopes"][0]["scope"] == "scope.userLocation"
        assert [code["kind"] for code in seen["data"]["identity"]["codes"]] == ["login"]
        # The launch manifest's storage id for this user and app: the host clears local data with it.
        manifest = json.loads((await ada.get(f"/api/apps/{APP}/launch")).content)
        assert seen["local_storage_id"] == manifest["audience"]

        exported = await ada.get(f"/api/me/data/{APP}/export")
        assert exported.headers["content-disposition"] == f'attachment; filename="hutong-data-{APP}.json"'
        assert exported.json()["data"]["events"] == seen["data"]["events"]

        # Deleting needs the CSRF token; then this app holds nothing about Ada, the other app still
        # does, and Bob's data is untouched.
        refused = await ada.delete(f"/api/me/data/{APP}")
        assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
        deleted = await ada.delete(f"/api/me/data/{APP}", headers={"X-CSRF-Token": ada_csrf})
        assert deleted.status_code == 200, deleted.text
        counted = {k: v for k, v in deleted.json()["deleted"].items() if v is not None}
        assert counted == {"events": 1, "feedback": 0, "launches": 2, "pinned": 1, "recent": 1, "support": 0}
        authorizations = await ada.get(f"/api/me/authorizations/{APP}")
        assert authorizations.json()["authSetting"] == {}
        assert [h["appid"] for h in (await ada.get("/api/me/data")).json()] == [OTHER]
        assert (await ada.get(f"/api/me/data/{APP}")).json()["data"] == {}
        assert [h["appid"] for h in (await ada.get("/api/me/recent")).json()] == [OTHER]
        bobs = (await bob.get(f"/api/me/data/{APP}")).json()["data"]
        assert [e["name"] for e in bobs["events"]] == ["bob-event"]
        assert bobs["consent"]["scopes"] and bobs["identity"]["codes"]

        missing = await ada.get("/api/me/data/no-such-app")
        assert missing.status_code == 404 and missing.json()["code"] == "app_not_found"


async def test_data_rights_are_for_signed_in_sessions_only(server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as anonymous:
        for method, path in [
            ("GET", "/api/me/data"),
            ("GET", f"/api/me/data/{APP}"),
            ("GET", f"/api/me/data/{APP}/export"),
            ("DELETE", f"/api/me/data/{APP}"),
        ]:
            response = await anonymous.request(method, path)
            assert response.status_code == 401, (method, path)
            assert response.headers["content-type"] == "application/problem+json"
        email = f"carol-{server.settings.database_url is None}@example.com"
        signup = await anonymous.post(
            "/api/accounts/signup", json={"email": email, "password": "long enough"}
        )
        assert signup.status_code == 201
        anonymous.cookies.clear()
        token = await anonymous.post("/api/tokens", json={"email": email, "password": "long enough"})
        bearer = {"Authorization": f"Bearer {token.json()['token']}"}
        by_token = await anonymous.get("/api/me/data", headers=bearer)
        assert by_token.status_code == 403 and by_token.json()["code"] == "session_required"


def test_registering_a_provider_is_one_call() -> None:
    async def nothing(*_: object) -> dict[str, int]:
        return {}

    async def none(*_: object) -> int:
        return 0

    async def no_apps(*_: object) -> set[int]:
        return set()

    names = [p.name for p in providers()]
    assert names == [
        "consent",
        "events",
        "feedback",
        "identity",
        "launches",
        "payments",
        "pinned",
        "recent",
        "support",
    ]
    extra = register(DataProvider("zz-test", nothing, none, no_apps))
    try:
        assert [p.name for p in providers()] == [*names, "zz-test"]
    finally:
        from hutong.server.privacy import registry

        registry._PROVIDERS.pop(extra.name)
