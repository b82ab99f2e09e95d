"""Blobs are served with the media type recorded when they were stored, never sniffed, and as
sandboxed documents when opened directly."""

from __future__ import annotations

from pathlib import Path

from hutong.compiler import build_project
from hutong.server.apps import service as apps
from hutong.server.storage import BlobStore, media_type_for
from tests.conftest import TEST_APPS, migrate
from tests.platform.apiclient import platform, settings_for


async def test_blobs_carry_their_recorded_media_types(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'b.db'}"
    await migrate(url)
    settings = settings_for(tmp_path, url)
    async with platform(settings) as (app, client):
        async with app.state.database.session() as session:
            await apps.publish(
                session,
                BlobStore(settings.blob_dir),
                appid="hutong-blobs",
                name="Blobs",
                description="",
                version="1.0.0",
                build=build_project(TEST_APPS / "widgets"),
            )
        manifest = (await client.get("/api/apps/hutong-blobs/launch")).json()
        bundles = manifest["bundles"]
        expected = {
            "logic.js": "text/javascript; charset=utf-8",
            "app-config.json": "application/json",
            "images/blue.png": "image/png",
        }
        for name, media_type in expected.items():
            response = await client.get(bundles[name]["url"])
            assert response.status_code == 200, name
            assert response.headers["content-type"] == media_type, name
            assert response.headers["x-content-type-options"] == "nosniff"
            assert "sandbox" in response.headers["content-security-policy"]
        # The same bytes stored again under another name keep their first type; unknown kinds (and
        # anything that could be a document) are octet-stream.
        store = BlobStore(settings.blob_dir)
        digest = store.put(
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "image/svg+xml"
        )
        assert (
            store.put(
                b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "text/plain"
            )
            == digest
        )
        svg = await client.get(f"/blobs/{digest}")
        assert svg.headers["content-type"] == "image/svg+xml"
        assert svg.headers["content-security-policy"].endswith("sandbox")  # no script on our origin
        assert (await client.get(f"/blobs/{store.put(b'raw bytes')}")).headers["content-type"] == (
            "application/octet-stream"
        )
        # One byte range, as media elements ask to seek: 206 with Content-Range; past the end, 416.
        digest = store.put(bytes(range(100)), "audio/wav")
        whole = await client.get(f"/blobs/{digest}")
        assert whole.headers["accept-ranges"] == "bytes" and len(whole.content) == 100
        part = await client.get(f"/blobs/{digest}", headers={"Range": "bytes=10-19"})
        assert part.status_code == 206 and part.content == bytes(range(10, 20))
        assert part.headers["content-range"] == "bytes 10-19/100"
        tail = await client.get(f"/blobs/{digest}", headers={"Range": "bytes=-5"})
        assert tail.content == bytes(range(95, 100)) and tail.headers["content-range"] == "bytes 95-99/100"
        rest = await client.get(f"/blobs/{digest}", headers={"Range": "bytes=90-"})
        assert rest.content == bytes(range(90, 100))
        beyond = await client.get(f"/blobs/{digest}", headers={"Range": "bytes=100-"})
        assert beyond.status_code == 416 and beyond.headers["content-range"] == "bytes */100"
        several = await client.get(f"/blobs/{digest}", headers={"Range": "bytes=0-1,5-6"})
        assert several.status_code == 200 and len(several.content) == 100
    assert media_type_for("page.html") == "application/octet-stream"
    assert media_type_for("FONTS/Icon.WOFF2") == "font/woff2"
    assert media_type_for("sound/ding.mp3") == "audio/mpeg"
