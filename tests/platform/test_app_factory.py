"""create_app: one process makes many platforms (every API test does, and `hutong dev` remakes its
own); they share the route table, made once, and nothing else."""

from __future__ import annotations

import asyncio
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from hutong.server.app import _ROUTERS, platform_routes
from tests.conftest import _copy_sqlite, _template
from tests.platform.apiclient import platform, settings_for


async def _sqlite_copy(directory: Path) -> str:
    directory.mkdir()
    path = directory / "test.db"
    await asyncio.to_thread(_copy_sqlite, Path(await asyncio.to_thread(_template, "sqlite")), path)
    return f"sqlite+aiosqlite:///{path}"


async def test_two_platforms_in_one_process_share_routes_not_state(tmp_path: Path) -> None:
    first = settings_for(tmp_path / "a", await _sqlite_copy(tmp_path / "a-db"))
    second = settings_for(tmp_path / "b", await _sqlite_copy(tmp_path / "b-db"))
    account = {"email": "same@example.com", "password": "long enough"}
    async with platform(first) as (app_a, a), platform(second) as (app_b, b):
        # The route objects are the same (made once per process), in the same order.
        # (Starlette's routes compare equal by path and endpoint, so identity is what says shared.)
        in_b = [id(route) for route in app_b.routes]
        shared = [in_b.index(id(route)) for route in app_a.routes if id(route) in in_b]
        assert len(shared) > 400 and shared == sorted(shared)
        # Each answers from its own database: the same address signs up on both, a password
        # changed on one is unchanged on the other.
        assert (await a.post("/api/accounts/signup", json=account)).status_code == 201
        assert (await b.post("/api/accounts/signup", json=account)).status_code == 201
        assert (await a.post("/api/tokens", json=account)).status_code == 201
        only_a = {"email": "only-a@example.com", "password": "long enough"}
        assert (await a.post("/api/accounts/signup", json=only_a)).status_code == 201
        assert (await b.post("/api/tokens", json=only_a)).status_code == 401
        # And with its own platform keys (generated into each data dir).
        keys_a = (await a.get("/.well-known/hutong/platform-keys.json")).json()
        keys_b = (await b.get("/.well-known/hutong/platform-keys.json")).json()
        assert keys_a != keys_b


def test_the_shared_routes_are_what_including_the_routers_makes() -> None:
    """The app takes the routers' own route objects rather than FastAPI's include_router copies: the
    API they describe must be the same, operation for operation."""
    included = FastAPI()
    for router in _ROUTERS:
        included.include_router(router)
    shared = platform_routes()
    assert [(getattr(r, "path", None), getattr(r, "methods", None)) for r in shared] == [
        (getattr(r, "path", None), getattr(r, "methods", None))
        for r in included.routes[len(included.routes) - len(shared) :]
    ]
    made = get_openapi(title="Hutong", version="1", routes=list(shared))
    expected = get_openapi(title="Hutong", version="1", routes=included.routes)
    assert made == expected
    assert len(made["paths"]) > 200
