"""Wire compatibility with wechatpy's third-party platform client (``WeChatComponent`` and the
``WeChatComponentClient`` it makes for an authorized app), unchanged, against a live platform with its
outbox worker running: the ticket pushed to the provider's server is opened by wechatpy's
``parse_message`` (its WXBizMsgCrypt), then the component token, the pre-auth URL, the merchant's
approval, ``query_auth``, and a commit, submit_audit, get_audit_status and release through the
authorized client.

As in tests/identity/test_wechatpy.py, only wechatpy's base URLs are pointed at the platform
(``API_BASE_URL``, ``PRE_AUTH_URL``, the wxa group's base); everything else is wechatpy's own."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from wechatpy.component import WeChatComponent

from hutong.server.accounts import service as accounts
from hutong.server.db import Database
from hutong.server.providers import crypto
from hutong.settings import Settings
from tests.analytics.test_datacube import _fill
from tests.conftest import migrate, serve
from tests.outbox.receiver import receiver
from tests.providers.helpers import upload

PASSWORD = "long enough"


def hutong_component(base: str, appid: str, secret: str, token: str, aes_key: str) -> Any:
    class HutongComponent(WeChatComponent):  # type: ignore[misc]
        API_BASE_URL = f"{base}/cgi-bin"
        PRE_AUTH_URL = f"{base}/cgi-bin/componentloginpage"

    return HutongComponent(appid, secret, token, aes_key)


async def _bearer(http: httpx.AsyncClient, email: str) -> dict[str, str]:
    assert (await http.post("/api/accounts/signup", json={"email": email, "password": PASSWORD})).is_success
    http.cookies.clear()
    token = (await http.post("/api/tokens", json={"email": email, "password": PASSWORD})).json()
    return {"Authorization": f"Bearer {token['token']}"}


async def test_wechatpy_component_drives_the_chain_and_a_release(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, egress_allow_networks="127.0.0.0/8", outbox_poll_seconds=0.2)
    await migrate(settings.effective_database_url)
    aes_key = crypto.new_aes_key()
    with receiver(200) as inbox:
        async with serve(settings) as server, httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            provider_dev = await _bearer(http, "p@example.com")
            org_p = (
                await http.post("/api/orgs", json={"name": "Tea Partners"}, headers=provider_dev)
            ).json()["id"]
            dev_app = (
                await http.post(f"/api/orgs/{org_p}/apps", json={"name": "Tea dev"}, headers=provider_dev)
            ).json()
            merchant = await _bearer(http, "m@example.com")
            org_m = (await http.post("/api/orgs", json={"name": "Shop"}, headers=merchant)).json()["id"]
            shop = (
                await http.post(f"/api/orgs/{org_m}/apps", json={"name": "Shop"}, headers=merchant)
            ).json()
            registered = (
                await http.post(
                    f"/api/orgs/{org_p}/provider",
                    json={
                        "name": "Tea Partners",
                        "message_url": inbox.url,
                        "token": "wiretoken",
                        "encoding_aes_key": aes_key,
                        "funcscopes": [18, 20],
                        "dev_appid": dev_app["appid"],
                    },
                    headers=provider_dev,
                )
            ).json()
            draft_id = await upload(http, provider_dev, dev_app["appid"], "2.0.0")
            async with Database(settings.effective_database_url).session() as session:
                await accounts.sign_up(session, "reviewer@example.com", PASSWORD, operator_role="reviewer")
            reviewer = {
                "Authorization": "Bearer "
                + (
                    await http.post(
                        "/api/tokens", json={"email": "reviewer@example.com", "password": PASSWORD}
                    )
                ).json()["token"]
            }
            # The worker pushes the first ticket on its own.
            assert await asyncio.to_thread(inbox.arrived.wait, 30)
            component = hutong_component(
                server.url,
                registered["component_appid"],
                registered["component_appsecret"],
                "wiretoken",
                aes_key,
            )
            params = {k: v[0] for k, v in parse_qs(urlsplit(inbox.queries[0]).query).items()}

            def provider_server_start() -> dict[str, Any]:
                ticket = component.parse_message(
                    inbox.bodies[0], params["msg_signature"], params["timestamp"], params["nonce"]
                )
                token = component.fetch_access_token()
                base = server.url
                draft = component.get(f"{base}/wxa/gettemplatedraftlist", data=None)
                component.post(
                    f"{base}/wxa/addtotemplate", data={"draft_id": draft["draft_list"][0]["draft_id"]}
                )
                listed = component.get(f"{base}/wxa/gettemplatelist", data=None)
                url = component.get_pre_auth_url(f"{inbox.url}?back=1")
                return {
                    "ticket": ticket.type,
                    "token": token,
                    "drafts": draft,
                    "templates": listed,
                    "url": url,
                }

            started = await asyncio.to_thread(provider_server_start)
            assert started["ticket"] == "component_verify_ticket" and started["token"]["expires_in"] == 7200
            assert started["drafts"]["draft_list"][0]["draft_id"] == draft_id
            template_id = started["templates"]["template_list"][0]["template_id"]

            # The merchant's owner opens wechatpy's pre-auth URL and approves.
            http.cookies.clear()
            signin = await http.post(
                "/api/accounts/signin", json={"email": "m@example.com", "password": PASSWORD}
            )
            page = await http.get(started["url"])
            assert page.status_code == 200 and "Tea Partners" in page.text
            query = {k: v[0] for k, v in parse_qs(urlsplit(started["url"]).query).items()}
            approved = await http.post(
                "/cgi-bin/componentloginpage",
                data={
                    "csrf_token": signin.json()["csrf_token"],
                    "component_appid": registered["component_appid"],
                    "pre_auth_code": query["pre_auth_code"],
                    "redirect_uri": query["redirect_uri"],
                    "appid": shop["appid"],
                    "funcscope": ["18", "20"],
                },
            )
            assert approved.status_code == 303
            auth_code = parse_qs(urlsplit(approved.headers["location"]).query)["auth_code"][0]

            def provider_server_deploy() -> dict[str, Any]:
                authorized = component.query_auth(auth_code)
                client = component.get_client_by_appid(shop["appid"])
                client.wxa.API_BASE_URL = f"{server.url}/"
                ext = {"extAppid": shop["appid"], "ext": {"shopName": "Wire Tea"}}
                committed = client.wxa.commit(template_id, json.dumps(ext), "2.0.0", "wire")
                audit = client.wxa.submit_audit({"item_list": []})
                sped = client.wxa.speed_up_audit(audit["auditid"])
                quota = client.wxa.query_quota()
                refreshed = component.refresh_authorizer_token(shop["appid"], client.refresh_token)
                return {
                    "authorized": authorized,
                    "commit": committed,
                    "audit": audit,
                    "sped": sped,
                    "quota": quota,
                    "refreshed": refreshed,
                }

            deployed = await asyncio.to_thread(provider_server_deploy)
            info = deployed["authorized"]["authorization_info"]
            assert info["authorizer_appid"] == shop["appid"]
            assert deployed["commit"]["errcode"] == 0 and deployed["audit"]["auditid"] > 0
            assert deployed["sped"]["errcode"] == 0
            assert (deployed["quota"]["speedup_rest"], deployed["quota"]["speedup_limit"]) == (4, 5)
            assert deployed["refreshed"]["authorizer_refresh_token"] == info["authorizer_refresh_token"]

            batches = (await http.get("/api/review/batches", headers=reviewer)).json()
            code = batches[0]["code_sha256"]
            ids = [item["review_id"] for item in batches[0]["items"]]
            assert (
                await http.post(
                    f"/api/review/batches/{code}/approve", json={"review_ids": ids}, headers=reviewer
                )
            ).is_success

            def provider_server_release() -> dict[str, Any]:
                client = component.get_client_by_appid(shop["appid"])
                client.wxa.API_BASE_URL = f"{server.url}/"
                status = client.wxa.get_audit_status(deployed["audit"]["auditid"])
                released = client.wxa.release()
                qrcode = client.wxa.get_qrcode()
                closed = client.wxa.change_visit_status(close=True)
                return {"status": status, "released": released, "qrcode": qrcode, "closed": closed}

            done = await asyncio.to_thread(provider_server_release)
            assert done["status"]["status"] == 0 and done["released"]["errcode"] == 0
            assert done["qrcode"].headers["Content-Type"] == "image/jpeg"
            assert done["qrcode"].content.startswith(b"\xff\xd8")  # JPEG bytes, as WeChat sends
            assert done["closed"]["errcode"] == 0
            closed = await http.get(f"/api/apps/{shop['appid']}/launch")
            assert closed.status_code == 410 and closed.json()["code"] == "app_closed"

            def provider_server_reopen() -> Any:
                client = component.get_client_by_appid(shop["appid"])
                client.wxa.API_BASE_URL = f"{server.url}/"
                return client.wxa.change_visit_status(close=False)

            assert (await asyncio.to_thread(provider_server_reopen))["errcode"] == 0
            launch = (await http.get(f"/api/apps/{shop['appid']}/launch")).json()
            config = (await http.get(launch["bundles"]["app-config.json"]["url"])).json()
            assert launch["version"] == "2.0.0" and config["ext"] == {"shopName": "Wire Tea"}

            # Datacube through the authorizer token (set 18), wechatpy's request as its users make it
            # (it has no named method for the mini program analysis APIs): the merchant's figures.
            await _fill(settings, shop["appid"])

            def provider_server_analytics() -> Any:
                client = component.get_client_by_appid(shop["appid"])
                return client.post(
                    "getweanalysisappiddailysummarytrend",
                    data={"begin_date": "20261102", "end_date": "20261102"},
                    api_base_url=f"{server.url}/datacube/",
                )

            summary = await asyncio.to_thread(provider_server_analytics)
            assert summary["list"] == [
                {"ref_date": "20261102", "visit_total": 2, "share_pv": 1, "share_uv": 1}
            ]

            # Fast registration: wechatpy's component posts fastregisterweapp (it has no named method)
            # and reads notify_third_fasteregister with parse_message; the legal person confirms.
            legal = {"email": "legal@example.com", "password": PASSWORD, "name": "王芳"}
            assert (await http.post("/api/accounts/signup", json=legal)).is_success
            pushed = len(inbox.bodies)
            fields = {
                "name": "阿一茶铺有限公司",
                "code": "91310000MA1FL0XX1X",
                "code_type": 1,
                "legal_persona_wechat": "legal@example.com",
                "legal_persona_name": "王芳",
                "component_phone": "021-5555-0101",
            }

            def provider_server_register() -> Any:
                return component.post(
                    "/component/fastregisterweapp", params={"action": "create"}, data=fields
                )

            assert (await asyncio.to_thread(provider_server_register))["errcode"] == 0
            http.cookies.clear()
            signin = await http.post(
                "/api/accounts/signin", json={"email": "legal@example.com", "password": PASSWORD}
            )
            home = await http.get("/console/")
            assert "阿一茶铺有限公司" in home.text
            confirmed = await http.post(
                "/console/fastregister/1/confirm", data={"csrf_token": signin.json()["csrf_token"]}
            )
            assert confirmed.status_code == 303 and "notice=created" in confirmed.headers["location"]

            def provider_server_notified(seen: int, skip: int = 0) -> dict[str, Any]:
                """The provider's server reads each push as it comes (the worker sends it)."""
                for _ in range(150):
                    # queries is appended after bodies: an entry there has its body too.
                    while seen < len(inbox.queries):
                        q = {k: v[0] for k, v in parse_qs(urlsplit(inbox.queries[seen]).query).items()}
                        message = component.parse_message(
                            inbox.bodies[seen], q["msg_signature"], q["timestamp"], q["nonce"]
                        )
                        seen += 1
                        data = dict(message._data)
                        if data.get("InfoType") == "notify_third_fasteregister" and seen > skip:
                            return {
                                "data": data,
                                "auth": component.query_auth(data["auth_code"]),
                                "seen": seen,
                            }
                    time.sleep(0.1)
                raise AssertionError("no notify_third_fasteregister")

            notified = await asyncio.to_thread(provider_server_notified, pushed)
            assert notified["data"]["status"] == "0"
            assert notified["data"]["info"]["legal_persona_name"] == "王芳"
            created = notified["auth"]["authorization_info"]
            assert created["authorizer_appid"] == notified["data"]["appid"]

            # A personal mini program: wechatpy's component posts fastregisterpersonalweapp (no named
            # method; it sends component_access_token) and reads the push with parse_message.
            def provider_server_personal() -> Any:
                return component.post(
                    f"{server.url}/wxa/component/fastregisterpersonalweapp",
                    params={"action": "create"},
                    data={"idname": "王芳", "wxuser": "legal@example.com", "component_phone": "021-5555"},
                )

            task = await asyncio.to_thread(provider_server_personal)
            assert task["errcode"] == 0 and task["status"] == 0 and task["taskid"]
            home = await http.get("/console/")
            assert 'data-kind="personal"' in home.text
            confirmed = await http.post(
                "/console/fastregister/2/confirm", data={"csrf_token": signin.json()["csrf_token"]}
            )
            assert confirmed.status_code == 303 and "notice=created" in confirmed.headers["location"]
            personal = await asyncio.to_thread(provider_server_notified, notified["seen"], notified["seen"])
            assert personal["data"]["info"]["taskid"] == task["taskid"]
            assert personal["data"]["info"]["idname"] == "王芳"
            assert personal["auth"]["authorization_info"]["authorizer_appid"] == personal["data"]["appid"]
