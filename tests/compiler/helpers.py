"""Small project trees for compiler tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_tree(root: Path, files: dict[str, Any]) -> Path:
    """Write ``files`` (path -> text, bytes, or a JSON-able dict/list) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content, ensure_ascii=False, indent=2), encoding="utf-8")
    return root


def page(name: str, wxml: str = "<view/>", js: str = "Page({})", json_config: Any = None) -> dict[str, Any]:
    """The files of one page at ``name`` (no extension)."""
    files: dict[str, Any] = {f"{name}.wxml": wxml, f"{name}.js": js}
    if json_config is not None:
        files[f"{name}.json"] = json_config
    return files


def component(
    name: str, wxml: str = "<view><slot/></view>", using: dict[str, str] | None = None
) -> dict[str, Any]:
    config: dict[str, Any] = {"component": True}
    if using:
        config["usingComponents"] = using
    return {f"{name}.json": config, f"{name}.wxml": wxml, f"{name}.js": "Component({})"}
