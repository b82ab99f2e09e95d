"""Access tokens (refresh, stable, expiry, a new AppSecret), getPhoneNumber codes, signed launch data
and the data-rights hooks, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest

from hutong.launchdata import InvalidLaunchData, verify_ed25519, verify_hmac
from hutong.server.apps.models import App
from hutong.server.identity import service
from tests.identity.test_login import move_clock
from tests.identity.world import World, world


async def token_state(w: World, token: str | None) -> int:
    """The errcode a server API answers for ``token`` (87009: the token was fine, the signature not)."""
    params = {"openid": "o", "signature": "x", "sig_method": "hmac_sha256"}
    if token is not None:
        params["access_token"] = token
    return int((await w.client.get("/wxa/checksession", params=params)).json()["errcode"])


async def test_a_refreshed_token_leaves_the_old_one_five_minutes(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with world(tmp_path, database_url) as w:
        first = await w.token(w.a1)
        assert first["expires_in"] == 7200 and len(first["access_token"]) >= 128
        second = await w.token(w.a1)
        assert second["access_token"] != first["access_token"]
        assert await token_state(w, first["access_token"]) == 87009
        assert await token_state(w, None) == 41001
        assert await token_state(w, "made-up") == 40001
        move_clock(monkeypatch, timedelta(minutes=5, seconds=1))
        assert await token_state(w, first["access_token"]) == 42001
        assert await token_state(w, second["access_token"]) == 87009
        move_clock(monkeypatch, timedelta(seconds=7200))
        assert await token_state(w, second["access_token"]) == 42001
        params = {"grant_type": "client_credential", "appid": w.a1.appid, "secret": "wrong"}
        assert (await w.client.get("/cgi-bin/token", params=params)).json()["errcode"] == 40125


async def test_a_new_secret_ends_every_token(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        token = (await w.token(w.a1))["access_token"]
        rotated = await w.client.post(f"/api/manage/apps/{w.a1.appid}/secret", headers=w.dev_a)
        assert rotated.status_code == 200
        assert await token_state(w, token) == 40001
        w.a1.secret = rotated.json()["secret"]
        assert await token_state(w, (await w.token(w.a1))["access_token"]) == 87009


async def test_stable_token(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    async with world(tmp_path, database_url) as w:
        body = {"grant_type": "client_credential", "appid": w.a1.appid, "secret": w.a1.secret}
        first = (await w.client.post("/cgi-bin/stable_token", json=body)).json()
        same = (await w.client.post("/cgi-bin/stable_token", json=body)).json()
        assert same["access_token"] == first["access_token"] and 7190 <= same["expires_in"] <= 7200
        plain = await w.token(w.a1)  # the other kind leaves stable tokens alone
        assert (
            await token_state(w, first["access_token"])
            == 87009
            == await token_state(w, plain["access_token"])
        )
        forced = (await w.client.post("/cgi-bin/stable_token", json={**body, "force_refresh": True})).json()
        assert forced["access_token"] != first["access_token"]
        assert await token_state(w, first["access_token"]) == 87009  # keeps 5 minutes
        again = (await w.client.post("/cgi-bin/stable_token", json={**body, "force_refresh": True})).json()
        assert again["errcode"] == 45011  # 30 seconds apart at least
        move_clock(monkeypatch, timedelta(seconds=7200 - 299))
        renewed = (await w.client.post("/cgi-bin/stable_token", json=body)).json()
        assert renewed["access_token"] != forced["access_token"]  # under 5 minutes left: a new one


async def test_phone_number(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        csrf = {"X-CSRF-Token": w.csrf}
        none = await w.client.post("/api/identity/phone-code", json={"appid": w.a1.appid}, headers=csrf)
        assert none.status_code == 409 and none.json()["code"] == "no_phone_number"
        bad = await w.client.put("/api/me/phone", json={"country_code": "86", "number": "12ab"}, headers=csrf)
        assert bad.status_code == 422 and bad.json()["code"] == "invalid_phone_number"
        saved = await w.client.put(
            "/api/me/phone", json={"country_code": "+86", "number": "138 0013 8000"}, headers=csrf
        )
        assert saved.json() == {"country_code": "86", "number": "13800138000", "verified": False}
        code = await w.code(w.a1.appid, "phone")
        token = (await w.token(w.a1))["access_token"]
        url = f"/wxa/business/getuserphonenumber?access_token={token}"
        answer = (await w.client.post(url, json={"code": code})).json()
        assert answer["errcode"] == 0
        info = answer["phone_info"]
        assert (info["phoneNumber"], info["purePhoneNumber"], info["countryCode"]) == ("13800138000",) * 2 + (
            "86",
        )
        assert info["watermark"]["appid"] == w.a1.appid
        assert (await w.client.post(url, json={"code": code})).json()["errcode"] == 40029
        login_code = await w.code(w.a1.appid)  # a login code is not a phone code
        assert (await w.client.post(url, json={"code": login_code})).json()["errcode"] == 40029
        assert (await w.client.post("/wxa/business/getuserphonenumber", json={"code": code})).json()[
            "errcode"
        ] == 41001


async def test_signed_launch_data(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        request = {"appid": w.a1.appid, "scene": 1047, "start_param": "pages/shop/shop?id=7"}
        response = await w.client.post(
            "/api/identity/launch-data", json=request, headers={"X-CSRF-Token": w.csrf}
        )
        data = response.json()["launch_data"]
        fields = verify_hmac(data, w.a1.secret)
        openid = (await w.login(w.a1))["openid"]
        assert (fields["openid"], fields["scene"], fields["start_param"]) == (
            openid,
            "1047",
            "pages/shop/shop?id=7",
        )
        jwks = (await w.client.get("/.well-known/hutong/platform-keys.json")).json()
        key = next(k for k in jwks["keys"] if k["kid"] == fields["key_id"])
        assert verify_ed25519(data, key) == fields
        with pytest.raises(InvalidLaunchData):
            verify_hmac(data, w.a2.secret)
        forged = dict(parse_qsl(data))
        forged["openid"] = "o" + "A" * 27
        with pytest.raises(InvalidLaunchData):
            verify_hmac(urlencode(forged), w.a1.secret)
        with pytest.raises(InvalidLaunchData):
            verify_ed25519(urlencode(forged), key)
        with pytest.raises(InvalidLaunchData, match="too old"):
            verify_ed25519(data, key, max_age=60, now=int(fields["auth_date"]) + 61)
        w.client.cookies.clear()
        guest = await w.client.post(
            "/api/identity/launch-data", json=request, headers={"X-CSRF-Token": w.csrf}
        )
        assert guest.status_code == 401


async def test_data_rights_export_and_delete(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        one = await w.login(w.a1)
        two = await w.login(w.a2)
        await w.code(w.a1.appid)  # an unused code
        database = w.app.state.database
        async with database.session() as session:
            from sqlalchemy import select

            a1 = await session.scalar(select(App).where(App.appid == w.a1.appid))
            a2 = await session.scalar(select(App).where(App.appid == w.a2.appid))
            assert a1 is not None and a2 is not None
            user_id = await service.user_for_openid(session, a1, one["openid"])
            assert user_id is not None
            exported = await service.export_user_data(session, user_id, a1.id)
            assert exported["openid"] == one["openid"] and exported["unionid"] == one["unionid"]
            assert exported["session"] is not None
            assert [c["used_at"] is not None for c in exported["codes"]] == [True, False]
            assert one["session_key"] not in str(exported)  # never the key itself
            await service.delete_user_data(session, user_id, a1.id)
        async with database.session() as session:
            empty = await service.export_user_data(session, user_id, a1.id)
            assert empty == {
                "openid": None,
                "openid_created_at": None,
                "unionid": one["unionid"],
                "session": None,
                "codes": [],
            }
            await service.delete_user_data(session, user_id, a2.id)
            assert (await service.export_user_data(session, user_id, a2.id))["unionid"] is None
        again = await w.login(w.a1)
        assert again["openid"] != one["openid"] and again["unionid"] != two["unionid"]


async def test_codes_for_a_token_at_wechats_path(tmp_path: Path, database_url: str) -> None:
    async with world(tmp_path, database_url) as w:
        token = (await w.token(w.a1))["access_token"]
        url = "/wxa/getwxacodeunlimit"
        image = await w.client.post(
            url, params={"access_token": token}, json={"scene": "a=1", "check_path": False}
        )
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        assert (await w.client.post(url, json={"scene": "a=1"})).json()["errcode"] == 41001
        unreleased = await w.client.post(
            url, params={"access_token": token}, json={"scene": "b", "page": "pages/x"}
        )
        assert unreleased.json()["errcode"] == 41030
