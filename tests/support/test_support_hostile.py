"""A compromised logic thread and the customer service sheet: code evaluated in tests/apps/support's
worker (as any app code could run there) calls the host's `hutongContact` 40 times at once with
hostile attributes. The host shows one sheet, keeps the card's image to what is safe, and the calls
that were replaced answer as an ordinary return from the session."""

from __future__ import annotations

import secrets

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer

# A hostile app's attempts, in contexts as new as a first visit (tests/browser_pool.py).
pytestmark = [pytest.mark.browser, pytest.mark.fresh_context]

FLOOD = """async (base) => {
  const { callHost } = self[Symbol.for('hutong.modules')]['logic/call.js'];
  const args = {
    sessionFrom: 'x'.repeat(5000),
    sendMessageTitle: 'T'.repeat(500),
    sendMessagePath: 'pages/index/index',
    sendMessageImg: 'javascript:alert(1)',
    showMessageCard: true,
  };
  const shown = (res) => JSON.stringify({ path: res.path, query: res.query });
  // Every call but one is answered (replaced or refused); the one left showing waits for the user.
  return new Promise((resolve) => {
    const answers = [];
    const settle = (answer) => {
      answers.push(answer);
      if (answers.length === 39) resolve(answers);
    };
    for (let i = 0; i < 40; i++) {
      callHost('hutongContact', args).then(shown, (res) => res.errMsg).then(settle);
    }
  });
}"""


async def test_a_flood_of_sessions_leaves_one_sheet(live_server: LiveServer, browser: Browser) -> None:
    context = await browser.new_context()
    email = f"flood-{secrets.token_hex(3)}@example.com"
    signup = await context.request.post(
        f"{live_server.url}/api/accounts/signup", data={"email": email, "password": "long enough"}
    )
    assert signup.status == 201
    page = await context.new_page()
    await page.goto(f"{live_server.url}/?open=test-support")
    view = page.frame_locator("iframe.hutong-page").last
    await expect(view.locator("#contact")).to_be_visible()
    worker = next(w for w in page.workers if w.url.startswith("data:"))
    answers = await worker.evaluate(FLOOD, live_server.runtime)
    # Replaced sessions return as the user leaving; the rest were refused by the rate limit.
    assert set(answers) <= {'{"path":"","query":{}}', "hutongContact:fail too many messages; wait a little"}
    sheet = page.locator(".hutong-support-sheet")
    await expect(sheet).to_have_count(1)
    card = sheet.locator(".hutong-support-suggest")
    await expect(card).to_be_visible()
    assert await card.locator("img").count() == 0  # a script URL is no image
    title = await card.locator(".hutong-support-card-title").text_content() or ""
    assert title == "T" * 128
    await sheet.get_by_role("button", name="Back").click()
    await expect(sheet).to_have_count(0)
    await context.close()
