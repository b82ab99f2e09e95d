"""Compile errors that name file:line:column and show the offending line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


class CompileError(Exception):
    """A problem in the mini program's source, reported with its exact position."""

    def __init__(self, message: str, position: Position | None = None, source: str | None = None) -> None:
        self.message = message
        self.position = position
        self.source = source
        super().__init__(self.render())

    def __reduce__(self) -> tuple[type[CompileError], tuple[str, Position | None, str | None]]:
        # Keeps the position when the error crosses a process boundary (parallel compiles).
        return (CompileError, (self.message, self.position, self.source))

    def render(self) -> str:
        if self.position is None:
            return self.message
        text = f"{self.position}: {self.message}"
        if self.source is not None:
            lines = self.source.splitlines()
            if 0 < self.position.line <= len(lines):
                line = lines[self.position.line - 1].expandtabs(1)
                text += f"\n  {line}\n  {' ' * (self.position.column - 1)}^"
        return text


def position_at(source: str, offset: int, file: str) -> Position:
    """The line and column of a character offset in ``source``."""
    line = source.count("\n", 0, offset) + 1
    column = offset - (source.rfind("\n", 0, offset) + 1) + 1
    return Position(file, line, column)
