"""WXS: compile a WXS module (a `.wxs` file or an inline `<wxs>` block) to a factory for the view bundle.

WXS is an ES5-like language that runs in the view layer. Most of it runs as JavaScript unchanged; the
differences we bridge are made explicit here:

- ``require("./x.wxs")`` takes a path relative to the module; the compiler resolves it to the target's
  bundle key (and reports a missing file at the call), so the runtime loader needs no path logic.
- a backslash before a character JavaScript gives no escape meaning stays (`'\\d'` is two characters
  in WXS, one in JS), so regular expressions written as strings keep working;
- ``x.constructor`` is a *string* in WXS (`"Array"`, `"Object"`, `"Date"`, …) and type checks rely on
  it, so each such read becomes ``__wxsType(x)``.
- the bundle is strict-mode code, so names a module assigns without declaring them get a ``var``;
- words JavaScript reserves (`class`, strict mode's `public`, `static`, …) may name WXS variables, so
  such variables are renamed; legacy octal literals (`010`) become decimal;
- ``getDate()`` and ``getRegExp()`` are parameters of the factory, supplied by the runtime.

The factory is ``function (require, module, exports, getDate, getRegExp, __wxsType) {…}``; the runtime
(runtime/view/render-helpers.js, ``R.x``) runs it once, on first use.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import tree_sitter

from hutong.compiler.errors import CompileError, Position
from hutong.compiler.jsparse import first_syntax_error, line_column, parse_js, walk
from hutong.compiler.paths import resolve_path

# After a backslash in a string, these mean what JavaScript says (octal digits, line breaks included).
_JS_ESCAPES = frozenset(b"'\"\\/bfnrtvxu01234567\r\n\xe2")
FACTORY_PARAMS = "require, module, exports, getDate, getRegExp, __wxsType"


@dataclass(frozen=True)
class WxsPlace:
    """Where a module's code sits: its file, and for an inline block, where in the WXML it starts."""

    file: str
    file_source: str  # the whole file, to show the offending line
    line: int = 1
    column: int = 1

    def position(self, code: bytes, offset: int) -> Position:
        line, column = line_column(code, offset)
        if line == 1:
            return Position(self.file, self.line, self.column + column - 1)
        return Position(self.file, self.line + line - 1, column)


def compile_wxs(code: str, place: WxsPlace, exists: Callable[[str], bool]) -> tuple[str, list[str]]:
    """The factory JS for one module, and the keys of the `.wxs` files it requires.

    ``exists`` says whether a root-relative path is a file of the project.
    """
    data = code.encode("utf-8")
    tree = parse_js(data)
    error = first_syntax_error(tree)
    if error is not None:
        # WXS lets words that JavaScript reserves name variables (iView's steps: `var class = ''`).
        renamed = _rename_reserved_words(data)
        if renamed != data:
            # Same length, so offsets in the renamed code are offsets in the source.
            data, tree = renamed, parse_js(renamed)
            error = first_syntax_error(tree)
        if error is not None:
            offset, description = error
            position = place.position(data, offset)
            raise CompileError(f"bad wxs syntax: {description}", position, place.file_source)
    edits: list[tuple[int, int, bytes]] = []
    required: list[str] = []
    for node in walk(tree.root_node):
        if node.type == "identifier" and node.text in _STRICT_RESERVED:
            # Reserved in strict mode, which the bundle's module code is: give the variable another name.
            edits.append((node.start_byte, node.end_byte, _renamed(node.text or b"")))
        elif node.type == "number" and _LEGACY_OCTAL.fullmatch(node.text or b""):
            edits.append((node.start_byte, node.end_byte, str(int(node.text or b"0", 8)).encode()))
        elif node.type == "member_expression":
            prop = node.child_by_field_name("property")
            target = node.child_by_field_name("object")
            parent = node.parent
            is_assigned = (
                parent is not None
                and parent.type == "assignment_expression"
                and parent.child_by_field_name("left") == node
            )
            if prop is not None and target is not None and prop.text == b"constructor" and not is_assigned:
                # Replace the `.constructor` tail; the object's own code (and its edits) stay in place.
                edits.append((node.start_byte, node.start_byte, b"__wxsType("))
                edits.append((target.end_byte, node.end_byte, b")"))
        elif node.type == "escape_sequence" and node.parent is not None and node.parent.type == "string":
            text = node.text or b""
            if len(text) > 1 and text[1] not in _JS_ESCAPES:
                # WXS keeps the backslash of an escape JavaScript does not know: vant and TDesign write
                # getRegExp('^-?\d+(\.\d+)?$') and rely on it.
                edits.append((node.start_byte, node.start_byte, b"\\"))
        elif node.type == "call_expression":
            callee = node.child_by_field_name("function")
            arguments = node.child_by_field_name("arguments")
            if callee is None or arguments is None or callee.text != b"require":
                continue
            strings = [arg for arg in arguments.named_children if arg.type == "string"]
            if len(arguments.named_children) != 1 or not strings:
                continue
            literal = strings[0]
            request = (literal.text or b"")[1:-1].decode("utf-8", "replace")
            target_path = resolve_path(place.file.split("#")[0], request)
            if target_path is not None and not target_path.endswith(".wxs") and exists(f"{target_path}.wxs"):
                target_path += ".wxs"
            if target_path is None or not target_path.endswith(".wxs") or not exists(target_path):
                raise CompileError(
                    f"wxs require: {request!r} is not a .wxs file of the mini program",
                    place.position(data, literal.start_byte),
                    place.file_source,
                )
            required.append(target_path)
            edits.append((literal.start_byte, literal.end_byte, json.dumps(target_path).encode()))
    implicit = _implicit_globals(tree.root_node)
    # Apply from the end so earlier offsets stay valid; insertions at one offset keep their order.
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        data = data[:start] + replacement + data[end:]
    body = data.decode("utf-8")
    if implicit:
        # The bundle is an ES module (strict), where assigning an undeclared name throws; WXS, like
        # sloppy JS, makes it a variable. Declaring it module-wide keeps the WXS behaviour.
        body = f"var {', '.join(sorted(implicit))};" + body
    return f"function ({FACTORY_PARAMS}) {{\n{body}\n}}", required


_DECLARING = {
    "variable_declarator": "name",
    "function_declaration": "name",
    "function_expression": "name",
    "generator_function_declaration": "name",
    "class_declaration": "name",
    "catch_clause": "parameter",
}


def _implicit_globals(root: tree_sitter.Node) -> set[str]:
    """Names assigned somewhere but declared nowhere in the module (a deliberately coarse scope test)."""
    declared: set[str] = set()
    assigned: set[str] = set()
    for node in walk(root):
        field = _DECLARING.get(node.type)
        if field is not None:
            target = node.child_by_field_name(field)
            if target is not None and target.type == "identifier":
                declared.add((target.text or b"").decode())
        elif node.type == "formal_parameters":
            declared.update((c.text or b"").decode() for c in node.named_children if c.type == "identifier")
        elif node.type in ("assignment_expression", "augmented_assignment_expression", "for_in_statement"):
            target = node.child_by_field_name("left")
            if target is not None and target.type == "identifier":
                assigned.add((target.text or b"").decode())
        elif node.type == "update_expression":
            target = node.child_by_field_name("argument")
            if target is not None and target.type == "identifier":
                assigned.add((target.text or b"").decode())
    return {name for name in assigned - declared if name not in _GLOBAL_NAMES and name.isidentifier()}


_GLOBAL_NAMES = frozenset(
    {"module", "exports", "require", "getDate", "getRegExp", "__wxsType", "undefined", "NaN", "Infinity"}
)


# Words JavaScript reserves that WXS code may use as variable names.
_RESERVED = frozenset({b"class", b"enum", b"export", b"import", b"super", b"extends"})
_STRICT_RESERVED = frozenset(
    {
        b"implements",
        b"interface",
        b"package",
        b"private",
        b"protected",
        b"public",
        b"static",
        b"let",
        b"yield",
    }
)
_LEGACY_OCTAL = re.compile(rb"0[0-7]+")
_TOKEN = re.compile(
    rb"""//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[A-Za-z_$][\w$]*|\S""", re.DOTALL
)


def _renamed(word: bytes) -> bytes:
    """A same-length name no WXS author writes: offsets (and error positions) stay valid."""
    return word[:-1] + b"$"


def _rename_reserved_words(data: bytes) -> bytes:
    """Rename reserved words where they name a variable (not after `.`, not as an object key)."""
    tokens = [match for match in _TOKEN.finditer(data) if not match.group().startswith((b"//", b"/*"))]
    out = bytearray(data)
    for index, match in enumerate(tokens):
        word = match.group()
        if word not in _RESERVED:
            continue
        before = tokens[index - 1].group() if index > 0 else b""
        after = tokens[index + 1].group() if index + 1 < len(tokens) else b""
        if before == b"." or (after == b":" and before in (b"{", b",")):
            continue
        out[match.start() : match.end()] = _renamed(word)
    return bytes(out)
