"""`hutong dev` applies ext.json as WeChat's DevTools do and as an upload to a provider's development
app does: with extEnable its keys merge over app.json and its ``ext`` is the app's ext config
(wx.getExtConfigSync); editing it rebuilds; a bad one is a build error; extEnable false ignores it.
Observed over HTTP: the launch manifest's app-config.json, as the host fetches it."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx

from hutong.devserver import BuildReport
from tests.test_dev_mode import Dev, dev  # noqa: F401  (the dev-server fixture)


async def _rebuilt(d: Dev, write: str) -> BuildReport:
    """Write ext.json and wait for the watcher's next build report."""
    previous = d.session.last
    (d.project / "ext.json").write_text(write, encoding="utf-8")
    deadline = time.monotonic() + 20
    while d.session.last is previous:
        if time.monotonic() > deadline:
            raise AssertionError("no rebuild after ext.json changed")
        await asyncio.sleep(0.05)
    assert d.session.last is not None
    return d.session.last


async def _config(d: Dev) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=d.url) as client:
        launch = await client.get(f"/api/apps/{d.session.appid}/launch")
        assert launch.status_code == 200, launch.text
        url = launch.json()["bundles"]["app-config.json"]["url"]
        blob = await client.get(url)
        assert blob.status_code == 200
        config: dict[str, Any] = json.loads(blob.content)
        return config


async def test_dev_applies_ext_json_and_reloads_on_its_change(dev: Dev) -> None:  # noqa: F811
    before = await _config(dev)
    assert not before.get("ext") and before["window"]["navigationBarTitleText"] == "Counter"

    ext: dict[str, Any] = {
        "extEnable": True,
        "extAppid": "wxmerchant0001",
        "ext": {"shopName": "Dev Tea"},
        "window": {"navigationBarBackgroundColor": "#123456"},
        "extPages": {"pages/index/index": {"navigationBarTitleText": "调试首页"}},
    }
    assert (await _rebuilt(dev, json.dumps(ext, ensure_ascii=False))).ok
    config = await _config(dev)
    assert config["ext"] == {"shopName": "Dev Tea"}
    assert config["window"]["navigationBarBackgroundColor"] == "#123456"
    assert config["pageConfigs"]["pages/index/index"]["window"]["navigationBarTitleText"] == "调试首页"

    # Editing ext.json rebuilds with the new ext.
    assert (await _rebuilt(dev, json.dumps({**ext, "ext": {"shopName": "Other Tea"}}))).ok
    assert (await _config(dev))["ext"] == {"shopName": "Other Tea"}

    # A bad ext.json is a build error (the host page shows it); the last good build keeps running.
    bad = await _rebuilt(dev, "{not json")
    assert not bad.ok and "ext.json is not JSON" in bad.message
    bad = await _rebuilt(dev, json.dumps({**ext, "extPage": {}}))
    assert not bad.ok and "unknown field extPage" in bad.message
    assert (await _config(dev))["ext"] == {"shopName": "Other Tea"}

    # Without extEnable the file is ignored, as in WeChat.
    assert (await _rebuilt(dev, json.dumps({**ext, "extEnable": False}))).ok
    off = await _config(dev)
    assert not off.get("ext") and off["window"]["navigationBarBackgroundColor"] == "#07c160"
