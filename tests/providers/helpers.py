"""A platform with a provider (org P: a development app with the tea template uploaded), two merchant
organizations (A: a1, a2; B: b1, from tests/identity/world.py), the provider's server on loopback
receiving encrypted pushes, and the steps of WeChat's third-party flow over the in-process API."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import httpx
from wechatpy.crypto import WeChatCrypto

from hutong.cli.platform import zip_project
from hutong.server import outbox
from hutong.server.providers import crypto, events  # noqa: F401 (registers the push handlers)
from tests.identity.world import RegisteredApp, World, world
from tests.outbox.receiver import Receiver, receiver
from tests.platform.apiclient import token_for

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOKEN = "hutongtoken"
PASSWORD = "long enough"


def _clock_at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


@dataclass
class ProviderWorld:
    w: World
    inbox: Receiver
    dev_p: dict[str, str]
    org_p: int
    dev_appid: str
    component_appid: str
    secret: str
    aes_key: str
    wechat_crypto: WeChatCrypto

    @property
    def client(self) -> httpx.AsyncClient:
        return self.w.client

    async def deliver(self) -> int:
        """Run the provider pushes that are due (the server's worker is not running in-process)."""
        worker = outbox.Worker(
            self.w.app.state.database,
            self.w.app.state.settings,
            topics={"providers.ticket", "providers.event"},
        )
        return await worker.run_once()

    async def deliver_until(self, done: Callable[[], bool]) -> None:
        """Run the pushes that are due until ``done()``, walking the worker's clock through the retry
        schedule (a push that timed out on a loaded machine is retried on it, not lost)."""
        for minutes in (0, 1, 4, 10):
            worker = outbox.Worker(
                self.w.app.state.database,
                self.w.app.state.settings,
                topics={"providers.ticket", "providers.event"},
            )
            worker.clock = _clock_at(datetime.now(UTC) + timedelta(minutes=minutes))
            await worker.run_once()
            if done():
                return

    def pushes(self) -> list[dict[str, Any]]:
        """Every push received, decrypted and checked the way wechatpy checks WeChat's."""
        seen = []
        for body, query in zip(self.inbox.bodies, self.inbox.queries, strict=True):
            params = {key: values[0] for key, values in parse_qs(urlsplit(query).query).items()}
            assert params["encrypt_type"] == "aes"
            plain = self.wechat_crypto.decrypt_message(
                body, params["msg_signature"], params["timestamp"], params["nonce"]
            )
            seen.append({child.tag: child.text or "" for child in ElementTree.fromstring(plain)})
        return seen

    async def ticket(self) -> str:
        # deliver_until: on a loaded machine the first push may time out and wait for its retry.
        await self.deliver_until(
            lambda: any(p.get("InfoType") == "component_verify_ticket" for p in self.pushes())
        )
        tickets = [p for p in self.pushes() if p.get("InfoType") == "component_verify_ticket"]
        assert tickets, self.pushes()
        return str(tickets[-1]["ComponentVerifyTicket"])

    async def component_token(self) -> str:
        body = {
            "component_appid": self.component_appid,
            "component_appsecret": self.secret,
            "component_verify_ticket": await self.ticket(),
        }
        answer = (await self.client.post("/cgi-bin/component/api_component_token", json=body)).json()
        assert "component_access_token" in answer, answer
        return str(answer["component_access_token"])

    async def component(self, path: str, token: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        params = {"component_access_token": token}
        if body is None:
            response = await self.client.get(path, params=params)
        else:
            # As wechatpy sends it: JSON without a Content-Type.
            response = await self.client.post(path, params=params, content=json.dumps(body))
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def authorizer(
        self, path: str, token: str, body: dict[str, Any] | None = None, **params: Any
    ) -> dict[str, Any]:
        if body is None:
            response = await self.client.get(path, params={"access_token": token, **params})
        else:
            response = await self.client.post(
                path, params={"access_token": token, **params}, content=json.dumps(body, ensure_ascii=False)
            )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def merchant_browser(self, email: str) -> tuple[httpx.AsyncClient, str]:
        """A merchant owner's signed-in browser (session cookie and CSRF token), to use in
        ``async with aclosing(browser)``."""
        transport = httpx.ASGITransport(app=self.w.app, client=("127.0.0.1", 4300))
        browser = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        signin = await browser.post("/api/accounts/signin", json={"email": email, "password": PASSWORD})
        assert signin.status_code == 200, signin.text
        return browser, str(signin.json()["csrf_token"])

    async def authorize(
        self,
        component_token: str,
        app: RegisteredApp,
        email: str = "a@example.com",
        scopes: list[int] | None = None,
    ) -> str:
        """The merchant's owner approves on the authorization page; answers the redirect's auth_code."""
        pre = await self.component(
            "/cgi-bin/component/api_create_preauthcode",
            component_token,
            {"component_appid": self.component_appid},
        )
        redirect = self.inbox.url.replace("/notify", "/authorized?shop=1")
        browser, csrf = await self.merchant_browser(email)
        async with aclosing(browser):
            page = await browser.get(
                "/cgi-bin/componentloginpage",
                params={
                    "component_appid": self.component_appid,
                    "pre_auth_code": pre["pre_auth_code"],
                    "redirect_uri": redirect,
                    "auth_type": 2,
                },
            )
            assert page.status_code == 200 and "Tea Partners" in page.text, page.text
            form = {
                "csrf_token": csrf,
                "component_appid": self.component_appid,
                "pre_auth_code": pre["pre_auth_code"],
                "redirect_uri": redirect,
                "appid": app.appid,
                "funcscope": [str(s) for s in (scopes or [18, 19, 20])],
            }
            answer = await browser.post("/cgi-bin/componentloginpage", data=form)
        assert answer.status_code == 303, answer.text
        location = answer.headers["location"]
        assert location.startswith(redirect + "&auth_code="), location
        query = parse_qs(urlsplit(location).query)
        assert query["expires_in"] == ["3600"]
        return query["auth_code"][0]

    async def query_auth(self, component_token: str, auth_code: str) -> dict[str, Any]:
        body = {"component_appid": self.component_appid, "authorization_code": auth_code}
        return await self.component("/cgi-bin/component/api_query_auth", component_token, body)


async def upload(
    client: httpx.AsyncClient, headers: dict[str, str], appid: str, version: str, folder: str = "tea"
) -> int:
    response = await client.post(
        f"/api/manage/apps/{appid}/versions",
        files={"project": ("p.zip", zip_project(EXAMPLES / folder), "application/zip")},
        data={"version": version, "description": f"{folder} {version}"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@asynccontextmanager
async def provider_world(tmp_path: Path, database_url: str, **overrides: Any) -> AsyncIterator[ProviderWorld]:
    with receiver(200) as inbox:
        async with world(tmp_path, database_url, egress_allow_networks="127.0.0.0/8", **overrides) as w:
            dev_p = await token_for(w.client, "p@example.com")
            org = await w.client.post("/api/orgs", json={"name": "Tea Partners Ltd"}, headers=dev_p)
            org_p = int(org.json()["id"])
            dev_app = await w.register(dev_p, org_p, "Tea template (development)")
            aes_key = crypto.new_aes_key()
            registered = await w.client.post(
                f"/api/orgs/{org_p}/provider",
                json={
                    "name": "Tea Partners",
                    "message_url": inbox.url,
                    "token": TOKEN,
                    "encoding_aes_key": aes_key,
                    "funcscopes": [18, 19, 20],
                    "dev_appid": dev_app.appid,
                },
                headers=dev_p,
            )
            assert registered.status_code == 201, registered.text
            info = registered.json()
            w.client.cookies.clear()
            signup = await w.client.post(
                "/api/accounts/signin", json={"email": "user@example.com", "password": PASSWORD}
            )
            w.csrf = signup.json()["csrf_token"]
            yield ProviderWorld(
                w,
                inbox,
                dev_p,
                org_p,
                dev_app.appid,
                info["component_appid"],
                info["component_appsecret"],
                aes_key,
                WeChatCrypto(TOKEN, aes_key, info["component_appid"]),
            )
