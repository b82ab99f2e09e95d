"""Fast registration on SQLite and PostgreSQL: a provider asks (fastregisterweapp?action=create) for a
mini program for an enterprise; its legal person, a Hutong account, sees the request on their console
home and confirms it; the provider's server on loopback receives notify_third_fasteregister
(decrypted with wechatpy's WeChatCrypto) with the new appid and an auth_code that api_query_auth
turns into the authorization. A request left 24 h expires (status 100003), and the errors are
WeChat's."""

from __future__ import annotations

import json
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import httpx
import pytest
from sqlalchemy import update

from hutong.server.outbox.models import OutboxJob
from hutong.server.providers import service
from tests.providers.helpers import PASSWORD, ProviderWorld, provider_world

LEGAL = "legal@example.com"
PATH = "/cgi-bin/component/fastregisterweapp"


def _request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "阿一茶铺有限公司",
        "code": "91310000MA1FL0XX1X",
        "code_type": 1,
        "legal_persona_wechat": LEGAL,
        "legal_persona_name": "王芳",
        "component_phone": "021-5555-0101",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def _notices(p: ProviderWorld) -> list[ElementTree.Element]:
    """Every notify_third_fasteregister received, decrypted as wechatpy decrypts WeChat's pushes."""
    found = []
    for body, query in zip(p.inbox.bodies, p.inbox.queries, strict=True):
        params = {key: values[0] for key, values in parse_qs(urlsplit(query).query).items()}
        plain = p.wechat_crypto.decrypt_message(
            body, params["msg_signature"], params["timestamp"], params["nonce"]
        )
        root = ElementTree.fromstring(plain)
        if root.findtext("InfoType") == "notify_third_fasteregister":
            found.append(root)
    return found


async def _call(p: ProviderWorld, action: str, token: str, body: dict[str, Any]) -> dict[str, Any]:
    params = {"action": action, "component_access_token": token}
    response = await p.client.post(PATH, params=params, content=json.dumps(body, ensure_ascii=False))
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def _browser(p: ProviderWorld, email: str) -> tuple[httpx.AsyncClient, str]:
    transport = httpx.ASGITransport(app=p.w.app, client=("127.0.0.1", 4300))
    browser = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    signin = await browser.post("/api/accounts/signin", json={"email": email, "password": PASSWORD})
    assert signin.status_code == 200, signin.text
    return browser, str(signin.json()["csrf_token"])


async def _due_now(p: ProviderWorld, key: str) -> None:
    """The 24 h have passed for the outbox as well: the expiry job is due."""
    async with p.w.app.state.database.session() as session:
        await session.execute(
            update(OutboxJob)
            .where(OutboxJob.key == key)
            .values(run_at=datetime.now(UTC) - timedelta(minutes=1))
        )


async def test_fast_registration_creates_and_authorizes_the_app(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with provider_world(tmp_path, database_url) as p:
        signup = {"email": LEGAL, "password": PASSWORD, "name": "王芳"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=p.w.app), base_url="http://testserver"
        ) as fresh:
            assert (await fresh.post("/api/accounts/signup", json=signup)).status_code in (200, 201)
        token = await p.component_token()

        # WeChat's errors for a bad request; nothing is created by them.
        assert (await _call(p, "create", token, _request(code=None)))["errcode"] == 89253
        assert (await _call(p, "create", token, _request(code_type=7)))["errcode"] == 89248
        unknown = _request(legal_persona_wechat="nobody@example.com")
        assert (await _call(p, "create", token, unknown))["errcode"] == 86004
        assert (await _call(p, "create", token, _request(legal_persona_name="李四")))["errcode"] == 61070
        assert (await _call(p, "launch", token, _request()))["errcode"] == 40097
        assert (await _call(p, "create", "forged", _request()))["errcode"] == 40001

        assert (await _call(p, "create", token, _request())) == {
            "errcode": 0,
            "errmsg": "ok",
        }
        # One task per enterprise at a time.
        assert (await _call(p, "create", token, _request()))["errcode"] == 89249
        search = {"name": "阿一茶铺有限公司", "legal_persona_wechat": LEGAL, "legal_persona_name": "王芳"}
        assert (await _call(p, "search", token, search))["errcode"] == 89251
        assert (await _call(p, "search", token, {**search, "name": "别家"}))["errcode"] == 89250

        # Only the legal person sees the request, and only they can confirm it.
        other, other_csrf = await _browser(p, "a@example.com")
        async with aclosing(other):
            home = await other.get("/console/")
            assert "阿一茶铺有限公司" not in home.text
            refused = await other.post("/console/fastregister/1/confirm", data={"csrf_token": other_csrf})
            assert refused.status_code == 303 and "error=" in refused.headers["location"]
        legal, csrf = await _browser(p, LEGAL)
        async with aclosing(legal):
            home = await legal.get("/console/")
            assert "阿一茶铺有限公司" in home.text and "Tea Partners" in home.text
            assert "021-5555-0101" in home.text
            confirmed = await legal.post("/console/fastregister/1/confirm", data={"csrf_token": csrf})
            assert confirmed.status_code == 303 and "notice=created" in confirmed.headers["location"]
            assert (
                "阿一茶铺有限公司" not in (await legal.get("/console/")).text.split("Your organizations")[0]
            )
            again = await legal.post("/console/fastregister/1/confirm", data={"csrf_token": csrf})
            assert "error=" in again.headers["location"]

        # The provider's server hears of it, with WeChat's fields and what it asked.
        await p.deliver()
        notices = _notices(p)
        assert len(notices) == 1
        notice = notices[0]
        assert notice.findtext("AppId") == p.component_appid
        assert notice.findtext("status") == "0" and notice.findtext("msg") == "OK"
        appid = str(notice.findtext("appid"))
        assert appid.startswith("hx")
        info = notice.find("info")
        assert info is not None
        assert {child.tag: child.text for child in info} == {
            "name": "阿一茶铺有限公司",
            "code": "91310000MA1FL0XX1X",
            "code_type": "1",
            "legal_persona_wechat": LEGAL,
            "legal_persona_name": "王芳",
            "component_phone": "021-5555-0101",
        }
        # The auth_code gives the authorization, with every permission set the provider asks for.
        authorization = (await p.query_auth(token, str(notice.findtext("auth_code"))))["authorization_info"]
        assert authorization["authorizer_appid"] == appid
        assert [x["funcscope_category"]["id"] for x in authorization["func_info"]] == [18, 19, 20]
        access = str(authorization["authorizer_access_token"])
        assert (await p.authorizer("/wxa/queryquota", access))["errcode"] == 0
        details = await p.component(
            "/cgi-bin/component/api_get_authorizer_info",
            token,
            {"component_appid": p.component_appid, "authorizer_appid": appid},
        )
        assert details["authorizer_info"]["nick_name"] == "阿一茶铺有限公司"
        assert (await _call(p, "search", token, search)) == {"errcode": 0, "errmsg": "ok"}

        # The legal person owns the app and sees the provider they authorized by confirming.
        legal, _csrf = await _browser(p, LEGAL)
        async with aclosing(legal):
            listed = (await legal.get(f"/api/manage/apps/{appid}/providers")).json()
            assert [x["component_appid"] for x in listed] == [p.component_appid]

        # A second request, never confirmed: after 24 h it lapses, and the provider is told.
        second = _request(name="阿二茶铺", code="91310000MA1FL0XX2Y")
        assert (await _call(p, "create", token, second))["errcode"] == 0
        clock = service.now
        monkeypatch.setattr(service, "now", lambda: clock() + timedelta(hours=25))
        await _due_now(p, "fastregister:1:expiry")
        await _due_now(p, "fastregister:2:expiry")
        start = {"component_appid": p.component_appid, "component_secret": p.secret}
        assert (await p.client.post("/cgi-bin/component/api_start_push_ticket", json=start)).is_success
        token = await p.component_token()  # a ticket and token of the later hour
        await p.deliver()
        notices = _notices(p)
        # The confirmed one's expiry is silent; the lapsed one says 100003.
        assert len(notices) == 2
        lapsed = notices[1]
        assert lapsed.findtext("status") == "100003" and lapsed.findtext("appid") == ""
        assert lapsed.find("info/name") is not None and lapsed.findtext("info/name") == "阿二茶铺"
        found = await _call(p, "search", token, {**search, "name": "阿二茶铺"})
        assert found["errcode"] == 100003
        # The enterprise may ask again once the earlier request has lapsed.
        assert (await _call(p, "create", token, second))["errcode"] == 0
