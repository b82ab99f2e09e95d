"""Shared steps for the subscription tests: an app in a library category, its access token, calls."""

from __future__ import annotations

from typing import Any

from tests.identity.world import RegisteredApp, World


async def set_category(w: World, app: RegisteredApp, category: str, headers: dict[str, str]) -> None:
    response = await w.client.patch(
        f"/api/manage/apps/{app.appid}", json={"category": category}, headers=headers
    )
    assert response.status_code == 200, response.text


async def call(w: World, method: str, path: str, token: str, **kwargs: Any) -> dict[str, Any]:
    """A developer-server call; WeChat answers HTTP 200 with ``errcode`` on success and failure."""
    response = await w.client.request(
        method, path, params={"access_token": token, **kwargs.pop("params", {})}, **kwargs
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
