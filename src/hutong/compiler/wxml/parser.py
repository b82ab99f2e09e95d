"""A tolerant WXML parser: a tree of elements and text, each with its position in the file.

Tolerant the way WeChat's is: self-closing tags, attributes without values, comments, and `{{ }}`
whose contents may hold `<` or `>`, quotes, and string literals that themselves hold `{{` or `}}`
(``mustache_end``). Strict where a silent guess would hide a bug: an unclosed or
mismatched tag is an error naming where it opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hutong.compiler.errors import CompileError, Position, position_at

# Tags whose content is raw text, not markup.
_RAW_TEXT_TAGS = frozenset({"wxs"})
# Tags that never have children, closed or not (HTML void elements WXML authors write unclosed).
_VOID_TAGS = frozenset({"import", "include", "input", "image", "icon", "progress", "br", "img", "wxs-void"})
# ...except an <input> holding its <keyboard-accessory> (then closed by </input>, as WeChat writes it).
_ACCESSORY_NEXT = re.compile(r"\s*(?:<!--.*?-->\s*)*<keyboard-accessory\b", re.DOTALL)

_NAME = re.compile(r"[^\s/>=\"'<]+")
_TAG_NAME = re.compile(r"[A-Za-z_][\w\-.:$]*")
_UNQUOTED = re.compile(r"[^\s>]+")


def mustache_end(text: str, start: int) -> int:
    """Where the ``}}`` closing the ``{{`` just before ``start`` begins, or -1.

    WeChat parses the expression, so a string literal (`'{{prefix}}__x'`) or an object literal
    (`{{a: {b: 1}}}`) inside does not end it. When the expression does not scan (a quote never
    closed), the first ``}}`` ends it, as a plain search would.
    """
    depth = 0
    quote = ""
    index = start
    length = len(text)
    while index < length:
        char = text[index]
        if quote:
            if char == "\\":
                index += 2
                continue
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and text.startswith("}}", index):
                return index
            depth = max(0, depth - 1)
        index += 1
    return text.find("}}", start)


def mustaches(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each whole `{{ ... }}` in ``text``, in order."""
    found = []
    index = text.find("{{")
    while index >= 0:
        end = mustache_end(text, index + 2)
        if end < 0:
            break
        found.append((index, end + 2))
        index = text.find("{{", end + 2)
    return found


@dataclass
class Attribute:
    name: str
    value: str | None  # None: written without a value (`<checkbox checked>`)
    position: Position
    value_position: Position


@dataclass
class Text:
    value: str
    position: Position


@dataclass
class Element:
    tag: str
    position: Position
    attributes: list[Attribute] = field(default_factory=list)
    children: list[Element | Text] = field(default_factory=list)

    def attribute(self, name: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None


class _Reader:
    def __init__(self, source: str, file: str) -> None:
        self.source = source
        self.file = file
        self.pos = 0

    def at(self, offset: int) -> Position:
        return position_at(self.source, offset, self.file)

    def error(self, message: str, offset: int) -> CompileError:
        return CompileError(message, self.at(offset), self.source)

    def skip_space(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1

    def startswith(self, text: str) -> bool:
        return self.source.startswith(text, self.pos)


def parse_wxml(source: str, file: str) -> list[Element | Text]:
    """Parse a WXML file into its top-level nodes."""
    reader = _Reader(source, file)
    root = Element("#root", reader.at(0))
    stack: list[Element] = [root]
    while reader.pos < len(source):
        if reader.startswith("<!--"):
            end = source.find("-->", reader.pos + 4)
            if end < 0:
                raise reader.error("unclosed comment", reader.pos)
            reader.pos = end + 3
        elif reader.startswith("</"):
            _close_tag(reader, stack)
        elif reader.startswith("<") and _TAG_NAME.match(source, reader.pos + 1):
            element, self_closing = _open_tag(reader)
            stack[-1].children.append(element)
            if element.tag in _RAW_TEXT_TAGS and not self_closing:
                _raw_text(reader, element)
            elif not self_closing and (
                element.tag not in _VOID_TAGS
                or (element.tag == "input" and _ACCESSORY_NEXT.match(source, reader.pos))
            ):
                stack.append(element)
        else:
            _text(reader, stack[-1])
    if len(stack) > 1:
        unclosed = stack[-1]
        raise CompileError(f"<{unclosed.tag}> is never closed", unclosed.position, source)
    return root.children


def _text(reader: _Reader, parent: Element) -> None:
    source = reader.source
    start = reader.pos
    pos = start
    while pos < len(source):
        if source.startswith("{{", pos):
            end = mustache_end(source, pos + 2)
            pos = len(source) if end < 0 else end + 2
            continue
        if source[pos] == "<" and (
            source.startswith("</", pos) or source.startswith("<!--", pos) or _TAG_NAME.match(source, pos + 1)
        ):
            break
        pos += 1
    reader.pos = pos
    parent.children.append(Text(source[start:pos], reader.at(start)))


def _open_tag(reader: _Reader) -> tuple[Element, bool]:
    source = reader.source
    start = reader.pos
    match = _TAG_NAME.match(source, start + 1)
    assert match is not None
    element = Element(match.group(), reader.at(start))
    reader.pos = match.end()
    seen: set[str] = set()
    while True:
        reader.skip_space()
        if reader.pos >= len(source):
            raise reader.error(f"<{element.tag}> is never closed: the file ends inside the tag", start)
        if reader.startswith("/>"):
            reader.pos += 2
            return element, True
        if reader.startswith(">"):
            reader.pos += 1
            return element, False
        if reader.startswith("/"):
            # `<view / >` closes itself too; a slash before another attribute means nothing.
            reader.pos += 1
            reader.skip_space()
            if reader.startswith(">"):
                reader.pos += 1
                return element, True
            continue
        name_match = _NAME.match(source, reader.pos)
        if name_match is None:
            raise reader.error(f"unexpected {source[reader.pos]!r} in <{element.tag}>", reader.pos)
        name_offset = reader.pos
        reader.pos = name_match.end()
        value, value_offset = _attribute_value(reader)
        name = name_match.group()
        if name not in seen:  # WeChat keeps the first of duplicated attributes
            seen.add(name)
            element.attributes.append(Attribute(name, value, reader.at(name_offset), reader.at(value_offset)))


def _attribute_value(reader: _Reader) -> tuple[str | None, int]:
    source = reader.source
    save = reader.pos
    reader.skip_space()
    if not reader.startswith("="):
        reader.pos = save
        return None, save
    reader.pos += 1
    reader.skip_space()
    quote = source[reader.pos] if reader.pos < len(source) else ""
    if quote in ("'", '"'):
        start = reader.pos + 1
        pos = start
        while pos < len(source) and source[pos] != quote:
            if source.startswith("{{", pos):
                # A quote inside {{ }} does not end the value: `title="{{ok ? "a" : "b"}}"`.
                end = mustache_end(source, pos + 2)
                if end >= 0 and "\n" not in source[pos:end]:
                    pos = end + 2
                    continue
            pos += 1
        if pos >= len(source):
            raise reader.error("attribute value is never closed", start - 1)
        reader.pos = pos + 1
        return source[start:pos], start
    start = reader.pos
    match = _UNQUOTED.match(source, start)
    if match is None:
        raise reader.error("expected an attribute value", start)
    value = match.group()
    if value.endswith("/") and source.startswith(">", match.end()):
        value = value[:-1]
    reader.pos = start + len(value)
    return value, start


def _close_tag(reader: _Reader, stack: list[Element]) -> None:
    source = reader.source
    start = reader.pos
    end = source.find(">", start)
    if end < 0:
        raise reader.error("closing tag is never finished", start)
    tag = source[start + 2 : end].strip()
    reader.pos = end + 1
    if tag in _VOID_TAGS and stack[-1].tag != tag:
        return  # `<input></input>`: the void element closed itself already
    if len(stack) == 1:
        raise reader.error(f"</{tag}> closes nothing", start)
    if stack[-1].tag != tag:
        open_element = stack[-1]
        raise reader.error(
            f"</{tag}> does not match <{open_element.tag}> opened at line {open_element.position.line}"
            f", column {open_element.position.column}",
            start,
        )
    stack.pop()


def _raw_text(reader: _Reader, element: Element) -> None:
    source = reader.source
    closer = f"</{element.tag}>"
    end = source.find(closer, reader.pos)
    if end < 0:
        raise CompileError(f"<{element.tag}> is never closed", element.position, source)
    element.children.append(Text(source[reader.pos : end], reader.at(reader.pos)))
    reader.pos = end + len(closer)
