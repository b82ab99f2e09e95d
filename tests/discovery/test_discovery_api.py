"""Discovery through the API on SQLite and PostgreSQL: search in Chinese, English and pinyin over live
apps only, kept in step when apps change (also in a second server process), ranking by use, launches
recorded with their scene, recent and pinned per person, categories."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from hutong.compiler import build_project
from hutong.server.accounts.service import set_operator_role
from hutong.server.apps import service
from hutong.server.apps.models import App
from hutong.server.events.service import StoredEvent, recent_events
from tests.conftest import EXAMPLES
from tests.platform.apiclient import platform, settings_for, token_for

COUNTER = build_project(EXAMPLES / "counter")


@dataclass
class Catalogue:
    app: FastAPI
    client: httpx.AsyncClient
    owner: dict[str, str]
    org: int
    appids: dict[str, str]  # our label -> appid
    secrets: dict[str, str]
    settings: Any

    async def register(self, label: str, release: bool = True, **fields: Any) -> str:
        made = await self.client.post(f"/api/orgs/{self.org}/apps", json=fields, headers=self.owner)
        assert made.status_code == 201, made.text
        appid: str = made.json()["appid"]
        self.appids[label] = appid
        self.secrets[label] = made.json()["secret"]
        if release:
            await self.release(appid)
        return appid

    async def release(self, appid: str) -> None:
        """Put a build live at once (the demo's seeding path: no review)."""
        async with self.app.state.database.session() as session:
            app = await session.scalar(select(App).where(App.appid == appid))
            assert app is not None
            await service.publish(
                session,
                self.app.state.blobs,
                appid=appid,
                name=app.name,
                description=app.description,
                version="1.0.0",
                build=COUNTER,
                organization_id=self.org,
            )

    async def search(self, query: str, client: httpx.AsyncClient | None = None) -> list[str]:
        response = await (client or self.client).get("/api/search", params={"q": query})
        assert response.status_code == 200, response.text
        return [hit["appid"] for hit in response.json()]


@pytest.fixture
async def catalogue(database_url: str, tmp_path: Path) -> AsyncIterator[Catalogue]:
    settings = settings_for(tmp_path, database_url)
    async with platform(settings) as (app, client):
        owner = await token_for(client, "owner@example.com")
        org = (await client.post("/api/orgs", json={"name": "Tea Co"}, headers=owner)).json()["id"]
        world = Catalogue(app, client, owner, org, {}, {}, settings)
        await world.register(
            "tea",
            name="茶小铺奶茶",
            keywords=["奶茶", "tea", "milk tea"],
            category="美食",
            description="现做奶茶和水果茶，在线点单",
        )
        await world.register(
            "moving", name="快搬家", keywords=["搬家", "moving"], category="生活服务", description="Quotes"
        )
        await world.register("draft", release=False, name="奶茶草稿", keywords=["奶茶", "tea"])
        yield world


async def test_an_end_user_finds_the_tea_shop(catalogue: Catalogue) -> None:
    tea = catalogue.appids["tea"]
    for query in ("奶茶", "tea", "naicha", "nc", "Milk Tea"):
        found = await catalogue.search(query)
        assert found and found[0] == tea, (query, found)
    assert await catalogue.search("banjia") == [catalogue.appids["moving"]]
    # Never an app without a live release.
    assert catalogue.appids["draft"] not in await catalogue.search("奶茶")
    assert await catalogue.search("zzqqxx") == []
    hit = (await catalogue.client.get("/api/search", params={"q": "奶茶"})).json()[0]
    assert hit["name"] == "茶小铺奶茶" and hit["category"] == "美食" and hit["score"] > 0


async def test_the_index_follows_changes_in_every_process(catalogue: Catalogue) -> None:
    client, tea = catalogue.client, catalogue.appids["tea"]
    assert await catalogue.search("bubble") == []
    # A second server process on the same database builds its own index.
    async with platform(catalogue.settings) as (_other, other):
        assert (await catalogue.search("奶茶", other))[0] == tea
        renamed = await client.patch(
            f"/api/manage/apps/{tea}", json={"keywords": ["bubble tea"]}, headers=catalogue.owner
        )
        assert renamed.status_code == 200
        assert await catalogue.search("bubble") == [tea]
        assert await catalogue.search("bubble", other) == [tea]
        # Released later: found from then on.
        await catalogue.release(catalogue.appids["draft"])
        assert catalogue.appids["draft"] in await catalogue.search("奶茶", other)
        # Taken down: gone at once, everywhere.
        admin = await token_for(client, "admin@example.com")
        async with catalogue.app.state.database.session() as session:
            await set_operator_role(session, "admin@example.com", "admin")
        down = await client.post(f"/api/admin/apps/{tea}/takedown", json={"reason": "test"}, headers=admin)
        assert down.status_code == 200, down.text
        assert tea not in await catalogue.search("bubble")
        assert tea not in await catalogue.search("奶茶", other)


async def test_use_ranks_equals_and_launches_keep_their_scene(catalogue: Catalogue) -> None:
    client = catalogue.client
    house = await catalogue.register("house", name="Tea House", keywords=["oolong"])
    garden = await catalogue.register("garden", name="Tea Garden", keywords=["oolong"])
    assert (await catalogue.search("oolong"))[:2] == [garden, house]  # by name when unused
    for _ in range(3):
        launched = await client.get(f"/api/apps/{house}/launch", params={"scene": 1005, "path": "pages/x"})
        assert launched.status_code == 200
    await catalogue.app.state.events.flush()  # launches are buffered, then written together
    catalogue.app.state.catalogue.forget_uses()
    assert (await catalogue.search("oolong"))[:2] == [house, garden]
    launches = await stored_launches(catalogue, house)
    assert [(event.scene, event.name) for event in launches] == [(1005, "pages/x")] * 3
    assert launches[0].audience.startswith("device:")
    # A nonsense scene counts as the app list's.
    await client.get(f"/api/apps/{house}/launch", params={"scene": 7})
    assert (await stored_launches(catalogue, house))[0].scene == 1001


async def stored_launches(catalogue: Catalogue, appid: str) -> list[StoredEvent]:
    """The launch events, newest first, once this process's buffer is written."""
    await catalogue.app.state.events.flush()
    async with catalogue.app.state.database.session() as session:
        return await recent_events(session, appid, kinds=("launch",))


async def test_categories_and_browsing(catalogue: Catalogue) -> None:
    client = catalogue.client
    first = (await client.get("/api/categories")).json()
    assert sorted(first, key=lambda c: c["name"]) == [
        {"name": "生活服务", "count": 1},
        {"name": "美食", "count": 1},
    ]
    await catalogue.register("cafe", name="Cafe", category="美食")
    categories = (await client.get("/api/categories")).json()
    assert categories[0] == {"name": "美食", "count": 2}
    food = (await client.get("/api/apps", params={"category": "美食"})).json()
    assert sorted(app["appid"] for app in food) == sorted([catalogue.appids["tea"], catalogue.appids["cafe"]])


async def test_recent_and_pinned_per_person(catalogue: Catalogue) -> None:
    client, tea, moving = catalogue.client, catalogue.appids["tea"], catalogue.appids["moving"]
    alice = await token_for(client, "alice@example.com")
    bob = await token_for(client, "bob@example.com")
    await client.get(f"/api/apps/{tea}/launch", headers=alice)
    await client.get(f"/api/apps/{moving}/launch", headers=bob)
    await client.get(f"/api/apps/{moving}/launch", headers=alice)

    async def recent(headers: dict[str, str] | None = None, cookies: Any = None) -> list[str]:
        response = await client.get("/api/me/recent", headers=headers or {}, cookies=cookies)
        assert response.status_code == 200
        return [app["appid"] for app in response.json()]

    assert await recent(alice) == [moving, tea]
    assert await recent(bob) == [moving]
    # Anonymous: by device cookie; a fresh device has nothing.
    client.cookies.clear()
    assert await recent() == []
    await client.get(f"/api/apps/{tea}/launch")
    assert await recent() == [tea]
    assert await recent(alice) == [moving, tea]
    # Signing in keeps what this device opened (the newer of two opening times wins).
    adopted = await client.post("/api/me/recent/adopt", headers=bob)
    assert [app["appid"] for app in adopted.json()] == [tea, moving]
    assert await recent(bob) == [tea, moving]
    assert (await client.post("/api/me/recent/adopt")).status_code == 401
    forgot = await client.delete(f"/api/me/recent/{moving}", headers=alice)
    assert forgot.status_code == 204
    assert await recent(alice) == [tea]

    assert (await client.get("/api/me/pinned")).status_code == 401
    assert (await client.put(f"/api/me/pinned/{tea}")).status_code == 401
    for appid in (moving, tea, moving):
        assert (await client.put(f"/api/me/pinned/{appid}", headers=alice)).status_code == 204
    pinned = (await client.get("/api/me/pinned", headers=alice)).json()
    assert [app["appid"] for app in pinned] == [moving, tea]
    assert (await client.get("/api/me/pinned", headers=bob)).json() == []
    missing = await client.put(f"/api/me/pinned/{catalogue.appids['draft']}", headers=alice)
    assert missing.status_code == 404 and missing.json()["code"] == "app_not_found"
    assert (await client.delete(f"/api/me/pinned/{moving}", headers=alice)).status_code == 204
    assert [a["appid"] for a in (await client.get("/api/me/pinned", headers=alice)).json()] == [tea]


async def test_about(catalogue: Catalogue) -> None:
    about = (await catalogue.client.get(f"/api/apps/{catalogue.appids['tea']}/about")).json()
    assert about["name"] == "茶小铺奶茶" and about["developer"] == "Tea Co" and about["version"] == "1.0.0"
    missing = await catalogue.client.get(f"/api/apps/{catalogue.appids['draft']}/about")
    assert missing.status_code == 404
