"""wx.createWorker: the app's workers folder runs in a thread of its own under the logic thread's
policy, through the test-worker mini program in real Chromium."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


async def test_worker_talks_both_ways_and_is_locked_down(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-worker")
    view = app.view()
    log = view.locator("#log")

    async def lines() -> list[Any]:
        return [json.loads(line) for line in (await log.text_content() or "").splitlines() if line]

    await view.locator("#start").click()
    await expect(log).to_contain_text('"kind":"ready"')
    await expect(log).to_contain_text('"second":"refused"')
    await view.locator("#sum").click()
    await expect(log).to_contain_text('"kind":"sum"')
    assert {"kind": "sum", "value": 10} in await lines()

    await view.locator("#probe").click()
    await expect(log).to_contain_text('"kind":"probe"')
    probe = next(line for line in await lines() if line.get("kind") == "probe")
    assert probe == {
        "kind": "probe",
        "wx": "undefined",
        "fetch": "undefined",
        "xhr": "undefined",
        "socket": "undefined",
        "importScripts": "undefined",
        "nested": "undefined",
        "eval": "refused:EvalError",
        "fn": "refused:EvalError",
        "global": "ok:object",
        "outside": "refused:Error",
    }

    # Terminated: a message posted after it goes nowhere; a path outside the folder is refused.
    await view.locator("#stop").click()
    await expect(log).to_contain_text('"stopped":true')
    assert {"stopped": True, "outside": "refused"} in await lines()
    await app.page.wait_for_timeout(300)
    assert [line for line in await lines() if line.get("kind") == "sum"] == [{"kind": "sum", "value": 10}]
    # Started again after terminate: a fresh thread.
    await view.locator("#start").click()
    # The first thread's "ready" is already in the log: wait for the second.
    await expect(log).to_have_text(re.compile(r'"kind":"ready"[\s\S]*"kind":"ready"'), timeout=5000)
    assert len([line for line in await lines() if line.get("kind") == "ready"]) == 2
    assert app.errors == []
    await app.page.close()
