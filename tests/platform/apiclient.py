"""An in-process client for the platform API, on whichever database the test runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from hutong.server.app import create_app
from hutong.settings import Settings


@asynccontextmanager
async def platform(
    settings: Settings, client_ip: str = "127.0.0.1"
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app, client=(client_ip, 4242))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield app, client
    await app.state.database.dispose()
    await app.state.limiter.close()


def settings_for(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    return Settings(data_dir=data_dir, database_url=database_url, **overrides)


async def token_for(client: httpx.AsyncClient, email: str, password: str = "long enough") -> dict[str, str]:
    """Sign up ``email`` and return bearer headers for a fresh API token."""
    signup = await client.post("/api/accounts/signup", json={"email": email, "password": password})
    assert signup.status_code == 201, signup.text
    client.cookies.clear()
    token = await client.post("/api/tokens", json={"email": email, "password": password})
    assert token.status_code == 201, token.text
    return {"Authorization": f"Bearer {token.json()['token']}"}
