"""Wire compatibility: wechatpy (a widely used WeChat server SDK from PyPI), unchanged, manages an app's
subscription templates and sends a subscription message to a user against Hutong. The SDK is pointed
at the platform the way an operator would point it at any other address for api.weixin.qq.com: a
transport adapter on its HTTP session (the SDK's own code, token handling and error handling run as
they do against WeChat)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import requests
from requests.adapters import HTTPAdapter
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from tests.conftest import LiveServer
from tests.platform.apiclient import token_for

WECHAT = "https://api.weixin.qq.com"


class ToHutong(HTTPAdapter):
    """Sends what is addressed to api.weixin.qq.com to the platform instead."""

    def __init__(self, base: str) -> None:
        super().__init__()
        self.base = base

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        request.url = str(request.url).replace(WECHAT, self.base, 1)
        return super().send(request, *args, **kwargs)


def sdk(server: LiveServer, appid: str, secret: str) -> WeChatClient:
    client = WeChatClient(appid, secret)
    client._http.mount(f"{WECHAT}/", ToHutong(server.url))
    return client


def wire(server: LiveServer, appid: str, secret: str) -> dict[str, Any]:
    """What the developer's server does with the SDK, step by step, beside a user in the host (a thread:
    the SDK is synchronous)."""
    client = sdk(server, appid, secret)
    with httpx.Client(base_url=server.url) as user:
        body = {"email": "wechatpy-user@example.com", "password": "long enough"}
        user.headers["x-csrf-token"] = user.post("/api/accounts/signup", json=body).json()["csrf_token"]
        code = user.post("/api/identity/login", json={"appid": appid}).json()["code"]
        return steps(client, code, user)


def steps(client: WeChatClient, openid_code: str, user: httpx.Client) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    login = client.wxa.code_to_session(openid_code)
    openid = login["openid"]
    seen["categories"] = client.get(f"{WECHAT}/wxaapi/newtmpl/getcategory")["data"]
    titles = client.get(
        f"{WECHAT}/wxaapi/newtmpl/getpubtemplatetitles", params={"ids": "420", "start": 0, "limit": 30}
    )
    seen["titles"] = [t["tid"] for t in titles["data"]]
    keywords = client.get(f"{WECHAT}/wxaapi/newtmpl/getpubtemplatekeywords", params={"tid": 3005})
    seen["keywords"] = [(k["kid"], k["rule"]) for k in keywords["data"]]
    added = client.post(
        f"{WECHAT}/wxaapi/newtmpl/addtemplate", data={"tid": 3005, "kidList": [1, 2], "sceneDesc": "问诊提醒"}
    )
    template = added["priTmplId"]
    seen["listed"] = [t["priTmplId"] for t in client.get(f"{WECHAT}/wxaapi/newtmpl/gettemplate")["data"]]
    try:
        client.post(
            f"{WECHAT}/wxaapi/newtmpl/addtemplate", data={"tid": 3005, "kidList": [1], "sceneDesc": "x"}
        )
    except WeChatClientException as error:
        seen["bad_add"] = error.errcode

    # The user allows one message in the host's dialog (the host's own endpoints, with its session).
    decided = user.post(
        f"/api/me/subscribe/{client.appid}/decide",
        json={"tmplIds": [template], "choices": {template: "accept"}},
    )
    assert decided.status_code == 200, decided.text

    data = {"name1": {"value": "王医生"}, "time2": {"value": "2026年12月6日 19:00"}}
    seen["sent"] = client.wxa.send_subscribe_message(openid, template, data, page="")
    try:
        client.wxa.send_subscribe_message(openid, template, data)
    except WeChatClientException as error:
        seen["again"] = error.errcode
    try:
        client.wxa.send_subscribe_message(openid, template, {**data, "time2": {"value": "soon"}})
    except WeChatClientException as error:
        seen["bad_value"] = (error.errcode, error.errmsg)
    client.post(f"{WECHAT}/wxaapi/newtmpl/deltemplate", data={"priTmplId": template})
    try:
        client.wxa.send_subscribe_message(openid, template, data)
    except WeChatClientException as error:
        seen["deleted"] = error.errcode
    return seen


@pytest.mark.timeout(120)
async def test_wechatpy_manages_templates_and_sends(live_server: LiveServer) -> None:
    async with httpx.AsyncClient(base_url=live_server.url) as client:
        dev = await token_for(client, "wechatpy-dev@example.com")
        org = (await client.post("/api/orgs", json={"name": "Clinic Co"}, headers=dev)).json()["id"]
        registered = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Clinic"}, headers=dev)).json()
        appid, secret = registered["appid"], registered["secret"]
        patched = await client.patch(
            f"/api/manage/apps/{appid}", json={"category": "医疗 Health"}, headers=dev
        )
        assert patched.status_code == 200
    seen = await asyncio.to_thread(wire, live_server, appid, secret)
    assert seen["categories"] == [{"id": 420, "name": "医疗 Health"}]
    assert seen["titles"] == [3001, 3002, 3003, 3004, 3005]
    assert seen["keywords"] == [(1, "name"), (2, "time"), (3, "name"), (4, "thing")]
    assert len(seen["listed"]) == 1
    assert seen["bad_add"] == 200020
    assert seen["sent"]["errcode"] == 0 and isinstance(seen["sent"]["msgid"], int)
    assert seen["again"] == 43101
    assert seen["bad_value"] == (47003, "argument invalid! data.time2.value invalid")
    assert seen["deleted"] == 40037
