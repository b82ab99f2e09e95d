"""Fast registration on SQLite and PostgreSQL: a provider asks (fastregisterweapp?action=create) for a
mini program for an enterprise; its legal person, a Hutong account, sees the request on their console
home and confirms it; the provider's server on loopback receives notify_third_fasteregister
(decrypted with wechatpy's WeChatCrypto) with the new appid and an auth_code that api_query_auth
turns into the authorization. A request left 24 h expires (status 100003), and the errors are
WeChat's."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import httpx
import pytest
from sqlalchemy import select, update

from hutong.server import outbox
from hutong.server.accounts.models import Organization, User
from hutong.server.apps.models import App
from hutong.server.identity import service as identity
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


def _pushes(p: ProviderWorld, info_type: str) -> list[ElementTree.Element]:
    """Every push of ``info_type``, decrypted as wechatpy decrypts WeChat's."""
    found = []
    for body, query in zip(p.inbox.bodies, p.inbox.queries, strict=True):
        params = {key: values[0] for key, values in parse_qs(urlsplit(query).query).items()}
        plain = p.wechat_crypto.decrypt_message(
            body, params["msg_signature"], params["timestamp"], params["nonce"]
        )
        root = ElementTree.fromstring(plain)
        if root.findtext("InfoType") == info_type:
            found.append(root)
    return found


def _clock_at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


async def _delivered(p: ProviderWorld, info_type: str, count: int = 1) -> list[ElementTree.Element]:
    """The pushes of ``info_type`` once ``count`` have arrived: the worker runs what is due, then walks
    its clock through the retry schedule (a push that timed out on a loaded machine is retried)."""
    for minutes in (0, 1, 4, 10):
        worker = outbox.Worker(
            p.w.app.state.database, p.w.app.state.settings, topics={"providers.ticket", "providers.event"}
        )
        worker.clock = _clock_at(datetime.now(UTC) + timedelta(minutes=minutes))
        await worker.run_once()
        found = _pushes(p, info_type)
        if len(found) >= count:
            return found
    return _pushes(p, info_type)


async def _confirm_on_console(p: ProviderWorld, email: str, text: str) -> str:
    """The person finds the request on their console home and confirms it; answers the redirect."""
    browser, csrf = await _browser(p, email)
    async with aclosing(browser):
        home = await browser.get("/console/")
        assert text in home.text, home.text
        found = re.search(r'action="(/console/fastregister/\d+/confirm)"', home.text)
        assert found is not None
        confirmed = await browser.post(found.group(1), data={"csrf_token": csrf})
    assert confirmed.status_code == 303 and "notice=" in confirmed.headers["location"], confirmed.headers
    return str(confirmed.headers["location"])


async def test_personal_and_trial_registration_and_verification(tmp_path: Path, database_url: str) -> None:
    """fastregisterpersonalweapp (create, query), fastregisterbetaweapp and verifybetaweapp with
    WeChat's fields, errcodes and pushes (notify_third_fasteregister with the person's info,
    notify_third_fastregisterbetaapp with unique_id plus the authorized event, and
    notify_third_fastverifybetaapp), each confirmed by the named person on their console."""
    async with provider_world(tmp_path, database_url) as p:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=p.w.app), base_url="http://testserver"
        ) as fresh:
            for email, name in (("person@example.com", "李雷"), (LEGAL, "王芳")):
                signup = {"email": email, "password": PASSWORD, "name": name}
                assert (await fresh.post("/api/accounts/signup", json=signup)).status_code in (200, 201)
        token = await p.component_token()
        personal = "/wxa/component/fastregisterpersonalweapp"

        async def call(path: str, body: dict[str, Any], **params: str) -> dict[str, Any]:
            # WeChat's newer pages name the component token access_token.
            query = {"access_token": token, **params}
            response = await p.client.post(path, params=query, content=json.dumps(body, ensure_ascii=False))
            assert response.status_code == 200, response.text
            answer: dict[str, Any] = response.json()
            return answer

        person = {"idname": "李雷", "wxuser": "person@example.com", "component_phone": "021-5555-0102"}
        assert (await call(personal, {"idname": "李雷"}, action="create"))["errcode"] == 89253
        assert (await call(personal, {**person, "wxuser": "x@example.com"}, action="create"))[
            "errcode"
        ] == 86004
        assert (await call(personal, {**person, "idname": "韩梅梅"}, action="create"))["errcode"] == 61070
        assert (await call(personal, person, action="launch"))["errcode"] == 40097
        created = await call(personal, person, action="create")
        assert created["errcode"] == 0 and created["status"] == 0
        taskid = created["taskid"]
        assert taskid and taskid in created["authorize_url"]
        assert (await call(personal, person, action="create"))["errcode"] == 89249
        assert (await call(personal, {"taskid": taskid}, action="query"))["status"] == 0
        assert (await call(personal, {"taskid": "nope"}, action="query"))["errcode"] == 89250

        await _confirm_on_console(p, "person@example.com", "李雷")
        (notice,) = await _delivered(p, "notify_third_fasteregister")
        assert notice.findtext("status") == "0" and notice.findtext("msg") == "OK"
        info = notice.find("info")
        assert info is not None
        assert {child.tag: child.text for child in info} == {
            "wxuser": "person@example.com",
            "idname": "李雷",
            "component_phone": "021-5555-0102",
            "taskid": taskid,
        }
        personal_app = str(notice.findtext("appid"))
        authorized = (await p.query_auth(token, str(notice.findtext("auth_code"))))["authorization_info"]
        assert authorized["authorizer_appid"] == personal_app
        assert (await call(personal, {"taskid": taskid}, action="query"))["status"] == 12

        # A trial mini program for the user behind an openid of the provider's development app.
        async with p.w.app.state.database.session() as session:
            dev_app = await session.scalar(select(App).where(App.appid == p.dev_appid))
            person_user = await session.scalar(select(User).where(User.email == "person@example.com"))
            assert dev_app is not None and person_user is not None
            openid = await identity.openid_for(session, dev_app, person_user.id)
        beta = "/wxa/component/fastregisterbetaweapp"
        assert (await call(beta, {"name": "小麦烤鸡"}))["errcode"] == 89253
        assert (await call(beta, {"name": "茶", "openid": openid}))["errcode"] == 40097
        assert (await call(beta, {"name": "小麦烤鸡", "openid": "o-unknown"}))["errcode"] == 40003
        asked = await call(beta, {"name": "小麦烤鸡", "openid": openid})
        assert asked["errcode"] == 0 and asked["unique_id"] in asked["authorize_url"]
        await _confirm_on_console(p, "person@example.com", "小麦烤鸡的体验小程序")
        (made,) = await _delivered(p, "notify_third_fastregisterbetaapp")
        beta_appid = str(made.findtext("appid"))
        assert made.findtext("status") == "0"
        assert made.findtext("info/unique_id") == asked["unique_id"]
        assert made.findtext("info/name") == "小麦烤鸡"
        # The trial app's authorization comes as WeChat's authorized event, with its code.
        grants = await _delivered(p, "authorized")
        (grant,) = [x for x in grants if x.findtext("AuthorizerAppid") == beta_appid]
        beta_auth = (await p.query_auth(token, str(grant.findtext("AuthorizationCode"))))[
            "authorization_info"
        ]
        beta_token = str(beta_auth["authorizer_access_token"])
        async with p.w.app.state.database.session() as session:
            beta_row = await session.scalar(select(App).where(App.appid == beta_appid))
            assert beta_row is not None and beta_row.name == "小麦烤鸡的体验小程序"

        # Verification: the enterprise's legal person confirms; the trial becomes formal.
        verify_info = {
            "enterprise_name": "小麦餐饮有限公司",
            "code": "91310000MA1FL0XX3Z",
            "code_type": 1,
            "legal_persona_wechat": LEGAL,
            "legal_persona_name": "王芳",
            "legal_persona_idcard": "310101199001011234",
            "component_phone": "021-5555-0103",
        }
        assert (await p.authorizer("/wxa/verifybetaweapp", beta_token, {}))["errcode"] == 89253
        wrong_type = {"verify_info": {**verify_info, "code_type": 9}}
        assert (await p.authorizer("/wxa/verifybetaweapp", beta_token, wrong_type))["errcode"] == 89248
        body = {"verify_info": verify_info}
        assert (await p.authorizer("/wxa/verifybetaweapp", beta_token, body))["errcode"] == 0
        assert (await p.authorizer("/wxa/verifybetaweapp", beta_token, body))["errcode"] == 89251
        # The personal app was never a trial.
        personal_token = str(authorized["authorizer_access_token"])
        assert (await p.authorizer("/wxa/verifybetaweapp", personal_token, body))["errcode"] == 40097
        await _confirm_on_console(p, LEGAL, "小麦餐饮有限公司")
        (verified,) = await _delivered(p, "notify_third_fastverifybetaapp")
        assert verified.findtext("appid") == beta_appid and verified.findtext("status") == "0"
        assert verified.findtext("info/name") == "小麦餐饮有限公司"
        assert verified.findtext("info/legal_persona_name") == "王芳"
        assert (await p.authorizer("/wxa/verifybetaweapp", beta_token, body))["errcode"] == 40097
        async with p.w.app.state.database.session() as session:
            beta_row = await session.scalar(select(App).where(App.appid == beta_appid))
            assert beta_row is not None
            org = await session.get(Organization, beta_row.organization_id)
            assert org is not None and org.name == "小麦餐饮有限公司"
