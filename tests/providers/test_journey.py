"""The providers journey in Chromium, on PostgreSQL (a browser journey: the
providers' APIs run on both databases), against a live platform with its outbox
worker: a provider publishes the tea template; three merchants' owners authorize it on the
authorization page; ``hutong provider deploy`` rolls it out with three different ext (shop name, menu,
colour) and submits them; a reviewer approves the batch in one decision; the provider releases each
(wechatpy's component client); each merchant's users see their own shop name and menu, which the tea
app reads with wx.getExtConfigSync(); one merchant revokes, and the provider's next call is refused."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.async_api import Browser, expect
from typer.testing import CliRunner
from wechatpy.exceptions import WeChatClientException

from hutong.cli import config as cli_config
from hutong.cli.main import app as cli
from hutong.server.accounts import service as accounts
from hutong.server.db import Database
from hutong.server.providers import crypto
from hutong.settings import Settings
from tests.conftest import on_databases, open_app, serve
from tests.outbox.receiver import receiver
from tests.providers.helpers import upload
from tests.providers.test_wechatpy import hutong_component

pytestmark = on_databases("postgres")

PASSWORD = "long enough"
SHOPS = [("阿一茶铺", "#aa0000"), ("Bea's Tea", "#00aa00"), ("丙号奶茶", "#0000aa")]


async def _bearer(http: httpx.AsyncClient, email: str) -> dict[str, str]:
    assert (await http.post("/api/accounts/signup", json={"email": email, "password": PASSWORD})).is_success
    http.cookies.clear()
    token = (await http.post("/api/tokens", json={"email": email, "password": PASSWORD})).json()
    return {"Authorization": f"Bearer {token['token']}"}


async def _authorize_in_browser(browser: Browser, pre_auth_url: str, email: str, shop: str) -> str:
    """The merchant's owner opens the provider's link, signs in, sees the provider and its permission
    sets, and authorizes; answers the auth_code the browser is sent back with."""
    context = await browser.new_context()
    page = await context.new_page()
    # Signed out, the page sends the owner to sign in first and back afterwards.
    await page.goto(pre_auth_url)
    await page.wait_for_url("**/console/signin?next=**")
    await page.fill("input[name=email]", email)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    card = page.locator("#provider-authorize")
    await expect(card).to_contain_text("Tea Partners")
    await expect(card).to_contain_text("Development management and data analysis (18)")
    await expect(card.locator("select[name=appid]")).to_contain_text(shop)
    await card.locator("button[type=submit]").click()
    await page.wait_for_url("**auth_code=**")
    code = parse_qs(urlsplit(page.url).query)["auth_code"][0]
    await context.close()
    return code


async def test_provider_journey(
    browser: Browser, tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=database_url,
        egress_allow_networks="127.0.0.0/8",
        outbox_poll_seconds=0.2,
    )
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
            registered = (
                await http.post(
                    f"/api/orgs/{org_p}/provider",
                    json={
                        "name": "Tea Partners",
                        "message_url": inbox.url,
                        "token": "journey",
                        "encoding_aes_key": aes_key,
                        "funcscopes": [18, 20],
                        "dev_appid": dev_app["appid"],
                    },
                    headers=provider_dev,
                )
            ).json()
            await upload(http, provider_dev, dev_app["appid"], "1.0.0")
            merchants = []
            for index, (shop, _colour) in enumerate(SHOPS):
                owner = await _bearer(http, f"m{index}@example.com")
                org = (await http.post("/api/orgs", json={"name": shop}, headers=owner)).json()["id"]
                app = (await http.post(f"/api/orgs/{org}/apps", json={"name": shop}, headers=owner)).json()
                merchants.append(
                    {"email": f"m{index}@example.com", "appid": app["appid"], "headers": owner, "shop": shop}
                )

            # The provider's server: the ticket from its inbox, a token, the tea template published.
            assert await asyncio.to_thread(inbox.arrived.wait, 30)
            component = hutong_component(
                server.url,
                registered["component_appid"],
                registered["component_appsecret"],
                "journey",
                aes_key,
            )
            params = {k: v[0] for k, v in parse_qs(urlsplit(inbox.queries[0]).query).items()}

            def publish() -> tuple[int, list[str]]:
                component.parse_message(
                    inbox.bodies[0], params["msg_signature"], params["timestamp"], params["nonce"]
                )
                drafts = component.get(f"{server.url}/wxa/gettemplatedraftlist", data=None)["draft_list"]
                component.post(f"{server.url}/wxa/addtotemplate", data={"draft_id": drafts[0]["draft_id"]})
                template = component.get(f"{server.url}/wxa/gettemplatelist", data=None)["template_list"][0]
                urls = [component.get_pre_auth_url(f"{inbox.url}?merchant={i}") for i in range(len(SHOPS))]
                return int(template["template_id"]), urls

            template_id, urls = await asyncio.to_thread(publish)

            # Three owners authorize it in the browser.
            for merchant, url in zip(merchants, urls, strict=True):
                code = await _authorize_in_browser(browser, url, merchant["email"], merchant["shop"])
                await asyncio.to_thread(component.query_auth, code)

            # hutong provider deploy, with a merchants file of three ext.
            merchants_file = tmp_path / "merchants.json"
            merchants_file.write_text(
                json.dumps(
                    [
                        {
                            "appid": m["appid"],
                            "ext": {"shopName": shop, "menu": [f"{shop} 招牌", "jasmine"], "colour": colour},
                        }
                        for m, (shop, colour) in zip(merchants, SHOPS, strict=True)
                    ],
                    ensure_ascii=False,
                ),
                encoding="utf-8",
            )
            monkeypatch.setenv("HUTONG_CLI_CONFIG", str(tmp_path / "cli.json"))
            cli_config.save({"server": server.url, "token": provider_dev["Authorization"][7:]})
            args = [
                "provider",
                "deploy",
                str(merchants_file),
                "--org",
                str(org_p),
                "--template",
                str(template_id),
                "-v",
                "1.0.0",
            ]
            ran = await asyncio.to_thread(CliRunner().invoke, cli, args)
            assert ran.exit_code == 0, ran.output
            assert "3 submitted" in ran.output and "0 failed" in ran.output

            # One decision over the batch, each merchant's ext in view.
            async with Database(settings.effective_database_url).session() as session:
                await accounts.sign_up(session, "reviewer@example.com", PASSWORD, operator_role="reviewer")
            token = (
                await http.post("/api/tokens", json={"email": "reviewer@example.com", "password": PASSWORD})
            ).json()
            reviewer = {"Authorization": f"Bearer {token['token']}"}
            batch = (await http.get("/api/review/batches", headers=reviewer)).json()
            assert len(batch) == 1 and {i["ext"]["shopName"] for i in batch[0]["items"]} == {
                s for s, _ in SHOPS
            }
            ids = [i["review_id"] for i in batch[0]["items"]]
            decided = await http.post(
                f"/api/review/batches/{batch[0]['code_sha256']}/approve",
                json={"review_ids": ids},
                headers=reviewer,
            )
            assert decided.json() == {"decided": 3}

            def release_all() -> list[Any]:
                released = []
                for merchant in merchants:
                    client = component.get_client_by_appid(merchant["appid"])
                    client.wxa.API_BASE_URL = f"{server.url}/"
                    released.append(client.wxa.release())
                return released

            assert [r["errcode"] for r in await asyncio.to_thread(release_all)] == [0, 0, 0]

            # Each merchant's users see their own shop.
            for merchant, (shop, colour) in zip(merchants, SHOPS, strict=True):
                opened = await open_app(browser, server, merchant["appid"])
                name = opened.view().locator(".shop-name")
                await expect(name).to_have_text(shop)
                red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
                await expect(name).to_have_css("color", f"rgb({red}, {green}, {blue})")
                await expect(opened.view().locator(".shop-special").first).to_have_text(f"{shop} 招牌")
                others = [s for s, _ in SHOPS if s != shop]
                for other in others:
                    await expect(opened.view().locator(".shop")).not_to_contain_text(other)
                assert not opened.errors, opened.errors
                await opened.page.close()

            # One merchant revokes; the provider's next call for it is refused.
            revoked = merchants[0]
            gone = await http.delete(
                f"/api/manage/apps/{revoked['appid']}/providers/{registered['component_appid']}",
                headers=revoked["headers"],
            )
            assert gone.status_code == 204

            def next_call() -> int:
                client = component.get_client_by_appid(revoked["appid"])
                client.wxa.API_BASE_URL = f"{server.url}/"
                with pytest.raises(WeChatClientException) as refused:
                    client.wxa.get_latest_audit_status()
                return int(refused.value.errcode)

            assert await asyncio.to_thread(next_call) == 61003
