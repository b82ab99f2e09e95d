"""The platform journeys' live server: one per database, migrated from empty."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from hutong.settings import Settings
from tests.conftest import DATABASES, LiveServer, migrate, scratch_database, serve


@pytest.fixture(scope="module", params=DATABASES)
async def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LiveServer]:
    directory = tmp_path_factory.mktemp(f"journey-{request.param}")
    with scratch_database(request.param, directory) as url:
        await migrate(url)
        async with serve(Settings(data_dir=directory, database_url=url)) as live:
            yield live
