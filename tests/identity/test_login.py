"""wx.login codes and code2session over HTTP, on SQLite and PostgreSQL: ids, single use, expiry,
errors, the host-only code endpoint, session keys and the rate limits."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from hutong.server.identity import service
from hutong.server.identity.service import session_signature
from tests.identity.world import world


def move_clock(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    real = service.now
    monkeypatch.setattr(service, "now", lambda: real() + by)


async def test_openids_and_unionids(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        first = await w.login(w.a1)
        again = await w.login(w.a1)
        assert set(first) == {"openid", "session_key", "unionid"}
        assert first["openid"] == again["openid"] and len(first["openid"]) == 28
        assert first["session_key"] != again["session_key"]  # each login, a new session key
        sibling = await w.login(w.a2)
        other_org = await w.login(w.b1)
        assert sibling["openid"] != first["openid"]
        assert sibling["unionid"] == first["unionid"]  # same organization
        assert other_org["openid"] not in (first["openid"], sibling["openid"])
        assert other_org["unionid"] != first["unionid"]
        assert first["openid"].startswith("o") and first["unionid"].startswith("u")


async def test_a_code_works_once_for_its_own_app_within_five_minutes(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with world(tmp_path, database_url) as w:
        code = await w.code(w.a1.appid)
        assert len(code) == 32
        assert (await w.exchange(w.b1, code))["errcode"] == 40029  # another app's server
        assert "openid" in await w.exchange(w.a1, code)
        assert await w.exchange(w.a1, code) == {"errcode": 40029, "errmsg": "invalid code"}
        stale = await w.code(w.a1.appid)
        move_clock(monkeypatch, timedelta(minutes=5, seconds=1))
        assert (await w.exchange(w.a1, stale))["errcode"] == 40029
        monkeypatch.undo()
        fresh = await w.code(w.a1.appid)
        move_clock(monkeypatch, timedelta(minutes=4, seconds=59))
        assert "openid" in await w.exchange(w.a1, fresh)


async def test_code2session_errors(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        code = await w.code(w.a1.appid)
        assert (await w.exchange(w.a1, code, secret="wrong"))["errcode"] == 40125
        params = {"appid": "hxnope", "secret": "x", "js_code": code, "grant_type": "authorization_code"}
        assert (await w.client.get("/sns/jscode2session", params=params)).json()["errcode"] == 40013
        params = {"appid": w.a1.appid, "secret": w.a1.secret, "js_code": code, "grant_type": "password"}
        assert (await w.client.get("/sns/jscode2session", params=params)).json()["errcode"] == 40002
        assert (await w.client.get("/sns/jscode2session")).json()["errcode"] == 41002
        # None of these spent the code.
        assert "openid" in await w.exchange(w.a1, code)


async def test_codes_need_the_host_session_and_its_csrf_token(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        no_csrf = await w.client.post("/api/identity/login", json={"appid": w.a1.appid})
        assert no_csrf.status_code == 403 and no_csrf.json()["code"] == "csrf_failed"
        bearer = await w.client.post(
            "/api/identity/login",
            json={"appid": w.a1.appid},
            headers={**w.dev_a, "X-CSRF-Token": w.csrf},
        )
        assert bearer.status_code == 401  # an API token is not the host
        unknown = await w.client.post(
            "/api/identity/login", json={"appid": "hxnope"}, headers={"X-CSRF-Token": w.csrf}
        )
        assert unknown.status_code == 404 and unknown.json()["code"] == "app_not_found"
        w.client.cookies.clear()
        guest = await w.client.post(
            "/api/identity/login", json={"appid": w.a1.appid}, headers={"X-CSRF-Token": w.csrf}
        )
        assert guest.status_code == 401 and guest.json()["code"] == "sign_in_required"


async def test_session_keys_check_and_reset(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with world(tmp_path, database_url) as w:

        async def host_check() -> bool:
            response = await w.client.post(
                "/api/identity/check-session", json={"appid": w.a1.appid}, headers={"X-CSRF-Token": w.csrf}
            )
            return bool(response.json()["valid"])

        assert not await host_check()  # no login yet
        login = await w.login(w.a1)
        assert await host_check()
        token = (await w.token(w.a1))["access_token"]
        check = {
            "access_token": token,
            "openid": login["openid"],
            "signature": session_signature(login["session_key"]),
            "sig_method": "hmac_sha256",
        }
        assert (await w.client.get("/wxa/checksession", params=check)).json() == {
            "errcode": 0,
            "errmsg": "ok",
        }
        bad = {**check, "signature": session_signature("not the key")}
        assert (await w.client.get("/wxa/checksession", params=bad)).json()["errcode"] == 87009
        reset = (await w.client.get("/wxa/resetusersessionkey", params=check)).json()
        assert reset["errcode"] == 0 and reset["session_key"] != login["session_key"]
        assert (await w.client.get("/wxa/checksession", params=check)).json()["errcode"] == 87009
        renewed = {**check, "signature": session_signature(reset["session_key"])}
        assert (await w.client.get("/wxa/checksession", params=renewed)).json()["errcode"] == 0
        move_clock(monkeypatch, service.SESSION_KEY_LIFETIME + timedelta(seconds=1))
        assert not await host_check()


async def test_rate_limits(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url, server_api_per_minute=3, identity_codes_per_minute=2) as w:
        await w.code(w.a1.appid)
        await w.code(w.a1.appid)
        third = await w.client.post(
            "/api/identity/login", json={"appid": w.a1.appid}, headers={"X-CSRF-Token": w.csrf}
        )
        assert third.status_code == 429 and "Retry-After" in third.headers
        # A stranger without the secret (appids are public) does not spend the app's budget.
        strangers = [(await w.exchange(w.a2, "nonsense", secret="guess"))["errcode"] for _ in range(5)]
        assert strangers == [40125] * 5
        answers = [(await w.exchange(w.a2, "nonsense"))["errcode"] for _ in range(4)]
        assert answers == [40029, 40029, 40029, 45011]
        assert (await w.exchange(w.b1, "nonsense"))["errcode"] == 40029  # each app has its own budget
        # The client address has a budget of its own, ten apps' worth, before any secret is checked.
        flood = [(await w.exchange(w.b1, "nonsense", secret="guess"))["errcode"] for _ in range(25)]
        assert flood[-1] == 45011 and flood.count(40125) == 30 - 5 - 4 - 1
