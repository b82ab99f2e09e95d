"""`hutong check` reports every page of every example mini program clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser

from hutong.check.runner import check_project

# `hutong check` opens each page in a new context and closes it: the pool's cleaned ones are not what
# it runs with (tests/browser_pool.py).
pytestmark = [pytest.mark.browser, pytest.mark.fresh_context]

EXAMPLES = sorted(path.parent for path in (Path(__file__).parents[2] / "examples").glob("*/app.json"))
# The back ends `hutong demo` runs for its shops and puts on their request lists (demo_shop.seed). Not
# running here: a request to one is the checking machine's network (reported, excused), not a refusal.
BACKENDS = {"tea": ["http://127.0.0.1:8001"], "snacks": ["http://127.0.0.1:8002"]}


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.name for path in EXAMPLES])
async def test_every_page_of_the_example_is_clean(example: Path, browser: Browser) -> None:
    # The suite's one Chromium (each page still gets a fresh context): a run that launches its own,
    # as `hutong check` does, is test_check.py's.
    report = await check_project(
        example, timeout_ms=15_000, allow_domains=BACKENDS.get(example.name, []), browser=browser
    )
    assert report.pages, example
    assert report.passed, report.to_text()
