"""One JavaScript file, parsed with tree-sitter, as a CommonJS module with its line numbers kept.

ES module syntax becomes CommonJS the way Babel does it, with one difference that keeps every source
line where it was: what ES modules hoist (imports, export bindings) goes onto the module's wrapper line
(``ModuleUnit.header``), and the statements that held them are blanked, newlines kept. Export bindings
are getters, so they stay live. Every static ``require``/``import()`` specifier is left as a ``Slot``
for the linker (``scripts.py``) to resolve to a canonical module path.

Modern syntax needs no lowering: the logic thread runs in a current browser. A syntax error is a
CompileError at the first place tree-sitter could not parse.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import tree_sitter_javascript
from tree_sitter import Language, Node, Parser, Query, QueryCursor

from hutong.compiler.errors import CompileError, Position

_LANGUAGE = Language(tree_sitter_javascript.language())
_PARSER = Parser(_LANGUAGE)
_CALLS = Query(
    _LANGUAGE,
    """
    (call_expression function: (identifier) @require
      arguments: (arguments . [(string) (template_string)] @arg .))
    (call_expression
      function: (member_expression object: (identifier) @require property: (property_identifier) @method)
      arguments: (arguments . [(string) (template_string)] @arg))
    (call_expression function: (import) @import)
    """,
)


@cache
def _own_require() -> Query:
    """The exact query, compiled (~5 ms) only for a file whose text passes the first look below."""
    return Query(
        _LANGUAGE,
        '(variable_declarator name: (identifier) @n (#eq? @n "require")) '
        '(function_declaration name: (identifier) @n (#eq? @n "require"))',
    )


@cache
def _lexical_declarators() -> Query:
    """`const`/`let` declarators with an initialiser, for ``_Transformer.self_references``."""
    return Query(
        _LANGUAGE,
        "(lexical_declaration (variable_declarator name: (identifier) @name value: (_) @value))",
    )


# A cheap first look before the exact (slower) query: does the text declare a `require` at all?
_OWN_REQUIRE_TEXT = re.compile(rb"\b(?:var|let|const|function)\s+require\b")
_PROBLEMS = Query(_LANGUAGE, "(ERROR) @error (MISSING) @missing")
_FUNCTIONS = frozenset(
    {
        "function_declaration",
        "function_expression",
        "function",
        "arrow_function",
        "method_definition",
        "generator_function",
        "generator_function_declaration",
    }
)
_DECLARATIONS = frozenset(
    {"function_declaration", "generator_function_declaration", "class_declaration", "class"}
)

# WeChat wraps every module in a function whose parameters shadow the browser's global names, and
# calls it with only the first three: in a module these names are undefined, `window = window || {}`
# gives the module a window of its own, and nothing leaks into another module or into the worker's
# real globals (self, location, navigator, ...). Newer base libraries add the last three.
MODULE_SCOPE = (
    "window",
    "document",
    "frames",
    "self",
    "location",
    "navigator",
    "localStorage",
    "history",
    "Caches",
    "screen",
    "alert",
    "confirm",
    "prompt",
    "XMLHttpRequest",
    "WebSocket",
    "Reporter",
    "webkit",
    "WeixinJSCore",
    "fetch",
    "print",
    "WeixinJSBridge",
)
_MODULE_SCOPE_TEXT = re.compile(rb"\b(?:" + b"|".join(n.encode() for n in MODULE_SCOPE) + rb")\b")

# Helpers the header code calls; each logic bundle defines them once, before its modules.
PRELUDE = (
    "function __hutong_default(m) { return m && m.__esModule ? m.default : m; }\n"
    "function __hutong_ns(m) { if (m && m.__esModule) return m; var n = {}; "
    "if (m != null && (typeof m === 'object' || typeof m === 'function')) "
    "for (var k in m) if (k !== 'default') n[k] = m[k]; n.default = m; return n; }\n"
    "function __hutong_get(m, k) { return k === 'default' ? __hutong_default(m) : m && m[k]; }\n"
    "function __hutong_export(e, k, g) { Object.defineProperty(e, k, {enumerable: true, configurable: true, "
    "get: g}); }\n"
    "function __hutong_star(e, m) { if (m) Object.keys(m).forEach(function (k) { if (k !== 'default' && "
    "k !== '__esModule' && !Object.prototype.hasOwnProperty.call(e, k)) "
    "__hutong_export(e, k, function () { return m[k]; }); }); }\n"
    "function __hutong_import(r, s) { "
    "return Promise.resolve().then(function () { return __hutong_ns(r(s)); }); }\n"
)


@dataclass(frozen=True)
class Slot:
    """A static module specifier the linker resolves; ``position`` is where it was written."""

    specifier: str
    position: Position
    literal: str  # the string literal as written, kept when the specifier stays unresolved
    deferred: bool = False  # in a try block or a function body: runs later, if ever
    async_: bool = False  # require.async / import(): may cross into another subpackage


Piece = str | Slot


@dataclass
class ModuleUnit:
    """A transformed module: wrapper-line code and a body with the source's line count."""

    header: list[Piece] = field(default_factory=list)
    body: list[Piece] = field(default_factory=list)
    is_esm: bool = False
    # MODULE_SCOPE names the module declares itself with let, const or class at its top level: a
    # parameter of the same name would make that a SyntaxError, so the wrapper leaves them out (as
    # WeChat's ES5 build, where they are vars that take the parameter's place, in effect does).
    own_scope_names: tuple[str, ...] = ()

    @property
    def slots(self) -> list[Slot]:
        return [piece for piece in (*self.header, *self.body) if isinstance(piece, Slot)]


@dataclass
class _Edit:
    start: int
    end: int
    pieces: list[Piece]


def _string_value(node: Node) -> str | None:
    """The value of a string literal or a template literal with no substitutions."""
    text = (node.text or b"").decode("utf-8", "replace")
    if node.type == "template_string":
        if any(child.type == "template_substitution" for child in node.children):
            return None
        body = text[1:-1]
        return body if "\\" not in body else None
    body = text[1:-1]
    if "\\" not in body:
        return body
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, str) else None


class _Transformer:
    def __init__(self, source: str, path: str) -> None:
        self.source = source
        self.data = source.encode("utf-8")
        self.path = path
        self.edits: list[_Edit] = []
        self.header_exports: list[Piece] = []
        self.header_imports: list[Piece] = []
        self.counter = 0
        self.has_exports = False
        self.is_esm = False
        self.own_scope_names: tuple[str, ...] = ()

    # Positions ------------------------------------------------------------------------------
    def position(self, node: Node) -> Position:
        row, byte_column = node.start_point
        line_start = node.start_byte - byte_column
        column = len(self.data[line_start : node.start_byte].decode("utf-8", "replace")) + 1
        return Position(self.path, row + 1, column)

    def text(self, node: Node) -> str:
        return (node.text or b"").decode("utf-8")

    # Header helpers -------------------------------------------------------------------------
    def module_var(self, source: Node) -> str:
        """Require ``source`` on the wrapper line into a fresh variable; returns its name."""
        name = f"__hutong_m{self.counter}"
        self.counter += 1
        slot = self.slot(source)
        self.header_imports.extend([f"var {name} = require(", slot, "); "])
        return name

    def slot(self, node: Node) -> Piece:
        value = _string_value(node)
        if value is None:
            return self.text(node)
        return Slot(value, self.position(node), self.text(node), deferred=_deferred(node))

    def export(self, name: str, getter: str) -> None:
        self.has_exports = True
        self.header_exports.append(
            f"__hutong_export(exports, {json.dumps(name)}, function () {{ return {getter}; }}); "
        )

    def blank(self, node: Node) -> None:
        """Remove a statement, keeping its newlines so later lines stay put."""
        self.edits.append(_Edit(node.start_byte, node.end_byte, ["\n" * self.text(node).count("\n")]))

    # Statements -----------------------------------------------------------------------------
    def import_statement(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        self.blank(node)
        clause = next((child for child in node.children if child.type == "import_clause"), None)
        if clause is None:
            self.header_imports.extend(["require(", self.slot(source), "); "])
            return
        module = self.module_var(source)
        for part in clause.children:
            if part.type == "identifier":
                self.header_imports.append(f"var {self.text(part)} = __hutong_default({module}); ")
            elif part.type == "namespace_import":
                local = next(c for c in part.children if c.type == "identifier")
                self.header_imports.append(f"var {self.text(local)} = __hutong_ns({module}); ")
            elif part.type == "named_imports":
                for spec in part.children:
                    if spec.type != "import_specifier":
                        continue
                    name_node = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias") or name_node
                    if name_node is None or alias is None:
                        continue
                    imported = _export_name(self.text(name_node))
                    self.header_imports.append(
                        f"var {self.text(alias)} = __hutong_get({module}, {json.dumps(imported)}); "
                    )

    def export_statement(self, node: Node) -> None:
        children = node.children
        source = node.child_by_field_name("source")
        is_default = any(child.type == "default" for child in children)
        declaration = node.child_by_field_name("declaration")
        clause = next((child for child in children if child.type == "export_clause"), None)
        self.has_exports = True
        if source is not None:
            self.blank(node)
            module = self.module_var(source)
            if clause is not None:
                for name, alias in _specifiers(self, clause):
                    self.export(alias, f"__hutong_get({module}, {json.dumps(name)})")
                return
            namespace = next((child for child in children if child.type == "namespace_export"), None)
            if namespace is not None:
                alias_node = namespace.children[-1]
                self.export(_export_name(self.text(alias_node)), f"__hutong_ns({module})")
            else:
                self.header_imports.append(f"__hutong_star(exports, {module}); ")
            return
        if clause is not None:
            self.blank(node)
            for name, alias in _specifiers(self, clause):
                self.export(alias, name)
            return
        keyword_end = (children[1] if is_default else children[0]).end_byte
        if is_default:
            value = declaration or next(
                (c for c in children[2:] if c.is_named and c.type not in ("comment",)), None
            )
            if value is None:
                return
            name_node = value.child_by_field_name("name") if value.type in _DECLARATIONS else None
            if name_node is not None:
                self.edits.append(_Edit(node.start_byte, value.start_byte, [""]))
                self.export("default", self.text(name_node))
            else:
                self.edits.append(_Edit(node.start_byte, keyword_end, ["exports.default ="]))
            return
        if declaration is None:
            return
        self.edits.append(_Edit(node.start_byte, declaration.start_byte, [""]))
        for name in _declared_names(self, declaration):
            self.export(name, name)

    # Calls ----------------------------------------------------------------------------------
    def calls(self, root: Node) -> None:
        if b"require" not in self.data and b"import" not in self.data:
            return  # nothing to find: skip the query walk
        shadowed_everywhere = _OWN_REQUIRE_TEXT.search(self.data) is not None and _declares_require(root)
        for _, captures in QueryCursor(_CALLS).matches(root):
            if "import" in captures:
                keyword = captures["import"][0]
                call = keyword.parent
                arguments = call.child_by_field_name("arguments") if call else None
                self.is_esm = True
                replacement: list[Piece] = ["(function (s) { return __hutong_import(require, s); })"]
                self.edits.append(_Edit(keyword.start_byte, keyword.end_byte, replacement))
                if arguments is not None and arguments.named_child_count == 1:
                    argument = arguments.named_children[0]
                    if argument.type in ("string", "template_string"):
                        piece = self.slot(argument)
                        if isinstance(piece, Slot):
                            piece = Slot(
                                piece.specifier, piece.position, piece.literal, piece.deferred, async_=True
                            )
                        self.edits.append(_Edit(argument.start_byte, argument.end_byte, [piece]))
                continue
            function = captures["require"][0]
            if self.text(function) != "require" or shadowed_everywhere or _shadowed(function):
                continue
            method = captures.get("method")
            if method and self.text(method[0]) != "async":
                continue
            argument = captures["arg"][0]
            piece = self.slot(argument)
            if isinstance(piece, Slot):
                if method:
                    piece = Slot(piece.specifier, piece.position, piece.literal, piece.deferred, async_=True)
                self.edits.append(_Edit(argument.start_byte, argument.end_byte, [piece]))

    def self_references(self, root: Node) -> None:
        """``const x = x && ...``: WeChat's compiler (Babel, targeting ES5) makes ``const``/``let`` a ``var``
        without TDZ checks, so such a read gives ``undefined`` where a current engine throws a
        ReferenceError. Each read of the name in its own initialiser (outside nested functions, which
        run later) becomes ``(void 0)``, on the same line."""
        if b"const" not in self.data and b"let" not in self.data:
            return
        for _, captures in QueryCursor(_lexical_declarators()).matches(root):
            name = self.text(captures["name"][0])
            stack = [captures["value"][0]]
            while stack:
                node = stack.pop()
                if node.type in _FUNCTIONS or node.type == "class":
                    continue
                if node.type == "identifier" and self.text(node) == name:
                    self.edits.append(_Edit(node.start_byte, node.end_byte, ["(void 0)"]))
                elif node.type == "shorthand_property_identifier" and self.text(node) == name:
                    self.edits.append(_Edit(node.start_byte, node.end_byte, [f"{name}: (void 0)"]))
                else:
                    stack.extend(node.children)

    def run(self) -> ModuleUnit:
        tree = _PARSER.parse(self.data)
        root = tree.root_node
        if root.has_error and (error := syntax_error(self, root, _PROBLEMS, "JavaScript")) is not None:
            raise error
        for statement in root.children if (b"import" in self.data or b"export" in self.data) else ():
            if statement.type == "import_statement":
                self.is_esm = True
                self.import_statement(statement)
            elif statement.type == "export_statement":
                self.is_esm = True
                self.export_statement(statement)
        self.calls(root)
        self.self_references(root)
        if _MODULE_SCOPE_TEXT.search(self.data):
            self.own_scope_names = _lexical_scope_names(self, root)
        return self.assemble()

    def assemble(self) -> ModuleUnit:
        header: list[Piece] = []
        if self.has_exports:
            header.append('Object.defineProperty(exports, "__esModule", {value: true}); ')
        header.extend(self.header_exports)
        header.extend(self.header_imports)
        body: list[Piece] = []
        cursor = 0
        for edit in sorted(self.edits, key=lambda e: (e.start, e.end)):
            if edit.start < cursor:
                continue  # nested inside an edit already made (e.g. a require in a removed statement)
            body.append(self.data[cursor : edit.start].decode("utf-8"))
            body.extend(edit.pieces)
            cursor = edit.end
        body.append(self.data[cursor:].decode("utf-8"))
        merged: list[Piece] = []
        for piece in body:
            if isinstance(piece, str) and merged and isinstance(merged[-1], str):
                merged[-1] += piece
            elif piece != "":
                merged.append(piece)
        return ModuleUnit(
            header=header, body=merged, is_esm=self.is_esm, own_scope_names=self.own_scope_names
        )


def _export_name(text: str) -> str:
    if text.startswith(("'", '"')):
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        return value if isinstance(value, str) else text
    return text


def _specifiers(transformer: _Transformer, clause: Node) -> list[tuple[str, str]]:
    pairs = []
    for spec in clause.children:
        if spec.type != "export_specifier":
            continue
        name_node = spec.child_by_field_name("name")
        alias_node = spec.child_by_field_name("alias") or name_node
        if name_node is None or alias_node is None:
            continue
        pairs.append((_export_name(transformer.text(name_node)), _export_name(transformer.text(alias_node))))
    return pairs


def _declared_names(transformer: _Transformer, declaration: Node) -> list[str]:
    if declaration.type in ("lexical_declaration", "variable_declaration"):
        names: list[str] = []
        for declarator in declaration.named_children:
            if declarator.type == "variable_declarator":
                target = declarator.child_by_field_name("name")
                if target is not None:
                    _binding_names(transformer, target, names)
        return names
    name = declaration.child_by_field_name("name")
    return [transformer.text(name)] if name is not None else []


def _lexical_scope_names(transformer: _Transformer, root: Node) -> tuple[str, ...]:
    """The MODULE_SCOPE names declared by let, const or class at the top level (exported or not)."""
    names: list[str] = []
    for statement in root.children:
        declaration = statement
        if statement.type == "export_statement":
            declaration = statement.child_by_field_name("declaration") or statement
        if declaration.type in ("lexical_declaration", "class_declaration"):
            names.extend(_declared_names(transformer, declaration))
    return tuple(sorted(set(names) & set(MODULE_SCOPE)))


def _binding_names(transformer: _Transformer, node: Node, names: list[str]) -> None:
    kind = node.type
    if kind in ("identifier", "shorthand_property_identifier_pattern"):
        names.append(transformer.text(node))
    elif kind == "pair_pattern":
        value = node.child_by_field_name("value")
        if value is not None:
            _binding_names(transformer, value, names)
    elif kind in ("assignment_pattern", "object_assignment_pattern"):
        left = node.child_by_field_name("left")
        if left is not None:
            _binding_names(transformer, left, names)
    elif kind in ("object_pattern", "array_pattern", "rest_pattern"):
        for child in node.named_children:
            _binding_names(transformer, child, names)


def _deferred(node: Node) -> bool:
    """Whether a failing require here would not break loading the module: it sits in a try block or
    in a function body (which may never run, as in WeChat, where such a require fails only if called)."""
    current = node.parent
    while current is not None:
        if current.type == "try_statement" or current.type in _FUNCTIONS:
            return True
        current = current.parent
    return False


def _shadowed(node: Node) -> bool:
    """True when an enclosing function takes a parameter named ``require`` (bundled npm code does)."""
    current = node.parent
    while current is not None:
        if current.type in _FUNCTIONS:
            parameters = current.child_by_field_name("parameters") or current.child_by_field_name("parameter")
            if parameters is not None and _names_require(parameters):
                return True
        current = current.parent
    return False


def _names_require(node: Node) -> bool:
    if node.type == "identifier":
        return node.text == b"require"
    return any(_names_require(child) for child in node.named_children)


def _declares_require(root: Node) -> bool:
    """Whether the file declares its own ``require`` (a var or function of that name)."""
    return bool(QueryCursor(_own_require()).captures(root))


def automatic_semicolon(data: bytes, node: Node) -> bool:
    """A semicolon tree-sitter found missing at a line end: JavaScript inserts it there itself (ASI)."""
    if not node.is_missing or node.type != ";":
        return False
    rest = data[
        node.start_byte : data.find(b"\n", node.start_byte) if b"\n" in data[node.start_byte :] else None
    ]
    rest = rest.strip()
    return not rest or rest.startswith((b"//", b"/*"))


class ParsedSource(Protocol):
    """What syntax_error needs of a parsed file: its text, bytes, and how to place a node."""

    source: str
    data: bytes

    def text(self, node: Node) -> str: ...

    def position(self, node: Node) -> Position: ...


def syntax_error(unit: ParsedSource, root: Node, problems_query: Query, language: str) -> CompileError | None:
    """The first real syntax problem; None when tree-sitter only stumbled over automatic semicolons.
    ``problems_query`` captures ERROR and MISSING nodes in ``language``'s grammar."""
    captures = QueryCursor(problems_query).captures(root)
    problems = sorted(
        (
            node
            for node in (*captures.get("error", []), *captures.get("missing", []))
            if not automatic_semicolon(unit.data, node)
        ),
        key=lambda n: (n.start_byte, -n.end_byte),
    )
    if not problems:
        return None
    node = problems[0]
    if node.is_missing:
        message = f"{language} syntax error: missing {node.type!r}"
    else:
        first = node
        while first.child_count:
            first = first.children[0]
        snippet = unit.text(first).split("\n")[0][:20] or unit.text(node).split("\n")[0][:20]
        message = (
            f"{language} syntax error: unexpected {snippet!r}" if snippet else f"{language} syntax error"
        )
        node = first
    return CompileError(message, unit.position(node), unit.source)


def transform_module(source: str, path: str) -> ModuleUnit:
    """Parse one .js file and turn it into a CommonJS ``ModuleUnit``; raises CompileError on bad syntax."""
    return _Transformer(source, path).run()
