"""<audio> with wx.createAudioContext, wx.createWebAudioContext (played by the host page) and
InnerAudioContext's buffered, through the test-audio mini program in real Chromium."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_audio_component_context_and_web_audio(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-audio")
    view = app.view()
    log = view.locator("#log")

    async def lines() -> list[Any]:
        return [json.loads(line) for line in (await log.text_content() or "").splitlines() if line]

    # WeChat's controls: the name and author; the component without `controls` draws nothing.
    player = view.locator("#player")
    await expect(player.locator(".name")).to_have_text("A tone")
    await expect(player.locator(".author")).to_have_text("Hutong")
    assert await view.locator("#broken").evaluate("e => e.shadowRoot.querySelector('.box').offsetHeight") == 0
    await expect(log).to_contain_text('"target":"broken"')
    assert {
        "event": "error",
        "target": "broken",
        "detail": {"errMsg": "MEDIA_ERR_SRC_NOT_SUPPORTED"},
    } in await lines()

    # AudioContext drives it: play, the time moves, seek, pause.
    await view.locator("#play").click()
    await expect(log).to_contain_text('"event":"play"')
    await expect(view.locator("#time")).not_to_have_text("0", timeout=5000)
    await view.locator("#seek").click()
    await expect(view.locator("#time")).to_have_text(re.compile(r"^1[0-4]"), timeout=5000)
    await view.locator("#pause").click()
    await expect(log).to_contain_text('"event":"pause"')
    # The control over the poster plays it too.
    await player.locator(".poster").click()
    await expect(player.locator(".poster")).to_have_attribute("aria-label", "pause")
    await player.locator(".poster").click()

    # Web Audio through the host: a buffer made in the logic thread plays to its end.
    await view.locator("#web").click()
    await expect(log).to_contain_text('"web":"resumed"')
    await expect(log).to_contain_text('"web":"ended"', timeout=5000)
    web = [line for line in await lines() if "web" in line]
    assert web == [
        {"web": "resumed", "state": "running", "sampleRate": True},
        {"web": "ended", "state": "running", "played": True},
    ]
    # Decoding happens in the host; the samples come back.
    await view.locator("#decode").click()
    await expect(log).to_contain_text('"decoded"')
    await expect(log).to_contain_text('"garbage":"refused"')
    assert {"decoded": 1, "seconds": 0.1, "samples": True} in await lines()

    # InnerAudioContext.buffered: how far the audio is loaded past the current position.
    await view.locator("#inner").click()
    await expect(log).to_contain_text('"inner":"time"', timeout=5000)
    assert {"inner": "time", "buffered": True, "duration": 15} in await lines()
    assert app.errors == []
    await app.page.close()
