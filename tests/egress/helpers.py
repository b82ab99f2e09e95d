"""A platform for the egress tests: SQLite or PostgreSQL, only the named test mini programs released,
and the egress proxy's address override as the test asks (off unless given)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx

from hutong.settings import Settings
from tests.conftest import TEST_APPS, LiveServer, migrate, publish_project, scratch_database, serve


async def publish_test_apps(settings: Settings, folders: list[str]) -> None:
    for folder in folders:
        config = json.loads((TEST_APPS / folder / "project.config.json").read_text())
        await publish_project(
            settings, TEST_APPS / folder, config["appid"], "1.0.0", config.get("projectname", folder)
        )


@asynccontextmanager
async def egress_platform(
    directory: Path, folders: list[str], allow_networks: str = "", kind: str = "sqlite"
) -> AsyncIterator[LiveServer]:
    """The platform on a loopback port with ``folders`` of tests/apps released."""
    with scratch_database(kind, directory) as url:
        await migrate(url)
        settings = Settings(data_dir=directory, database_url=url, egress_allow_networks=allow_networks)
        await publish_test_apps(settings, folders)
        async with serve(settings) as live:
            yield live


async def app_token(server: LiveServer, appid: str) -> str:
    """The launch manifest's token for ``appid``, as the host gets it."""
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get(f"/api/apps/{appid}/launch")
        assert response.status_code == 200, response.text
        token: str = json.loads(response.content)["events_token"]
        return token
