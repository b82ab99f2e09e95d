"""The shell boots a logic frame and a blank page frame before any tap; the next app opened takes them."""

from __future__ import annotations

import asyncio

from playwright.async_api import Browser, Page, expect

from tests.conftest import LiveServer

READY = "Boolean(window[Symbol.for('hutong.preboot')]?.ready)"


async def until(page: Page, expression: str) -> None:
    for _ in range(300):  # the shell's policy forbids wait_for_function's eval: poll from here
        if await page.evaluate(expression):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never true: {expression}")


async def test_an_app_opens_in_frames_booted_before_a_tap(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(live_server.url + "/")
    await until(page, READY)
    # Mark the idle frames: the app must run in these very ones, not in frames made at the tap.
    await page.evaluate(
        "() => document.querySelectorAll('#hutong-preboot iframe').forEach((f) => (f.dataset.mark = 'pre'))"
    )
    await page.locator('#sections button[data-appid="hutong-counter"]').click()
    await expect(page.frame_locator("iframe.hutong-page").locator("#count")).to_have_text("0")
    state = await page.evaluate(
        """() => ({
          page: document.querySelector('iframe.hutong-page').dataset.mark,
          logic: [...document.querySelectorAll('iframe.hutong-logic')].map((f) => f.dataset.mark || 'new'),
        })"""
    )
    assert state == {"page": "pre", "logic": ["pre"]}
    # It works like any other: a tap reaches the logic thread and comes back rendered.
    await page.frame_locator("iframe.hutong-page").locator("#increment").click()
    await expect(page.frame_locator("iframe.hutong-page").locator("#count")).to_have_text("1")
    # Back home, the next pair boots for whatever opens next.
    await page.locator("#close-app").click()
    await until(page, READY)
    fresh = await page.evaluate(
        "() => [...document.querySelectorAll('#hutong-preboot iframe')].map((f) => f.dataset.mark || 'new')"
    )
    assert fresh.count("new") == 2
    await context.close()
