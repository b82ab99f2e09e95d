"""Load our example mini programs into the platform: compile each and release it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hutong.compiler import build_project
from hutong.server.accounts.models import Organization
from hutong.server.apps import service
from hutong.server.apps.models import App
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


def find_examples(root: Path) -> list[ExampleInfo]:
    """Every folder under ``root`` with a project.config.json naming its appid."""
    found = []
    for config_path in sorted(root.glob("*/project.config.json")):
        config = json.loads(config_path.read_text(encoding="utf-8"))
        directory = config_path.parent
        listing = config.get("hutong") if isinstance(config.get("hutong"), dict) else {}
        found.append(
            ExampleInfo(
                directory=directory,
                appid=str(config.get("appid") or directory.name),
                name=str(config.get("projectname") or directory.name),
                description=str(config.get("description") or ""),
                keywords=tuple(str(word) for word in listing.get("keywords") or ()),
                category=str(listing.get("category") or ""),
                subscribe=tuple(listing.get("subscribe") or ()),
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
