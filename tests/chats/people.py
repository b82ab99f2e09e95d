"""End users for the chat tests: each with a browser session of their own on one in-process platform."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx


@dataclass
class Person:
    client: httpx.AsyncClient
    csrf: str
    id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"X-CSRF-Token": self.csrf}

    async def post(self, path: str, json: Any = None, status: int | None = None) -> Any:
        response = await self.client.post(path, json=json, headers=self.headers)
        if status is not None:
            assert response.status_code == status, response.text
        return response.json() if response.content else None

    async def get(self, path: str, status: int = 200) -> Any:
        response = await self.client.get(path)
        assert response.status_code == status, response.text
        return response.json()


async def person(
    transport: httpx.AsyncBaseTransport, email: str, base_url: str = "http://testserver"
) -> Person:
    client = httpx.AsyncClient(transport=transport, base_url=base_url)
    signup = await client.post("/api/accounts/signup", json={"email": email, "password": "long enough"})
    assert signup.status_code == 201, signup.text
    session = (await client.get("/api/accounts/session")).json()["user"]
    return Person(client, str(signup.json()["csrf_token"]), int(session["id"]))


async def befriend(a: Person, b: Person) -> int:
    """``b`` adds ``a`` by ``a``'s code and ``a`` accepts; the id of their one-to-one chat."""
    code = (await a.get("/api/me/friend-code"))["code"]
    sent = await b.post("/api/me/contacts/requests", {"code": code}, status=201)
    accepted = await a.post(f"/api/me/contacts/requests/{sent['id']}/accept", status=200)
    return int(accepted["chat_id"])
