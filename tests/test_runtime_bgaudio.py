"""The older background audio API in Chromium: playBackgroundAudio plays the app's own file in the host,
its listeners (registered on every page, as reading apps do) hear play, pause and stop, the player
goes on across pages, getBackgroundAudioPlayerState reports WeChat's status numbers, and a call
without dataUrl fails as WeChat's does."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app, wait_until_drawn

TOP = "iframe.hutong-page:not([hidden])"


async def test_play_pause_seek_stop_across_pages(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-bgaudio")
    page = app.page
    try:
        view = page.frame_locator(TOP)
        await expect(view.locator("#state")).to_have_text("status 2")
        await view.locator("#bad").click()
        await expect(view.locator("#result")).to_have_text(
            "playBackgroundAudio:fail parameter error: parameter.dataUrl should be String"
        )
        await view.locator("#play").click()
        await expect(view.locator("#result")).to_have_text("playBackgroundAudio:ok")
        await expect(view.locator("#events")).to_have_text("play")
        # The duration comes with the host player's first timeupdate: read until it is there.
        state = view.locator("#state")
        for _ in range(20):
            await view.locator("#read-state").click()
            if await state.inner_text() == "status 1 /audio/tone.wav 15":
                break
            await page.wait_for_timeout(100)
        await expect(state).to_have_text("status 1 /audio/tone.wav 15")
        await view.locator("#seek").click()
        await expect(view.locator("#result")).to_have_text("seekBackgroundAudio:ok")

        # The next page: the same player still plays; a pause there reaches the first page's listener.
        await view.locator("#next").click()
        await expect(view.locator("#state")).to_have_text("status 1 /audio/tone.wav")
        await view.locator("#pause").click()
        await expect(view.locator("#state")).to_have_text("status 0 /audio/tone.wav")
        await page.get_by_role("button", name="Back").click()
        await expect(view.locator("#events")).to_have_text("play pause")
        await wait_until_drawn(view.locator("#play"))
        await view.locator("#play").click()
        await expect(view.locator("#events")).to_have_text("play pause play")
        await view.locator("#stop").click()
        await expect(view.locator("#events")).to_have_text("play pause play stop")
        assert app.errors == []
    finally:
        await page.close()
