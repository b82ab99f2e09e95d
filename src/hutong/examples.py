"""Load our example mini programs into the platform: compile each and release it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong import sidecar
from hutong.compiler import build_project
from hutong.server.accounts.models import Organization
from hutong.server.apps import service
from hutong.server.apps.models import DOMAIN_KINDS, App
from hutong.server.db import Database
from hutong.server.storage import BlobStore
from hutong.server.subscribe import library


@dataclass
class ExampleInfo:
    directory: Path
    appid: str
    name: str
    description: str
    # From project.config.json's "hutong" object: what the platform's search knows the app by.
    keywords: tuple[str, ...] = ()
    category: str = ""
    # Subscription message templates to create at fixed ids: [{id, tid, kidList, sceneDesc}]
    subscribe: tuple[dict[str, Any], ...] = ()
    # The example's own back end ("backend": {"script", "port"}): a Python script that `hutong demo`
    # starts on that port (the address the mini program's code calls), see run_backend.
    backend: Path | None = None
    backend_port: int = 0


def find_examples(root: Path) -> list[ExampleInfo]:
    """Every folder under ``root`` with a project.config.json naming its appid."""
    found = []
    for config_path in sorted(root.glob("*/project.config.json")):
        config = json.loads(config_path.read_text(encoding="utf-8"))
        directory = config_path.parent
        listing = config.get("hutong") if isinstance(config.get("hutong"), dict) else {}
        backend: dict[str, Any] = listing["backend"] if isinstance(listing.get("backend"), dict) else {}
        found.append(
            ExampleInfo(
                directory=directory,
                appid=str(config.get("appid") or directory.name),
                name=str(config.get("projectname") or directory.name),
                description=str(config.get("description") or ""),
                keywords=tuple(str(word) for word in listing.get("keywords") or ()),
                category=str(listing.get("category") or ""),
                subscribe=tuple(listing.get("subscribe") or ()),
                backend=(directory / str(backend["script"])).resolve() if backend.get("script") else None,
                backend_port=int(backend.get("port") or 0),
            )
        )
    return found


DEMO_ORGANIZATION = "Hutong demo"


async def demo_organization(session: AsyncSession) -> Organization:
    """The organization the examples belong to (it has no members until someone is added)."""
    org = await session.scalar(select(Organization).where(Organization.name == DEMO_ORGANIZATION))
    if org is None:
        org = Organization(name=DEMO_ORGANIZATION)
        session.add(org)
        await session.flush()
    return org


async def load_examples(
    database: Database, store: BlobStore, root: Path, version: str = "1.0.0"
) -> list[str]:
    """Compile every example and release it to everyone under the demo organization; returns the appids."""
    loaded = []
    for example in find_examples(root):
        build = build_project(example.directory)
        async with database.session() as session:
            org = await demo_organization(session)
            release = await service.publish(
                session,
                store,
                appid=example.appid,
                name=example.name,
                description=example.description,
                version=version,
                build=build,
                organization_id=org.id,
                keywords=list(example.keywords),
                category=example.category,
            )
            if example.subscribe:
                app = await session.get(App, release.app_id)
                assert app is not None
                await library.seed_templates(session, app, example.subscribe)
        loaded.append(example.appid)
    return loaded


@dataclass
class RunningBackend:
    appid: str
    url: str
    process: subprocess.Popen[bytes]


async def prepare_backend(database: Database, appid: str, origin: str) -> str:
    """Give an example app a fresh AppSecret for its back end and let the app call ``origin`` (a
    loopback http origin, which the console's domain rules refuse: the demo sets it directly)."""
    async with database.session() as session:
        secret = await service.new_example_secret(session, appid)
        app = await session.scalar(select(App).where(App.appid == appid))
        assert app is not None
        domains = {kind: list((app.domains or {}).get(kind, [])) for kind in DOMAIN_KINDS}
        if origin not in domains["request"]:
            domains["request"].append(origin)
        app.domains = domains
    return secret


@contextmanager
def run_backend(
    example: ExampleInfo, platform: str, secret: str, port: int | None = None, args: tuple[str, ...] = ()
) -> Iterator[RunningBackend]:
    """Start an example's back end as a process of its own (as a developer's server runs beside the
    platform), wait until it answers ``/health``, and stop it afterwards."""
    assert example.backend is not None
    port = port or example.backend_port
    env = {**os.environ, "PLATFORM_URL": platform, "APPID": example.appid, "APP_SECRET": secret}
    command = [sys.executable, str(example.backend), "--port", str(port), *args]
    url = f"http://127.0.0.1:{port}"
    with sidecar.serving(command, url, f"the back end of {example.appid} on port {port}", env) as process:
        yield RunningBackend(example.appid, url, process)
