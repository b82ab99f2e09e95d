"""A JavaScript parser (tree-sitter) for the compiler: syntax trees, and syntax errors with a position."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import tree_sitter
import tree_sitter_javascript


@cache
def _parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))


def parse_js(code: bytes) -> tree_sitter.Tree:
    """Parse UTF-8 JavaScript; the tree's byte offsets index ``code``."""
    return _parser().parse(code)


def walk(node: tree_sitter.Node) -> Iterator[tree_sitter.Node]:
    """Every node under ``node`` (itself included), in document order."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def first_syntax_error(tree: tree_sitter.Tree) -> tuple[int, str] | None:
    """The byte offset and a short description of the first syntax error, or None for valid code."""
    node = tree.root_node
    if not node.has_error:
        return None
    while True:
        if node.is_missing:
            return node.start_byte, f"missing {node.type!r}"
        child = next((c for c in node.children if c.has_error or c.is_missing or c.type == "ERROR"), None)
        if child is None:
            if node.type == "ERROR":
                if node.end_byte >= len((tree.root_node.text or b"").rstrip()):
                    return node.end_byte, "unexpected end of input"
                leaf = node
                while leaf.children:
                    leaf = leaf.children[0]
                text = (leaf.text or b"").decode("utf-8", "replace")[:20]
                return node.start_byte, f"unexpected {text!r}" if text else "unexpected input"
            return node.start_byte, "syntax error"
        node = child


def line_column(code: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a byte offset in UTF-8 ``code``."""
    line_start = code.rfind(b"\n", 0, offset) + 1
    column = len(code[line_start:offset].decode("utf-8", "replace")) + 1
    return code.count(b"\n", 0, offset) + 1, column
