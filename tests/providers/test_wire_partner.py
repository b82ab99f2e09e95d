"""Wire compatibility of payments through an authorizer: the PyPI package wechatpayv3, unchanged, in
its partner (service-provider) mode (``partner_mode=True``), takes a JSAPI order for a merchant who
authorized the provider: ``sp_appid``/``sp_mchid`` the provider's, ``sub_mchid`` the merchant's
account, ``sub_appid`` its app, ``payer.sub_openid`` from the component login; then queries it with
``sub_mchid``. After the merchant revokes the authorization the SDK's next order is refused (the
accounts were unlinked). As in tests/payments/test_wire_wechatpayv3.py, the SDK reaches Hutong through
its documented ``proxy`` setting (`hutong pay gateway`, whose CA requests trusts); the token chain is
driven by wechatpy's WeChatComponent as in test_wechatpy.py. A real server, on SQLite: the in-process
test of the same order on both databases is test_payments.py."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from wechatpayv3 import WeChatPay, WeChatPayType

from hutong.server.providers import crypto
from hutong.server.wechatpay import gateway
from hutong.settings import Settings
from tests.conftest import migrate, serve
from tests.outbox.receiver import receiver
from tests.providers.test_wechatpy import _bearer, hutong_component

APIV3_KEY = "Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6"
PASSWORD = "long enough"


async def _merchant(http: httpx.AsyncClient, headers: dict[str, str], org: int, appid: str) -> dict[str, str]:
    mchid = (await http.post(f"/api/orgs/{org}/merchants", json={"name": "M"}, headers=headers)).json()[
        "mchid"
    ]
    pair = (await http.post(f"/api/merchants/{mchid}/keypair", headers=headers)).json()
    await http.put(f"/api/merchants/{mchid}/apiv3-key", json={"apiv3_key": APIV3_KEY}, headers=headers)
    assert (await http.put(f"/api/merchants/{mchid}/apps/{appid}", headers=headers)).status_code == 204
    await http.patch(f"/api/merchants/{mchid}", json={"platform_key_mode": "certificate"}, headers=headers)
    return {"mchid": mchid, "serial_no": pair["serial_no"], "private_key": pair["private_key"]}


async def test_wechatpayv3_partner_order_for_an_authorized_merchant(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        wechatpay_api_url="https://api.mch.weixin.qq.com",
        egress_allow_networks="127.0.0.0/8",
        outbox_poll_seconds=0.2,
    )
    await migrate(settings.effective_database_url)
    aes_key = crypto.new_aes_key()
    with receiver(200) as inbox:
        async with serve(settings) as server, httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            provider_dev = await _bearer(http, "p@example.com")
            org_p = (
                await http.post("/api/orgs", json={"name": "Tea Partners"}, headers=provider_dev)
            ).json()["id"]
            dev_app = (
                await http.post(f"/api/orgs/{org_p}/apps", json={"name": "Dev"}, headers=provider_dev)
            ).json()
            merchant = await _bearer(http, "m@example.com")
            org_m = (await http.post("/api/orgs", json={"name": "Shop"}, headers=merchant)).json()["id"]
            shop_app = (
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
            sp = await _merchant(http, provider_dev, org_p, dev_app["appid"])
            shop = await _merchant(http, merchant, org_m, shop_app["appid"])
            component = hutong_component(
                server.url,
                registered["component_appid"],
                registered["component_appsecret"],
                "wiretoken",
                aes_key,
            )
            assert await asyncio.to_thread(inbox.arrived.wait, 30)
            params = {k: v[0] for k, v in parse_qs(urlsplit(inbox.queries[0]).query).items()}

            def provider_server_start() -> str:
                component.parse_message(
                    inbox.bodies[0], params["msg_signature"], params["timestamp"], params["nonce"]
                )
                component.fetch_access_token()
                return str(component.get_pre_auth_url(f"{inbox.url}?back=1"))

            url = await asyncio.to_thread(provider_server_start)
            http.cookies.clear()
            signin = await http.post(
                "/api/accounts/signin", json={"email": "m@example.com", "password": PASSWORD}
            )
            query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
            approved = await http.post(
                "/cgi-bin/componentloginpage",
                data={
                    "csrf_token": signin.json()["csrf_token"],
                    "component_appid": registered["component_appid"],
                    "pre_auth_code": query["pre_auth_code"],
                    "redirect_uri": query["redirect_uri"],
                    "appid": shop_app["appid"],
                    "funcscope": ["18", "20"],
                },
            )
            assert approved.status_code == 303, approved.text
            auth_code = parse_qs(urlsplit(approved.headers["location"]).query)["auth_code"][0]
            await asyncio.to_thread(component.query_auth, auth_code)
            link = f"/api/merchants/{shop['mchid']}/service-provider"
            linked = await http.put(link, json={"sp_mchid": sp["mchid"]}, headers=merchant)
            assert linked.status_code == 200, linked.text

            # The merchant's user opens the app; the provider logs them in with its component token.
            code = (
                await http.post(
                    "/api/identity/login",
                    json={"appid": shop_app["appid"]},
                    headers={"X-CSRF-Token": signin.json()["csrf_token"]},
                )
            ).json()["code"]
            login = (
                await http.get(
                    "/sns/component/jscode2session",
                    params={
                        "appid": shop_app["appid"],
                        "js_code": code,
                        "grant_type": "authorization_code",
                        "component_appid": registered["component_appid"],
                        "component_access_token": component.access_token,
                    },
                )
            ).json()
            files = gateway.ensure_files(tmp_path / "gateway")
            port = int(server.url.rsplit(":", 1)[1])
            with gateway.in_thread(gateway.Gateway(files, "127.0.0.1", port)) as proxy:
                # requests' documented way to trust a CA; the SDK itself is untouched.
                monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(files.ca_certificate))

                def provider_pays(out_trade_no: str) -> dict[str, Any]:
                    sdk = WeChatPay(
                        wechatpay_type=WeChatPayType.MINIPROG,
                        mchid=sp["mchid"],
                        private_key=sp["private_key"],
                        cert_serial_no=sp["serial_no"],
                        appid=dev_app["appid"],
                        apiv3_key=APIV3_KEY,
                        notify_url="https://partners.example.com/pay/notify",
                        partner_mode=True,
                        proxy={"https": proxy},
                        timeout=(10, 30),
                    )
                    paid = sdk.pay(
                        description="芋泥波波",
                        out_trade_no=out_trade_no,
                        amount={"total": 1500, "currency": "CNY"},
                        payer={"sub_openid": login["openid"]},
                        sub_mchid=shop["mchid"],
                        sub_appid=shop_app["appid"],
                    )
                    queried = sdk.query(out_trade_no=out_trade_no, sub_mchid=shop["mchid"])
                    return {"paid": paid, "queried": queried}

                first = await asyncio.to_thread(provider_pays, "PW20261206000001")
                code_paid, message = first["paid"]
                assert code_paid == 200, message
                assert json.loads(message)["prepay_id"]
                code_queried, message = first["queried"]
                found = json.loads(message)
                assert code_queried == 200 and found["trade_state"] == "NOTPAY"
                assert (found["sp_mchid"], found["sub_mchid"], found["sub_appid"]) == (
                    sp["mchid"],
                    shop["mchid"],
                    shop_app["appid"],
                )

                # Revoked: the accounts are unlinked and the SDK's next order is refused.
                revoked = await http.delete(
                    f"/api/manage/apps/{shop_app['appid']}/providers/{registered['component_appid']}",
                    headers=merchant,
                )
                assert revoked.status_code in (200, 204), revoked.text
                second = await asyncio.to_thread(provider_pays, "PW20261206000002")
                assert second["paid"][0] >= 400, second["paid"]
