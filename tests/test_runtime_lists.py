"""Keyed and unkeyed lists follow every change, and keyed nodes are moved, not recreated."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser

# (keyed ids, plain texts, mixed text) after each step of the app's `steps`.
EXPECTED = [
    ([5, 4, 3, 2, 1], "abcd", "first5;4;3;2;1;"),
    ([5, 4, 9, 3, 2, 1], "ab", "first5;4;9;3;2;1;"),
    ([1, 9, 5], "xbc", "1;9;5;never"),
    ([2, 1, 7, 9, 5, 3], "", "first2;1;7;9;5;3;"),
    ([], "z", "first"),
    ([3, 1, 2], "z", "first3;1;2;"),
]


async def test_lists_follow_changes_and_keep_keyed_nodes(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-lists")
    view = app.view()
    await expect(view.locator(".k")).to_have_count(5)
    # Tag each keyed row's DOM node: a moved node keeps its tag, a recreated one loses it.
    tag = "els => els.forEach(el => { el.__tag = el.id })"
    check = "els => els.map(el => [el.id, el.textContent, el.__tag || null])"
    await view.locator(".k").evaluate_all(tag)
    for round_number, (ids, plain, mixed) in enumerate(EXPECTED, start=1):
        await view.locator("#step").click()
        await expect(view.locator("#round")).to_have_text(str(round_number))
        rows = await view.locator(".k").evaluate_all(check)
        assert [row[0] for row in rows] == [f"k-{i}" for i in ids]
        assert [row[1] for row in rows] == [f"item {i}" for i in ids]
        # Every row whose key existed before is the very same element.
        assert all(row[2] in (None, row[0]) for row in rows)
        kept = {row[0] for row in rows if row[2] is not None}
        await view.locator(".k").evaluate_all(tag)
        if round_number == 1:
            assert kept == {f"k-{i}" for i in ids}  # a pure reorder moves every node
        await expect(view.locator("#plain")).to_have_text(plain)
        await expect(view.locator("#mixed")).to_have_text(mixed)
    assert app.errors == []
    await app.page.close()
