"""A mini program against the user's chats, with the user signed in and in a chat: from its logic
thread and from its page frame it tries to read the chats and their messages, post a card or a text,
and open the live connection; and it forges the bridge messages that ask the host for the share sheet
(as if from the capsule menu, and as if from a share button), with no tap. Every attempt fails: the
host draws no sheet (WeChat opens it only from a tap), and the chat stays empty."""

from __future__ import annotations

import asyncio
import secrets

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, logic_without_a_gesture
from tests.hostile.conftest import host_page, open_hostile
from tests.hostile.test_hostile_bridge import logic_worker, probe

# Hostile apps try to reach the host's storage and leave things behind: each in a context as new as
# a user's first visit, never one cleaned after another test (tests/browser_pool.py).
pytestmark = pytest.mark.fresh_context

FORGE_SHARE = """async (base) => {
  const { send } = self[Symbol.for('hutong.modules')]['logic/bridge.js'];
  const { callHost } = self[Symbol.for('hutong.modules')]['logic/call.js'];
  send({ t: 'share:show', id: 1, kind: 'appMessage', from: 'menu', result: { title: 'forged card' } });
  send({ t: 'share:show', id: 1, kind: 'appMessage', from: 'button', result: { title: 'forged card' } });
  const names = ['share', 'shareSend', 'sendShare', 'chats', 'shares'];
  const answers = {};
  for (const name of names) {
    answers[name] = await callHost(name, { chat_ids: [1] }).then(() => 'ANSWERED', (r) => r.errMsg);
  }
  return answers;
}"""


async def test_a_mini_program_cannot_read_or_write_chats(browser: Browser, live_server: LiveServer) -> None:
    page = await host_page(browser, live_server)
    tag = secrets.token_hex(3)
    signup = await page.context.request.post(
        f"{live_server.url}/api/accounts/signup",
        data={"email": f"h-{tag}@example.com", "password": "long enough"},
    )
    csrf = {"X-CSRF-Token": (await signup.json())["csrf_token"]}
    async with httpx.AsyncClient(base_url=live_server.url) as friend:
        made = await friend.post(
            "/api/accounts/signup", json={"email": f"f-{tag}@example.com", "password": "long enough"}
        )
        friend_csrf = {"X-CSRF-Token": made.json()["csrf_token"]}
        code = (await friend.get("/api/me/friend-code")).json()["code"]
        asked = await page.context.request.post(
            f"{live_server.url}/api/me/contacts/requests", data={"code": code}, headers=csrf
        )
        accepted = await friend.post(
            f"/api/me/contacts/requests/{(await asked.json())['id']}/accept", headers=friend_csrf
        )
        chat = accepted.json()["chat_id"]

        app = await open_hostile(
            browser, live_server, "test-hostile", "pages/bridge/bridge", page=page, look=False
        )
        # Forged requests for the share sheet, with no tap, before anything here has asked the host page
        # or its frames a thing (Playwright's questions there are user gestures, CDP's userGesture, and a
        # host may open a sheet within 5 s of one): the host draws nothing, and no API name posts into
        # a chat.
        worker = await logic_without_a_gesture(page, "() => getCurrentPages().length > 0")
        answers = await worker.evaluate(FORGE_SHARE, live_server.runtime)
        assert {k: v for k, v in answers.items() if not v.endswith(":fail not supported")} == {}, answers
        await asyncio.sleep(1)
        await expect(page.locator(".hutong-share")).to_have_count(0)

        # Reading and writing the chats, from the logic thread and from the page frame.
        assert await logic_worker(app) == worker
        from_worker = await worker.evaluate(probe("chats.js"), [live_server.url, chat])
        from_frame = await app.view_frame().evaluate(probe("chats.js"), [live_server.url, chat])
        for outcomes in (from_worker, from_frame):
            assert {k: v for k, v in outcomes.items() if not v.startswith("blocked")} == {}, outcomes
        assert (await friend.get(f"/api/me/chats/{chat}/messages")).json() == []
    await page.context.close()
