"""The `{{ }}` expression language: a JavaScript subset, parsed to a small tree and emitted as JS.

Emitted code reads data through the scope object ``d`` unless a name is local (a ``wx:for`` item or
index, a wxs module), and uses optional chaining so that a missing path yields ``undefined`` rather
than an error, as WeChat does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from hutong.compiler.errors import CompileError, Position


@dataclass
class Node:
    offset: int


@dataclass
class Literal(Node):
    value: object


@dataclass
class Name(Node):
    name: str


@dataclass
class Member(Node):
    target: Node
    key: Node  # a Literal for `a.b`
    computed: bool


@dataclass
class Call(Node):
    callee: Node
    args: list[Node]


@dataclass
class Unary(Node):
    op: str
    operand: Node


@dataclass
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass
class Conditional(Node):
    test: Node
    then: Node
    otherwise: Node


@dataclass
class Spread(Node):
    value: Node


@dataclass
class ArrayLit(Node):
    items: list[Node]


@dataclass
class ObjectLit(Node):
    # (key, value) pairs; a Spread appears with key None.
    entries: list[tuple[str | None, Node]] = field(default_factory=list)


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|/\*.*?\*/)
  | (?P<num>(?:0[xX][0-9a-fA-F]+|\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<name>[A-Za-z_$][\w$]*)
  | (?P<op>\.\.\.|===|!==|>>>|\?\?|\?\.(?!\d)|==|!=|<=|>=|<<|>>|&&|\|\||[-+*/%<>!?:.,()\[\]{}&|^~])
    """,
    re.VERBOSE | re.DOTALL,
)

_BINARY_PRECEDENCE = {
    "??": 1,
    "||": 2,
    "&&": 3,
    "|": 4,
    "^": 5,
    "&": 6,
    "==": 7, "!=": 7, "===": 7, "!==": 7,
    "<": 8, ">": 8, "<=": 8, ">=": 8, "in": 8, "instanceof": 8,
    "<<": 9, ">>": 9, ">>>": 9,
    "+": 10, "-": 10,
    "*": 11, "/": 11, "%": 11,
}  # fmt: skip

_KEYWORD_LITERALS: dict[str, object] = {"true": True, "false": False, "null": None}


@dataclass
class Token:
    kind: str
    text: str
    offset: int


class ExprSyntaxError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise ExprSyntaxError(f"unexpected character {source[pos]!r}", pos)
        kind = match.lastgroup or ""
        if kind != "ws":
            tokens.append(Token(kind, match.group(), pos))
        pos = match.end()
    tokens.append(Token("eof", "", len(source)))
    return tokens


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0

    @property
    def peek(self) -> Token:
        return self.tokens[self.index]

    def next(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def accept(self, text: str) -> bool:
        if self.peek.kind in ("op", "name") and self.peek.text == text:
            self.index += 1
            return True
        return False

    def expect(self, text: str) -> Token:
        token = self.peek
        if token.text != text or token.kind not in ("op", "name"):
            found = "end of expression" if token.kind == "eof" else repr(token.text)
            raise ExprSyntaxError(f"expected {text!r} but found {found}", token.offset)
        return self.next()

    def expression(self) -> Node:
        test = self.binary(0)
        if self.accept("?"):
            then = self.expression()
            self.expect(":")
            otherwise = self.expression()
            return Conditional(test.offset, test, then, otherwise)
        return test

    def binary(self, min_precedence: int) -> Node:
        left = self.unary()
        while True:
            token = self.peek
            precedence = _BINARY_PRECEDENCE.get(token.text) if token.kind in ("op", "name") else None
            if precedence is None or precedence <= min_precedence:
                return left
            self.next()
            right = self.binary(precedence)
            left = Binary(token.offset, token.text, left, right)

    def unary(self) -> Node:
        token = self.peek
        if (token.kind == "op" and token.text in ("!", "-", "+", "~")) or (
            token.kind == "name" and token.text in ("typeof", "void")
        ):
            self.next()
            return Unary(token.offset, token.text, self.unary())
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            token = self.peek
            if self.accept(".") or self.accept("?."):
                if self.peek.text in ("(", "["):
                    continue  # `a?.(x)` and `a?.[x]`: the chain is optional anyway
                name = self.next()
                if name.kind != "name":
                    raise ExprSyntaxError("expected a property name after '.'", name.offset)
                node = Member(token.offset, node, Literal(name.offset, name.text), computed=False)
            elif self.accept("["):
                key = self.expression()
                self.expect("]")
                node = Member(token.offset, node, key, computed=True)
            elif self.accept("("):
                node = Call(token.offset, node, self.arguments(")"))
            else:
                return node

    def arguments(self, closer: str) -> list[Node]:
        items: list[Node] = []
        while not self.accept(closer):
            if self.peek.kind == "eof":
                raise ExprSyntaxError(f"missing {closer!r}", self.peek.offset)
            start = self.peek.offset
            items.append(Spread(start, self.expression()) if self.accept("...") else self.expression())
            if not self.accept(","):
                self.expect(closer)
                break
        return items

    def primary(self) -> Node:
        token = self.next()
        if token.kind == "num":
            text = token.text
            value: object = int(text, 16) if text[:2] in ("0x", "0X") else float(text)
            if (
                isinstance(value, float)
                and value.is_integer()
                and "." not in text
                and "e" not in text.lower()
            ):
                value = int(value)
            return Literal(token.offset, value)
        if token.kind == "str":
            return Literal(token.offset, _unquote(token.text))
        if token.kind == "name":
            if token.text in _KEYWORD_LITERALS:
                return Literal(token.offset, _KEYWORD_LITERALS[token.text])
            if token.text == "undefined":
                return Name(token.offset, "undefined")
            return Name(token.offset, token.text)
        if token.text == "(":
            inner = self.expression()
            self.expect(")")
            return inner
        if token.text == "[":
            return ArrayLit(token.offset, self.arguments("]"))
        if token.text == "{":
            return self.object_body(token.offset, "}")
        found = "end of expression" if token.kind == "eof" else repr(token.text)
        raise ExprSyntaxError(f"unexpected {found}", token.offset)

    def object_body(self, offset: int, closer: str | None) -> ObjectLit:
        """Object members up to ``closer`` (None: to the end, for `data="{{a, ...b}}"`)."""
        obj = ObjectLit(offset)
        while not (closer and self.accept(closer)) and self.peek.kind != "eof":
            if self.accept("..."):
                obj.entries.append((None, Spread(self.peek.offset, self.expression())))
            else:
                key_token = self.next()
                if key_token.kind == "name":
                    key = key_token.text
                elif key_token.kind in ("str", "num"):
                    key = _unquote(key_token.text) if key_token.kind == "str" else key_token.text
                else:
                    raise ExprSyntaxError("expected a property name", key_token.offset)
                if self.accept(":"):
                    obj.entries.append((key, self.expression()))
                elif key_token.kind == "name":
                    obj.entries.append((key, Name(key_token.offset, key)))
                else:
                    raise ExprSyntaxError("expected ':'", self.peek.offset)
            if not self.accept(","):
                if closer:
                    self.expect(closer)
                break
        return obj


_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|\r\n|[\s\S])")
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


def _unescape(match: re.Match[str]) -> str:
    text = match.group(1)
    if text[0] in "ux" and len(text) > 1:
        code = int(text.strip("u{}x"), 16)
        return chr(code) if code <= 0x10FFFF else "\ufffd"
    if text in ("\n", "\r", "\r\n", "\u2028", "\u2029"):
        return ""  # a line continuation
    return _SIMPLE_ESCAPES.get(text, text)


def _unquote(text: str) -> str:
    """The value of a JavaScript string literal (quotes included in ``text``)."""
    body = text[1:-1]
    return _ESCAPE.sub(_unescape, body) if "\\" in body else body


def parse_expression(source: str, *, prefer_object: bool = False) -> Node:
    """Parse one `{{ }}` body.

    As in WeChat, a body that starts like an object's members (`a: 1`, `a, b`, `...c`) is an object
    literal without braces; ``prefer_object`` (template `data`) also reads a lone name `{{a}}` as `{a}`.
    """
    parser = _Parser(source)
    node: Node
    if parser.peek.kind == "eof":
        return Name(0, "undefined")  # `{{ }}`: WeChat warns and shows nothing
    if _looks_like_object_body(parser, prefer_object):
        node = parser.object_body(0, None)
    else:
        node = parser.expression()
    if parser.peek.kind != "eof":
        raise ExprSyntaxError(f"unexpected {parser.peek.text!r}", parser.peek.offset)
    return node


def _looks_like_object_body(parser: _Parser, prefer_object: bool) -> bool:
    tokens = parser.tokens
    first = tokens[0]
    if first.text == "..." and first.kind == "op":
        return True
    if first.kind not in ("name", "str"):
        return False
    follow = tokens[1]
    return follow.text in (",", ":") or (prefer_object and first.kind == "name" and follow.kind == "eof")


Locals = Mapping[str, str]
"""Names bound in the template (loop items and indexes, wxs modules), each with the JS that reads it."""


def _locals(names: Locals | Collection[str]) -> Locals:
    if isinstance(names, Mapping):
        return names
    return {name: f"${name}" for name in names}


def js_string(value: str) -> str:
    """A JS string literal; lone surrogates (from `\\ud800` escapes) are kept as escapes."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return json.dumps(value, ensure_ascii=False)


def to_js(node: Node, local_names: Locals | Collection[str]) -> str:
    """Emit JavaScript for ``node``; names not bound locally are read from the data scope ``d``."""
    return _emit(node, _locals(local_names))


def _emit(node: Node, names: Locals) -> str:
    if isinstance(node, Literal):
        if isinstance(node.value, str):
            return js_string(node.value)
        return json.dumps(node.value)
    if isinstance(node, Name):
        if node.name == "undefined":
            return "undefined"
        # Locals are JS variables prefixed with `$` (or wxs module loads), so no name can shadow the
        # data scope `d` or the helpers `R`.
        local = names.get(node.name)
        return local if local is not None else f"d[{js_string(node.name)}]"
    if isinstance(node, Member):
        return f"{_emit(node.target, names)}?.[{_emit(node.key, names)}]"
    if isinstance(node, Call):
        args = ", ".join(_item_js(arg, names) for arg in node.args)
        return f"{_emit(node.callee, names)}?.({args})"
    if isinstance(node, Unary):
        space = " " if node.op in ("typeof", "void") else ""
        return f"({node.op}{space}{_emit(node.operand, names)})"
    if isinstance(node, Binary):
        return f"({_emit(node.left, names)} {node.op} {_emit(node.right, names)})"
    if isinstance(node, Conditional):
        parts = (_emit(part, names) for part in (node.test, node.then, node.otherwise))
        return "({} ? {} : {})".format(*parts)
    if isinstance(node, ArrayLit):
        return "[" + ", ".join(_item_js(item, names) for item in node.items) + "]"
    if isinstance(node, ObjectLit):
        entries: list[str] = []
        for entry_key, value in node.entries:
            if entry_key is None:
                entries.append(_item_js(value, names))
            else:
                entries.append(f"{js_string(entry_key)}: {_emit(value, names)}")
        return "({" + ", ".join(entries) + "})"
    if isinstance(node, Spread):
        return _item_js(node, names)
    raise TypeError(f"unknown expression node {node!r}")


def _item_js(node: Node, names: Locals) -> str:
    if isinstance(node, Spread):
        return f"...{_emit(node.value, names)}"
    return _emit(node, names)


def compile_expression(
    source: str,
    position: Position,
    file_source: str,
    local_names: Locals | Collection[str],
    *,
    prefer_object: bool = False,
) -> str:
    """Parse and emit, turning a syntax error into a CompileError at its exact place in the file."""
    try:
        return to_js(parse_expression(source, prefer_object=prefer_object), local_names)
    except RecursionError:
        raise CompileError("expression is nested too deeply", position, file_source) from None
    except ExprSyntaxError as error:
        line, column = position.line, position.column
        before = source[: error.offset]
        newlines = before.count("\n")
        if newlines:
            line += newlines
            column = len(before) - before.rfind("\n")
        else:
            column += error.offset
        raise CompileError(
            f"bad expression {{{{{source.strip()}}}}}: {error}",
            Position(position.file, line, column),
            file_source,
        ) from None
