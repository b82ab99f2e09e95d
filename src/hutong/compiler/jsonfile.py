"""JSON config files that remember where each value sits, so errors can point at it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hutong.compiler.errors import CompileError, Position, position_at

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\n\r"

Key = str | int


@dataclass
class JsonFile:
    """A parsed JSON file: its display name (relative path), text and value."""

    display: str
    text: str
    data: Any

    def position(self, *path: Key) -> Position:
        """Where the value at ``path`` (object keys and list indexes) starts; the file start if absent."""
        offset = _locate(self.text, path)
        return position_at(self.text, offset, self.display)

    def error(self, message: str, *path: Key) -> CompileError:
        return CompileError(message, self.position(*path), self.text)


def parse_json(text: str, display: str) -> JsonFile:
    """Parse JSON text, reporting a syntax error at its line and column."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CompileError(
            f"invalid JSON: {error.msg}", position_at(text, error.pos, display), text
        ) from None
    except RecursionError:
        raise CompileError("invalid JSON: nested too deeply", Position(display, 1, 1)) from None
    return JsonFile(display, text, data)


def read_json_file(path: Path, display: str) -> JsonFile:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CompileError(f"{display} is missing") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CompileError(f"{display} is not UTF-8 text: {error.reason}", Position(display, 1, 1)) from None
    return parse_json(text, display)


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _locate(text: str, path: tuple[Key, ...]) -> int:
    """Walk valid JSON text along ``path`` without building values we don't need."""
    index = _skip(text, 0)
    for step in path:
        if index >= len(text):
            return 0
        opener = text[index]
        if opener == "{" and isinstance(step, str):
            index = _skip(text, index + 1)
            found = False
            while index < len(text) and text[index] != "}":
                key, index = _DECODER.raw_decode(text, index)
                index = _skip(text, index)
                index = _skip(text, index + 1)  # the colon
                if key == step:
                    found = True
                    break
                _, index = _DECODER.raw_decode(text, index)
                index = _skip(text, index)
                if index < len(text) and text[index] == ",":
                    index = _skip(text, index + 1)
            if not found:
                return 0
        elif opener == "[" and isinstance(step, int):
            index = _skip(text, index + 1)
            for _ in range(step):
                if index >= len(text) or text[index] == "]":
                    return 0
                _, index = _DECODER.raw_decode(text, index)
                index = _skip(text, index)
                if index < len(text) and text[index] == ",":
                    index = _skip(text, index + 1)
            if index >= len(text) or text[index] == "]":
                return 0
        else:
            return 0
    return index
