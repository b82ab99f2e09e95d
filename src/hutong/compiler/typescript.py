"""TypeScript files (WeChat's ``useCompilerPlugins: ["typescript"]``) as JavaScript, by erasing types.

Parsed with tree-sitter-typescript, every piece of type syntax (annotations, generics, interfaces,
type aliases, ``declare``, ``as``/``satisfies``, ``!``, access modifiers, overload signatures, type-only
imports) is overwritten with spaces, newlines kept, so every line and column stays where it was and
runtime errors map back to the .ts source. What TypeScript turns into code is generated in place:
``enum`` (the usual object with reverse mapping) and constructor parameter properties
(``this.x = x`` after ``super()``). Imports whose bindings are used only as types are dropped, as
``tsc`` drops them. Namespaces holding code are not supported.
"""

from __future__ import annotations

import json

import tree_sitter_typescript
from tree_sitter import Language, Node, Parser, Query

from hutong.compiler.errors import CompileError, Position
from hutong.compiler.jsmodule import syntax_error

_LANGUAGE = Language(tree_sitter_typescript.language_typescript())
_PARSER = Parser(_LANGUAGE)
_PROBLEMS = Query(_LANGUAGE, "(ERROR) @error (MISSING) @missing")
_ERASED = frozenset(
    {
        "type_annotation",
        "type_arguments",
        "type_parameters",
        "interface_declaration",
        "type_alias_declaration",
        "ambient_declaration",
        "abstract_method_signature",
        "method_signature",
        "function_signature",
        "implements_clause",
        "accessibility_modifier",
        "override_modifier",
        "index_signature",
        "asserts_annotation",
        "type_predicate_annotation",
    }
)
_TYPE_ONLY_DECLARATIONS = frozenset(
    {"interface_declaration", "type_alias_declaration", "ambient_declaration", "function_signature"}
)


class _Stripper:
    def __init__(self, source: str, path: str) -> None:
        self.source = source
        self.data = source.encode("utf-8")
        self.path = path
        self.erase: list[tuple[int, int]] = []
        self.inserts: list[tuple[int, int, str]] = []  # (start, end, replacement)

    def position(self, node: Node) -> Position:
        row, byte_column = node.start_point
        line_start = node.start_byte - byte_column
        column = len(self.data[line_start : node.start_byte].decode("utf-8", "replace")) + 1
        return Position(self.path, row + 1, column)

    def text(self, node: Node) -> str:
        return (node.text or b"").decode("utf-8")

    def drop(self, node: Node) -> None:
        self.erase.append((node.start_byte, node.end_byte))

    def drop_with_comma(self, node: Node) -> None:
        end = node.end_byte
        sibling = node.next_sibling
        if sibling is not None and sibling.type == ",":
            end = sibling.end_byte
        self.erase.append((node.start_byte, end))

    def visit(self, node: Node) -> None:
        kind = node.type
        if kind in _ERASED:
            self.drop(node)
            return
        if kind == "export_statement":
            declaration = node.child_by_field_name("declaration")
            if (declaration is not None and declaration.type in _TYPE_ONLY_DECLARATIONS) or any(
                child.type == "type" for child in node.children
            ):
                self.drop(node)
                return
        elif kind == "import_statement":
            if any(child.type == "type" for child in node.children):
                self.drop(node)
                return
        elif kind == "import_specifier" and any(child.type == "type" for child in node.children):
            self.drop_with_comma(node)
            return
        elif kind in ("internal_module", "module"):
            raise CompileError("TypeScript namespaces are not supported", self.position(node), self.source)
        elif kind == "enum_declaration":
            self.enum(node)
            return
        elif kind in ("as_expression", "satisfies_expression"):
            keyword = next(child for child in node.children if child.type in ("as", "satisfies"))
            self.erase.append((keyword.start_byte, node.end_byte))
            self.visit(node.children[0])
            return
        elif kind == "non_null_expression":
            self.erase.append((node.end_byte - 1, node.end_byte))
        elif kind in ("public_field_definition", "property_signature") and any(
            child.type == "declare" for child in node.children
        ):
            self.drop(node)
            return
        elif kind in ("public_field_definition", "optional_parameter", "variable_declarator"):
            for child in node.children:
                if child.type in ("?", "!", "readonly", "declare", "abstract"):
                    self.drop(child)
        elif kind == "required_parameter" and node.children and node.children[0].type == "this":
            self.drop_with_comma(node)
            return
        elif kind in ("abstract_class_declaration", "class_declaration", "class", "method_definition"):
            for child in node.children:
                if child.type in ("abstract", "declare", "readonly"):
                    self.drop(child)
            if kind == "method_definition":
                self.parameter_properties(node)
        for child in node.children:
            self.visit(child)

    def parameter_properties(self, method: Node) -> None:
        name = method.child_by_field_name("name")
        body = method.child_by_field_name("body")
        parameters = method.child_by_field_name("parameters")
        if name is None or self.text(name) != "constructor" or body is None or parameters is None:
            return
        assignments = []
        for parameter in parameters.named_children:
            if any(c.type in ("accessibility_modifier", "readonly") for c in parameter.children):
                pattern = parameter.child_by_field_name("pattern")
                if pattern is not None and pattern.type == "identifier":
                    local = self.text(pattern)
                    assignments.append(f"this.{local} = {local};")
            for child in parameter.children:
                if child.type == "readonly":
                    self.drop(child)
        if not assignments:
            return
        anchor = body.children[0].end_byte  # after "{"
        for statement in body.named_children:
            call = statement.named_children[0] if statement.type == "expression_statement" else None
            function = call.child_by_field_name("function") if call is not None else None
            if (
                call is not None
                and call.type == "call_expression"
                and function is not None
                and function.type == "super"
            ):
                anchor = statement.end_byte
                break
        self.inserts.append((anchor, anchor, " " + " ".join(assignments)))

    def enum(self, node: Node) -> None:
        name_node = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name_node is None or body is None:
            return
        name = self.text(name_node)
        parts: list[str] = []
        previous: str | None = "-1"
        for member in body.named_children:
            if member.type == "enum_assignment":
                key_node = member.child_by_field_name("name") or member.named_children[0]
                value_node = member.child_by_field_name("value") or member.named_children[-1]
                key = _member_name(self.text(key_node))
                value = self.text(value_node)
                if value_node.type == "string":
                    parts.append(f"{name}[{json.dumps(key)}] = {value};")
                    previous = None
                    continue
                previous = value
            elif member.type in ("property_identifier", "string", "number"):
                key = _member_name(self.text(member))
                if previous is None:
                    raise CompileError(
                        f"enum member {key!r} needs a value after a string member",
                        self.position(member),
                        self.source,
                    )
                value = str(int(previous) + 1) if previous.lstrip("-").isdigit() else f"({previous}) + 1"
                previous = value
            else:
                continue
            parts.append(f"{name}[{name}[{json.dumps(key)}] = {value}] = {json.dumps(key)};")
        newlines = self.text(node).count("\n")
        code = f"var {name}; (function ({name}) {{ {' '.join(parts)} }})({name} || ({name} = {{}}));"
        self.inserts.append((node.start_byte, node.end_byte, code + "\n" * newlines))

    def elide_type_only_imports(self, root: Node) -> None:
        """Drop imports none of whose bindings is used as a value (what tsc does)."""
        erased = _merge(self.erase)
        used: set[str] = set()
        imports: list[Node] = []

        def collect(node: Node) -> None:
            if _inside(erased, node.start_byte, node.end_byte):
                return
            if node.type == "import_statement":
                imports.append(node)
                return
            if node.type in ("identifier", "shorthand_property_identifier"):
                used.add(self.text(node))
            for child in node.children:
                collect(child)

        collect(root)
        for statement in imports:
            clause = next((child for child in statement.children if child.type == "import_clause"), None)
            if clause is None:
                continue
            names = [self.text(n) for n in _bindings(clause)]
            if names and not any(name in used for name in names):
                self.drop(statement)

    def run(self) -> str:
        tree = _PARSER.parse(self.data)
        root = tree.root_node
        if root.has_error and (error := syntax_error(self, root, _PROBLEMS, "TypeScript")) is not None:
            raise error
        self.visit(root)
        self.elide_type_only_imports(root)
        return self.render()

    def render(self) -> str:
        out = bytearray(self.data)
        for start, end in _merge(self.erase):
            for index in range(start, end):
                if out[index] not in (0x0A, 0x0D):
                    out[index] = 0x20
        # Replacements and insertions, from the end so earlier offsets stay valid.
        for start, end, text in sorted(self.inserts, reverse=True):
            kept_newlines = b"\n" * bytes(out[start:end]).count(b"\n") if start != end else b""
            replacement = text.encode("utf-8")
            if start != end:
                replacement = replacement.rstrip(b"\n") + kept_newlines
            out[start:end] = replacement
        return out.decode("utf-8")


def _member_name(text: str) -> str:
    if text[:1] in ("'", '"'):
        try:
            value = json.loads(text if text[0] == '"' else '"' + text[1:-1].replace('"', '\\"') + '"')
        except ValueError:
            return text[1:-1]
        return str(value)
    return text


def _bindings(clause: Node) -> list[Node]:
    found: list[Node] = []
    for part in clause.children:
        if part.type == "identifier":
            found.append(part)
        elif part.type == "namespace_import":
            found.extend(c for c in part.children if c.type == "identifier")
        elif part.type == "named_imports":
            for spec in part.children:
                if spec.type == "import_specifier":
                    local = spec.child_by_field_name("alias") or spec.child_by_field_name("name")
                    if local is not None:
                        found.append(local)
    return found


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in ranges)


def strip_types(source: str, path: str) -> str:
    """The JavaScript in a .ts file, on the same lines and columns; raises CompileError on bad syntax."""
    return _Stripper(source, path).run()
