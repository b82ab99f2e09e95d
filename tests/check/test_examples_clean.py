"""`hutong check` reports every page of every example mini program clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutong.check.runner import check_project

pytestmark = pytest.mark.browser

EXAMPLES = sorted(path.parent for path in (Path(__file__).parents[2] / "examples").glob("*/app.json"))


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.name for path in EXAMPLES])
async def test_every_page_of_the_example_is_clean(example: Path) -> None:
    report = await check_project(example, timeout_ms=15_000)
    assert report.pages, example
    assert report.passed, report.to_text()
