"""The component registry (read by the compatibility document) covers every WeChat built-in, honestly."""

from __future__ import annotations

import re

from hutong.compiler.builtins import BUILTIN_TAGS
from hutong.runtime import RUNTIME_DIR

COMPONENTS = RUNTIME_DIR / "view" / "components"


def registry() -> dict[str, str]:
    source = (COMPONENTS / "registry.js").read_text()
    entries = re.findall(
        r"^  '?([a-z-]+)'?: \{ status: '(supported|partial|unsupported)'(, missing: '.+')? \},$", source, re.M
    )
    return {name: status for name, status, _ in entries}


def test_every_builtin_has_a_status_and_partial_ones_say_what_is_missing() -> None:
    table = registry()
    assert set(table) == set(BUILTIN_TAGS)
    source = (COMPONENTS / "registry.js").read_text()
    for line in source.splitlines():
        if "status: 'partial'" in line or "status: 'unsupported'" in line:
            assert "missing: '" in line, line


def test_unsupported_components_have_a_visible_placeholder() -> None:
    placeholders = (COMPONENTS / "platform.js").read_text()
    listed = re.search(r"export const UNSUPPORTED = \[(.*?)\];", placeholders, re.S)
    assert listed is not None
    names = set(re.findall(r"'([a-z-]+)'", listed.group(1)))
    unsupported = {name for name, status in registry().items() if status == "unsupported"}
    # Components without a placeholder element would render as empty boxes: every one must have it.
    assert unsupported == names
