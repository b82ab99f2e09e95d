"""Mini program codes through the API on SQLite and PostgreSQL: members make them, the app's server
makes them with its AppSecret, and a code round-trips: render → read → resolve → the page and query."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import select

from hutong.compiler import build_project
from hutong.server.apps import service
from hutong.server.apps.models import App
from hutong.server.discovery import code_routes
from hutong.server.discovery.codes import read_codes
from tests.conftest import EXAMPLES
from tests.platform.apiclient import platform, settings_for, token_for


@dataclass
class World:
    client: httpx.AsyncClient
    owner: dict[str, str]
    appid: str
    secret: str


@pytest.fixture
async def world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    async with platform(settings_for(tmp_path, database_url, public_url="https://h.example")) as (
        app,
        client,
    ):
        owner = await token_for(client, "owner@example.com")
        org = (await client.post("/api/orgs", json={"name": "Tea Co"}, headers=owner)).json()["id"]
        made = (await client.post(f"/api/orgs/{org}/apps", json={"name": "Tea"}, headers=owner)).json()
        async with app.state.database.session() as session:
            row = await session.scalar(select(App).where(App.appid == made["appid"]))
            assert row is not None
            await service.publish(
                session,
                app.state.blobs,
                appid=row.appid,
                name=row.name,
                description="",
                version="1.0.0",
                build=build_project(EXAMPLES / "counter"),
                organization_id=org,
            )
        yield World(client, owner, made["appid"], made["secret"])


def _icon() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), (7, 193, 96)).save(buffer, format="JPEG")
    return buffer.getvalue()


async def test_a_members_code_round_trips(world: World) -> None:
    client, appid, owner = world.client, world.appid, world.owner
    icon = await client.put(
        f"/api/manage/apps/{appid}/icon", files={"image": ("i.jpg", _icon(), "image/jpeg")}, headers=owner
    )
    assert icon.status_code == 200 and icon.json()["icon"].startswith("/blobs/")
    stored = await client.get(icon.json()["icon"])
    assert Image.open(io.BytesIO(stored.content)).size == (256, 171)

    made = await client.post(
        f"/api/manage/apps/{appid}/codes",
        json={"page": "/pages/index/index", "query": {"table": "12", "shop": "茶"}},
        headers=owner,
    )
    assert made.status_code == 201, made.text
    code = made.json()
    assert len(code["scene"]) <= 32 and code["page"] == "pages/index/index"
    assert code["content"] == f"https://h.example/s/{appid}/{code['scene']}"
    assert code["link"].startswith(f"https://h.example/miniapp/{appid}/pages/index/index?table=12&")

    png = await client.get(code["png_url"], headers=owner)
    assert png.headers["content-type"] == "image/png"
    # The centre icon is there (green pixels in the middle) and the code still reads.
    picture = Image.open(io.BytesIO(png.content)).convert("RGB")
    assert picture.getpixel((picture.width // 2, picture.height // 2)) == (7, 193, 96)
    texts = read_codes(png.content)
    assert texts == [code["content"]]
    svg = await client.get(code["svg_url"] + "&download=true", headers=owner)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "attachment" in svg.headers["content-disposition"]

    # Anyone resolves it: the page, the query and the token as query.scene.
    resolved = await client.get("/api/codes/resolve", params={"appid": appid, "scene": code["scene"]})
    assert resolved.json() == {
        "appid": appid,
        "page": "pages/index/index",
        "query": {"table": "12", "shop": "茶", "scene": code["scene"]},
        "channel": "release",
        "kind": "code",
    }
    # A host without a BarcodeDetector sends the picture.
    read = await client.post("/api/codes/read", files={"image": ("c.png", png.content, "image/png")})
    assert read.status_code == 200
    assert read.json() == [{"text": code["content"], "target": resolved.json()}]

    listed = (await client.get(f"/api/manage/apps/{appid}/codes", headers=owner)).json()
    assert [c["scene"] for c in listed] == [code["scene"]]
    links = (await client.get(f"/api/manage/apps/{appid}/links", headers=owner)).json()
    assert links == {"https": f"https://h.example/miniapp/{appid}/", "scheme": f"hutong://miniapp/{appid}/"}

    deleted = await client.delete(f"/api/manage/apps/{appid}/codes/{code['id']}", headers=owner)
    assert deleted.status_code == 204
    gone = await client.get("/api/codes/resolve", params={"appid": appid, "scene": code["scene"]})
    assert gone.status_code == 404 and gone.json()["code"] == "code_not_found"


async def test_chosen_scenes_and_bad_input(world: World) -> None:
    client, appid, owner = world.client, world.appid, world.owner
    url = f"/api/manage/apps/{appid}/codes"
    first = await client.post(url, json={"page": "pages/index/index", "scene": "id=7&t=a/b"}, headers=owner)
    assert first.status_code == 201 and first.json()["content"].endswith(
        "/s/" + appid + "/id%3D7%26t%3Da%2Fb"
    )
    again = await client.post(url, json={"page": "pages/index/index", "scene": "id=7&t=a/b"}, headers=owner)
    assert again.json()["id"] == first.json()["id"]
    taken = await client.post(url, json={"page": "pages/other/other", "scene": "id=7&t=a/b"}, headers=owner)
    assert taken.status_code == 409 and taken.json()["code"] == "scene_taken"
    for body, code in [
        ({"scene": "50%off"}, "invalid_scene"),
        ({"scene": "x" * 33}, "invalid_request"),
        ({"page": "../../etc"}, "invalid_page"),
        ({"page": "pages/a?b=c"}, "invalid_page"),
        ({"query": {"scene": "mine"}}, "invalid_query"),
        ({"query": {"k": "v" * 1100}}, "invalid_query"),
    ]:
        refused = await client.post(url, json=body, headers=owner)
        assert refused.status_code == 422 and refused.json()["code"] == code, (body, refused.text)
    not_image = await client.post("/api/codes/read", files={"image": ("x.png", b"nope", "image/png")})
    assert not_image.status_code == 422 and not_image.json()["code"] == "unreadable_image"
    bad_icon = await client.put(
        f"/api/manage/apps/{appid}/icon", files={"image": ("i.png", b"nope", "image/png")}, headers=owner
    )
    assert bad_icon.status_code == 422 and bad_icon.json()["code"] == "invalid_icon"


async def test_the_apps_server_makes_unlimited_codes_with_its_secret(world: World) -> None:
    client, appid = world.client, world.appid

    def basic(secret: str) -> dict[str, str]:
        return {"Authorization": "Basic " + base64.b64encode(f"{appid}:{secret}".encode()).decode()}

    url = "/api/server/getwxacodeunlimit"
    body = {"scene": "order=991", "page": "pages/index/index", "width": 430}
    for headers in ({}, basic("wrong"), {"Authorization": "Basic !!"}, {"Authorization": "Bearer x"}):
        refused = await client.post(url, json=body, headers=headers)
        assert refused.status_code == 401 and refused.json()["code"] == "invalid_app_credentials"
    made = await client.post(url, json=body, headers=basic(world.secret))
    assert made.status_code == 200 and made.headers["content-type"] == "image/png"
    [content] = read_codes(made.content)
    assert content == f"https://h.example/s/{appid}/order%3D991"
    resolved = (await client.get("/api/codes/resolve", params={"appid": appid, "scene": "order=991"})).json()
    assert resolved["page"] == "pages/index/index" and resolved["query"] == {"scene": "order=991"}
    # Asking again for the same scene and page is fine (the same code); unknown pages are refused.
    assert (await client.post(url, json=body, headers=basic(world.secret))).status_code == 200
    unknown = await client.post(
        url, json={"scene": "x", "page": "pages/nope/nope"}, headers=basic(world.secret)
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "invalid_page"
    unchecked = await client.post(
        url,
        json={"scene": "x", "page": "pages/nope/nope", "check_path": False, "format": "svg"},
        headers=basic(world.secret),
    )
    assert unchecked.status_code == 200 and unchecked.content.startswith(b"<svg")
    listed = (await client.get(f"/api/manage/apps/{appid}/codes", headers=world.owner)).json()
    assert {(c["scene"], c["source"]) for c in listed} == {("order=991", "server"), ("x", "server")}


async def test_reading_pictures_has_its_own_budget(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_routes, "SCANS_PER_MINUTE", 2)
    blank = io.BytesIO()
    Image.new("RGB", (40, 40), "white").save(blank, format="PNG")
    statuses = [
        (await world.client.post("/api/codes/read", files={"image": ("b.png", blank.getvalue())})).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
