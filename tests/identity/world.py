"""A platform with two developer organizations and an end user, over the in-process API client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from tests.platform.apiclient import platform, settings_for, token_for


@dataclass
class RegisteredApp:
    appid: str
    secret: str


@dataclass
class World:
    app: FastAPI
    client: httpx.AsyncClient
    dev_a: dict[str, str]
    a1: RegisteredApp
    a2: RegisteredApp
    b1: RegisteredApp
    csrf: str  # the end user's, who is signed in through the client's cookie

    async def register(self, headers: dict[str, str], org_id: int, name: str) -> RegisteredApp:
        response = await self.client.post(f"/api/orgs/{org_id}/apps", json={"name": name}, headers=headers)
        assert response.status_code == 201, response.text
        return RegisteredApp(response.json()["appid"], response.json()["secret"])

    async def code(self, appid: str, kind: str = "login") -> str:
        path = "/api/identity/login" if kind == "login" else "/api/identity/phone-code"
        response = await self.client.post(path, json={"appid": appid}, headers={"X-CSRF-Token": self.csrf})
        assert response.status_code == 200, response.text
        return str(response.json()["code"])

    async def exchange(self, app: RegisteredApp, code: str, secret: str | None = None) -> dict[str, Any]:
        params = {
            "appid": app.appid,
            "secret": secret or app.secret,
            "js_code": code,
            "grant_type": "authorization_code",
        }
        response = await self.client.get("/sns/jscode2session", params=params)
        assert response.status_code == 200
        body: dict[str, Any] = response.json()
        return body

    async def login(self, app: RegisteredApp) -> dict[str, Any]:
        return await self.exchange(app, await self.code(app.appid))

    async def token(self, app: RegisteredApp) -> dict[str, Any]:
        params = {"grant_type": "client_credential", "appid": app.appid, "secret": app.secret}
        body: dict[str, Any] = (await self.client.get("/cgi-bin/token", params=params)).json()
        return body


async def _org(client: httpx.AsyncClient, headers: dict[str, str], name: str) -> int:
    response = await client.post("/api/orgs", json={"name": name}, headers=headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


@asynccontextmanager
async def world(tmp_path: Path, database_url: str, **overrides: Any) -> AsyncIterator[World]:
    async with platform(settings_for(tmp_path, database_url, **overrides)) as (app, client):
        dev_a = await token_for(client, "a@example.com")
        dev_b = await token_for(client, "b@example.com")
        org_a = await _org(client, dev_a, "Org A")
        org_b = await _org(client, dev_b, "Org B")
        w = World(app, client, dev_a, RegisteredApp("", ""), RegisteredApp("", ""), RegisteredApp("", ""), "")
        w.a1 = await w.register(dev_a, org_a, "A one")
        w.a2 = await w.register(dev_a, org_a, "A two")
        w.b1 = await w.register(dev_b, org_b, "B one")
        signup = await client.post(
            "/api/accounts/signup", json={"email": "user@example.com", "password": "long enough"}
        )
        assert signup.status_code == 201, signup.text
        w.csrf = signup.json()["csrf_token"]
        yield w
