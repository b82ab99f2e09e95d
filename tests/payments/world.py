"""A platform with a merchant: organization A's merchant bound to app a1 (key pair, APIv3 key), an end
user with an openid in a1, and a client that signs v3 requests as a merchant's server does."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from hutong.server.wechatpay import crypto
from tests.identity.world import World, world

APIV3_KEY = "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6"


@dataclass
class MerchantClient:
    """Signs requests with the merchant's key and checks every answer's platform signature."""

    client: httpx.AsyncClient
    mchid: str
    serial_no: str
    private_key_pem: str
    platform_keys: dict[str, str]  # serial or PUB_KEY_ID → public key PEM

    def authorization(self, method: str, target: str, body: str, nonce: str | None = None) -> str:
        key = crypto.load_rsa_private_key(self.private_key_pem)
        timestamp = str(int(time.time()))
        nonce = nonce or crypto.new_nonce()
        signature = crypto.rsa_sign(key, crypto.request_message(method, target, timestamp, nonce, body))
        return (
            f'WECHATPAY2-SHA256-RSA2048 mchid="{self.mchid}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{self.serial_no}"'
        )

    async def call(
        self, method: str, target: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> httpx.Response:
        text = "" if body is None else json.dumps(body)
        sent = {"Authorization": self.authorization(method, target, text), "Accept": "application/json"}
        if body is not None:
            sent["Content-Type"] = "application/json"
        response = await self.client.request(
            method, target, content=text.encode(), headers={**sent, **(headers or {})}
        )
        self.check_signature(response)
        return response

    def check_signature(self, response: httpx.Response) -> None:
        serial = response.headers["Wechatpay-Serial"]
        public = crypto.load_rsa_public_key(self.platform_keys[serial])
        message = crypto.response_message(
            response.headers["Wechatpay-Timestamp"], response.headers["Wechatpay-Nonce"], response.text
        )
        assert crypto.rsa_verify(public, message, response.headers["Wechatpay-Signature"]), response.text


@dataclass
class PayWorld:
    w: World
    org_a: int
    org_b: int
    merchant: MerchantClient
    openid: str  # the signed-in end user's openid in a1


async def org_ids(w: World) -> tuple[int, int]:
    mine = await w.client.get("/api/orgs", headers=w.dev_a)
    assert mine.status_code == 200, mine.text
    org_a = int(mine.json()[0]["id"])
    return org_a, org_a + 1


async def new_merchant(w: World, headers: dict[str, str], org_id: int, appids: list[str]) -> MerchantClient:
    created = await w.client.post(f"/api/orgs/{org_id}/merchants", json={"name": "Tea Shop"}, headers=headers)
    assert created.status_code == 201, created.text
    mchid = created.json()["mchid"]
    pair = await w.client.post(f"/api/merchants/{mchid}/keypair", headers=headers)
    assert pair.status_code == 200, pair.text
    key = await w.client.put(
        f"/api/merchants/{mchid}/apiv3-key", json={"apiv3_key": APIV3_KEY}, headers=headers
    )
    assert key.status_code == 200, key.text
    for appid in appids:
        bound = await w.client.put(f"/api/merchants/{mchid}/apps/{appid}", headers=headers)
        assert bound.status_code == 204, bound.text
    described = (await w.client.get(f"/api/merchants/{mchid}", headers=headers)).json()
    keys = {}
    for platform_key in described["platform_keys"]:
        keys[platform_key["serial_no"]] = platform_key["public_key"]
        keys[platform_key["public_key_id"]] = platform_key["public_key"]
    return MerchantClient(w.client, mchid, pair.json()["serial_no"], pair.json()["private_key"], keys)


@asynccontextmanager
async def pay_world(tmp_path: Path, database_url: str, **overrides: Any) -> AsyncIterator[PayWorld]:
    async with world(tmp_path, database_url, **overrides) as w:
        org_a, org_b = await org_ids(w)
        merchant = await new_merchant(w, w.dev_a, org_a, [w.a1.appid])
        openid = str((await w.login(w.a1))["openid"])
        yield PayWorld(w, org_a, org_b, merchant, openid)


def jsapi_body(
    pw: PayWorld, out_trade_no: str = "T20261206000001", total: int = 1880, **extra: Any
) -> dict[str, Any]:
    return {
        "appid": pw.w.a1.appid,
        "mchid": pw.merchant.mchid,
        "description": "珍珠奶茶 x1",
        "out_trade_no": out_trade_no,
        "notify_url": "https://shop.example.com/pay/notify",
        "amount": {"total": total, "currency": "CNY"},
        "payer": {"openid": pw.openid},
        **extra,
    }
