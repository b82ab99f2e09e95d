"""`<map>` (Leaflet, served from the xstatic-leaflet package), MapContext, and the host's location
pickers, through the test-maps mini program in real Chromium. Without HUTONG_MAP_TILE_URL the map is a
plain grid; with it, tiles come from the operator's tile server (here a small one on loopback)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image
from playwright.async_api import Browser, FrameLocator, expect

from hutong.settings import Settings
from tests.conftest import TEST_APPS, LiveServer, migrate, open_app, serve

pytestmark = pytest.mark.browser


async def tap(view: FrameLocator, selector: str) -> None:
    await view.locator(selector).click()


async def test_map_draws_overlays_answers_its_context_and_reports_events(
    live_server: LiveServer, browser: Browser
) -> None:
    app = await open_app(browser, live_server, "test-maps")
    view = app.view()
    log = view.locator("#log")
    # Drawn by Leaflet in the page frame, with no tiles configured: a grid, two markers, a callout
    # always shown, a dotted polyline, a polygon and a circle; the cover-view stays over the map.
    await expect(view.locator("wx-map .leaflet-container")).to_be_attached()
    await expect(view.locator("wx-map .hm-grid canvas").first).to_be_attached()
    await expect(view.locator("wx-map .hm-marker")).to_have_count(2)
    await expect(view.locator("wx-map .hm-callout")).to_have_text("Shop one")
    await expect(view.locator("wx-map .hm-label")).to_have_text("two")
    await expect(view.locator("wx-map path.hm-polyline")).to_have_attribute("stroke-dasharray", "8 8")
    await expect(view.locator("wx-map path.hm-polygon")).to_have_attribute("fill-opacity", "0.2")
    await expect(view.locator("wx-map path.hm-circle")).to_have_count(1)
    await expect(view.locator(".over")).to_be_visible()
    assert "<map> 组件暂不支持" not in await app.dev_panel_text()

    await tap(view, "#ask")
    await expect(view.locator("#result")).to_have_text("center 39.908,116.397 scale 14 inside true")
    # Marker, callout and the map itself: each its own event (a tap on a marker is not a map tap).
    await view.locator("wx-map .hm-marker .hm-icon").nth(1).click()
    await expect(log).to_contain_text("marker 2 2;")
    await view.locator("wx-map .hm-callout").click()
    await expect(log).to_contain_text("callout 1;")
    assert "tap " not in (await log.inner_text())
    await view.locator("wx-map").click(position={"x": 5, "y": 295})
    await expect(log).to_contain_text("tap 39.")

    await tap(view, "#translate")
    await expect(log).to_contain_text("translateMarker:ok;")
    await expect(log).to_contain_text("arrived;")
    await tap(view, "#include")
    await expect(view.locator("#result")).to_have_text("fits true")
    await expect(log).to_contain_text("region end update;")
    await tap(view, "#move")
    await expect(log).to_contain_text("moved;")
    await tap(view, "#ask")
    await expect(view.locator("#result")).to_contain_text("center 31.230,121.470")
    assert app.errors == []
    await app.page.close()


class _Tiles(BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []
    png = b""

    def do_GET(self) -> None:
        _Tiles.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.png)))
        self.end_headers()
        self.wfile.write(self.png)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tile_server() -> Iterator[str]:
    """A tile server on loopback that answers every tile with one small PNG and notes what was asked."""
    buffer = BytesIO()
    Image.new("RGB", (256, 256), (200, 220, 200)).save(buffer, "PNG")
    _Tiles.png = buffer.getvalue()
    _Tiles.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def test_tiles_come_from_the_operators_server_and_the_pickers_draw_maps(
    tmp_path: Path, browser: Browser, tile_server: str
) -> None:
    from hutong.examples import load_examples
    from hutong.server.db import Database
    from hutong.server.storage import BlobStore

    (tmp_path / "data").mkdir()
    settings = Settings(
        data_dir=tmp_path / "data",
        map_tile_url=tile_server + "/{z}/{x}/{y}.png",
        map_tile_attribution="© Test Tiles",
    )
    await migrate(settings.effective_database_url)
    db = Database.of_settings(settings)
    apps = tmp_path / "apps"
    shutil.copytree(TEST_APPS / "maps", apps / "maps")
    await load_examples(db, BlobStore(settings.blob_dir), apps)
    await db.dispose()
    async with serve(settings) as server:
        app = await open_app(browser, server, "test-maps")
        view = app.view()
        await expect(view.locator("wx-map img.leaflet-tile-loaded").first).to_be_attached()
        await expect(view.locator("wx-map .leaflet-control-attribution")).to_have_text("© Test Tiles")
        assert any(path.startswith("/14/") for path in _Tiles.seen), _Tiles.seen

        # The pickers, drawn by the host over the same tiles.
        await app.page.goto(f"{server.url}/?open=test-maps&path=pages/pick/pick")
        view = app.page.frame_locator("iframe.hutong-page").last
        _Tiles.seen.clear()
        await view.locator("#open").click()
        sheet = app.page.locator(".hutong-map-layer")
        await expect(sheet.locator(".hutong-map-name")).to_have_text("The Bund")
        await expect(sheet.locator("img.leaflet-tile-loaded").first).to_be_attached()
        assert any(path.startswith("/16/") for path in _Tiles.seen), _Tiles.seen
        await sheet.locator(".hutong-map-close").click()
        await expect(sheet).to_have_count(0)

        await view.locator("#choose").click()
        chooser = app.page.locator(".hutong-choose-location")
        await chooser.locator('input[name="name"]').fill("Tian'anmen")
        await chooser.locator('input[name="address"]').fill("Dongcheng")
        await chooser.locator(".hutong-map-done").click()
        await expect(view.locator("#picked")).to_have_text("Tian'anmen|Dongcheng|39.908,116.397")
        await view.locator("#choose").click()
        await chooser.locator(".hutong-map-cancel").click()
        await expect(view.locator("#picked")).to_have_text("chooseLocation:fail cancel")
        assert app.errors == []
        await app.page.close()
