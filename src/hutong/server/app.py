"""The ASGI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse

import hutong
from hutong.server.apps.routes import router as apps_router
from hutong.server.db import Database
from hutong.server.delivery.routes import router as delivery_router
from hutong.server.delivery.runtime_files import RuntimeFiles
from hutong.server.health import router as health_router
from hutong.server.problems import install_problem_handlers
from hutong.server.storage import BlobStore
from hutong.settings import Settings, get_settings

SHELL_DIR = Path(__file__).parent.parent / "shell"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await app.state.database.dispose()

    app = FastAPI(title="Hutong", version=hutong.__version__, lifespan=lifespan)
    app.state.settings = settings
    app.state.database = Database(settings.effective_database_url)
    app.state.blobs = BlobStore(settings.blob_dir)
    install_problem_handlers(app)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.include_router(health_router)
    app.include_router(apps_router)
    app.include_router(delivery_router)
    app.mount("/_rt", RuntimeFiles(), name="runtime")
    app.mount("/shell", StaticFiles(directory=SHELL_DIR), name="shell")

    @app.get("/", include_in_schema=False)
    async def shell_index() -> FileResponse:
        return FileResponse(SHELL_DIR / "index.html", headers={"Cache-Control": "no-cache"})

    return app
