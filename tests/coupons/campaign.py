"""A live campaign for the browser tests: a developer's app running a given mini program, bound to a
merchant with an APIv3 key, a running stock and a store; the app's access token and wx_card ticket."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx

from hutong.compiler import build_project
from hutong.server.apps import service as apps
from hutong.server.db import Database
from hutong.server.storage import BlobStore
from tests.conftest import LiveServer
from tests.coupons.world import busifavor_body
from tests.payments.world import APIV3_KEY
from tests.platform.apiclient import token_for


@dataclass
class Campaign:
    appid: str
    mchid: str
    stock_id: str
    store_id: int
    ticket: str  # the app's wx_card api_ticket
    dev: dict[str, str]  # the owner's bearer headers


async def campaign(server: LiveServer, project: Path, per_user: int = 1) -> Campaign:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        dev = await token_for(client, f"plugin-{secrets.token_hex(4)}@example.com")
        org = (await client.post("/api/orgs", json={"name": "Snacks"}, headers=dev)).json()["id"]
        made = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Snacks"}, headers=dev)).json()
        appid = made["appid"]
        grant = {"grant_type": "client_credential", "appid": appid, "secret": made["secret"]}
        token = (await client.get("/cgi-bin/token", params=grant)).json()["access_token"]
        ask = {"access_token": token, "type": "wx_card"}
        ticket = (await client.get("/cgi-bin/ticket/getticket", params=ask)).json()["ticket"]
        merchants = f"/api/orgs/{org}/merchants"
        mchid = (await client.post(merchants, json={"name": "Snack Co"}, headers=dev)).json()["mchid"]
        key = {"apiv3_key": APIV3_KEY}
        assert (
            await client.put(f"/api/merchants/{mchid}/apiv3-key", json=key, headers=dev)
        ).status_code == 200
        assert (await client.put(f"/api/merchants/{mchid}/apps/{appid}", headers=dev)).status_code == 204
        store = (
            await client.post(f"/api/merchants/{mchid}/stores", json={"name": "Gulou"}, headers=dev)
        ).json()
        body = busifavor_body(max_coupons_per_user=per_user)
        del body["out_request_no"]
        stock = (await client.post(f"/api/merchants/{mchid}/coupon-stocks", json=body, headers=dev)).json()
        await client.post(f"/api/merchants/{mchid}/coupon-stocks/{stock['stock_id']}/start", headers=dev)
    database = Database.of_settings(server.settings)
    try:
        async with database.session() as session:
            await apps.publish(
                session, BlobStore(server.settings.blob_dir), appid=appid, name="Snacks", description="",
                version="1.0.0", build=build_project(project),
            )  # fmt: skip
    finally:
        await database.dispose()
    return Campaign(appid, mchid, str(stock["stock_id"]), int(store["id"]), ticket, dev)
