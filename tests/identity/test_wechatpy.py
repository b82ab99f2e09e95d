"""Wire compatibility of the developer-server APIs with wechatpy (PyPI), unchanged, against a live
platform: it fetches an access token, exchanges a wx.login code through code2session, reads WeChat's
``{errcode, errmsg}`` errors as its own exceptions, and calls an access_token API (an unlimited code).

wechatpy has no setting for its host: ``WeChatClient.API_BASE_URL`` and each API group's
``API_BASE_URL`` name it, and ``fetch_access_token`` has WeChat's token URL written in. So the client
here is a subclass that sets those base URLs to the platform's and, for the token, calls wechatpy's
own ``_fetch_access_token`` (request, errors, expiry, storage) with the platform's /cgi-bin/token.
Everything else (parameters, parsing, error handling) is wechatpy's."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from hutong.settings import Settings
from tests.conftest import migrate, serve

PASSWORD = "long enough"


def hutong_client(base: str, appid: str, secret: str) -> Any:
    class HutongClient(WeChatClient):  # type: ignore[misc]
        API_BASE_URL = f"{base}/cgi-bin/"

        def fetch_access_token(self) -> Any:
            params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
            return self._fetch_access_token(url=f"{base}/cgi-bin/token", params=params)

    client = HutongClient(appid, secret)
    client.wxa.API_BASE_URL = f"{base}/"
    return client


async def _registered_app(http: httpx.AsyncClient) -> tuple[str, str]:
    assert (
        await http.post("/api/accounts/signup", json={"email": "dev@example.com", "password": PASSWORD})
    ).is_success
    http.cookies.clear()
    token = (await http.post("/api/tokens", json={"email": "dev@example.com", "password": PASSWORD})).json()
    bearer = {"Authorization": f"Bearer {token['token']}"}
    org = (await http.post("/api/orgs", json={"name": "Tea"}, headers=bearer)).json()
    app = (await http.post(f"/api/orgs/{org['id']}/apps", json={"name": "Tea shop"}, headers=bearer)).json()
    return str(app["appid"]), str(app["secret"])


async def _login_code(http: httpx.AsyncClient, appid: str) -> str:
    """What wx.login gives the mini program of a signed-in user."""
    signup = await http.post("/api/accounts/signup", json={"email": "user@example.com", "password": PASSWORD})
    csrf = {"X-CSRF-Token": signup.json()["csrf_token"]}
    answer = await http.post("/api/identity/login", json={"appid": appid}, headers=csrf)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["code"])


async def test_wechatpy_fetches_a_token_and_exchanges_a_login_code(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, outbox_worker=False)
    await migrate(settings.effective_database_url)
    async with serve(settings) as server, httpx.AsyncClient(base_url=server.url) as http:
        appid, secret = await _registered_app(http)
        code = await _login_code(http, appid)

        def as_the_developers_server() -> dict[str, Any]:
            client = hutong_client(server.url, appid, secret)
            token = client.fetch_access_token()
            session = client.wxa.code_to_session(code)
            with pytest.raises(WeChatClientException) as spent:
                client.wxa.code_to_session(code)  # a code works once
            image = client.wxa.get_wxa_code_unlimited("table=7")  # uses the access token
            wrong = hutong_client(server.url, appid, "not-the-secret")
            with pytest.raises(WeChatClientException) as refused:
                wrong.fetch_access_token()
            return {
                "token": token,
                "cached": client.access_token,
                "session": session,
                "spent": (spent.value.errcode, spent.value.errmsg),
                "image": image.content[:8],
                "refused": refused.value.errcode,
            }

        seen = await asyncio.to_thread(as_the_developers_server)
    assert seen["token"]["expires_in"] == 7200 and seen["cached"] == seen["token"]["access_token"]
    assert set(seen["session"]) >= {"openid", "session_key"} and seen["session"]["openid"].startswith("o")
    assert seen["spent"] == (40029, "invalid code")
    assert seen["image"] == b"\x89PNG\r\n\x1a\n"
    assert seen["refused"] == 40125
