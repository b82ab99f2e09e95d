"""Golden files: what the compiler makes of each example app, byte for byte.

A deliberate change to the output is recorded with
``HUTONG_UPDATE_GOLDEN=1 pytest tests/compiler/test_golden.py`` and reviewed in the diff. Only the logic
bundles and app-config.json are pinned; the WXML output has its own tests.
"""

from __future__ import annotations

import os
from pathlib import Path

from hutong.compiler import build_project

GOLDEN = Path(__file__).parent / "golden"
PINNED = ("app-config.json", "logic.js", "shop/logic.js")


def test_examples_match_their_golden_files(examples_dir: Path) -> None:
    update = os.environ.get("HUTONG_UPDATE_GOLDEN") == "1"
    examples = sorted(path.parent for path in examples_dir.glob("*/app.json"))
    # Our own test app with subpackages and ES modules pins the parts the examples do not use.
    examples.append(Path(__file__).parent.parent / "apps" / "test-subpackages")
    assert examples
    for directory in examples:
        files = build_project(directory).files
        for name in (name for name in PINNED if name in files):
            golden = GOLDEN / directory.name / name
            if update:
                golden.parent.mkdir(parents=True, exist_ok=True)
                golden.write_bytes(files[name])
            assert golden.is_file(), f"no golden file {golden}: run with HUTONG_UPDATE_GOLDEN=1"
            assert files[name] == golden.read_bytes(), f"{directory.name}/{name} differs from its golden file"
