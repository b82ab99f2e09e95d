"""HTTP routes for apps: the list the host shows, and the launch manifest."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from hutong.server.apps import service
from hutong.server.deps import database

router = APIRouter(prefix="/api/apps", tags=["apps"])


class AppOut(BaseModel):
    appid: str
    name: str
    description: str


class BundleOut(BaseModel):
    url: str
    sha256: str
    size: int


class LaunchManifest(BaseModel):
    appid: str
    name: str
    version: str
    bundles: dict[str, BundleOut]


@router.get("", response_model=list[AppOut])
async def list_apps(request: Request) -> list[Any]:
    async with database(request).session() as session:
        return list(await service.list_apps(session))


@router.get("/{appid}/launch", response_model=LaunchManifest)
async def launch(appid: str, request: Request) -> LaunchManifest:
    """Which release this user gets, and the hash of each bundle the host must check."""
    async with database(request).session() as session:
        app, release = await service.current_release(session, appid)
    bundles = {
        name: BundleOut(url=f"/blobs/{info['sha256']}", sha256=info["sha256"], size=info["size"])
        for name, info in release.bundles.items()
    }
    return LaunchManifest(appid=app.appid, name=app.name, version=release.version, bundles=bundles)
