"""Generate the view layer's render code from a parsed WXML tree.

A compiled file is a JS function of the runtime helpers ``R`` returning ``{render}``; ``render(d)``
returns the page's virtual nodes for data ``d``. The vnode shape and the helpers are defined by the
view runtime (runtime/view/vdom.js): ``R.e(tag, attrs, events, children)`` makes an element,
``R.s(value)`` formats text, ``R.f(list, loopId, keyOf, fn)`` runs a keyed ``wx:for``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from hutong.compiler.errors import CompileError, Position
from hutong.compiler.wxml.expr import compile_expression
from hutong.compiler.wxml.parser import Attribute, Element, Text, parse_wxml

_MUSTACHE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_EVENT = re.compile(r"^(capture-catch|capture-bind|mut-bind|catch|bind)(?::)?([A-Za-z_][\w-]*)$")
_EVENT_FLAGS = {"bind": 0, "catch": 1, "capture-bind": 2, "capture-catch": 3, "mut-bind": 4}
_CONTROL = ("wx:if", "wx:elif", "wx:else", "wx:for", "wx:for-item", "wx:for-index", "wx:key", "wx:for-items")


@dataclass
class _Scope:
    locals: frozenset[str]


class _Generator:
    def __init__(self, source: str, file: str, components: Mapping[str, str]) -> None:
        self.source = source
        self.file = file
        self.components = components
        self.loop_count = 0

    def error(self, message: str, position: Position) -> CompileError:
        return CompileError(message, position, self.source)

    # -- values -------------------------------------------------------------------------------
    def value(self, text: str, position: Position, scope: _Scope, *, as_text: bool = False) -> str:
        """JS for an attribute value or text: a lone `{{x}}` keeps x's type (never in text);
        anything else is a string."""
        parts = list(self._pieces(text, position, scope))
        if len(parts) == 1 and parts[0][0] == "expr" and not as_text:
            return parts[0][1]
        if not parts:
            return '""'
        return " + ".join(
            json.dumps(code, ensure_ascii=False) if kind == "text" else f"R.s({code})" for kind, code in parts
        )

    def _pieces(self, text: str, position: Position, scope: _Scope) -> Iterator[tuple[str, str]]:
        last = 0
        for match in _MUSTACHE.finditer(text):
            if match.start() > last:
                yield "text", text[last : match.start()]
            inner_position = _advance(position, text, match.start(1))
            yield "expr", compile_expression(match.group(1), inner_position, self.source, scope.locals)
            last = match.end()
        if last < len(text):
            yield "text", text[last:]

    def attribute_value(self, attribute: Attribute, scope: _Scope) -> str:
        if attribute.value is None:
            return "true"
        return self.value(attribute.value, attribute.value_position, scope)

    # -- nodes --------------------------------------------------------------------------------
    def children(self, nodes: Sequence[Element | Text], scope: _Scope) -> str:
        items: list[str] = []
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if isinstance(node, Text):
                if node.value.strip():
                    items.append(self.value(node.value, node.position, scope, as_text=True))
                index += 1
                continue
            if node.attribute("wx:if") is not None:
                chain = [node]
                index += 1
                while index < len(nodes):
                    sibling = nodes[index]
                    if isinstance(sibling, Text) and not sibling.value.strip():
                        index += 1
                        continue
                    if isinstance(sibling, Element) and (
                        sibling.attribute("wx:elif") is not None or sibling.attribute("wx:else") is not None
                    ):
                        chain.append(sibling)
                        index += 1
                        if sibling.attribute("wx:else") is not None:
                            break
                        continue
                    break
                items.append("..." + self.condition_chain(chain, scope))
                continue
            for stray in ("wx:elif", "wx:else"):
                attribute = node.attribute(stray)
                if attribute is not None:
                    raise self.error(f"{stray} without a wx:if before it", attribute.position)
            items.append(self.element_with_for(node, scope))
            index += 1
        return "[" + ", ".join(items) + "]"

    def condition_chain(self, chain: list[Element], scope: _Scope) -> str:
        code = "[]"
        for element in reversed(chain):
            test = element.attribute("wx:if") or element.attribute("wx:elif")
            body = self.element_with_for(element, scope, spread=False)
            code = body if test is None else f"({self.attribute_value(test, scope)} ? {body} : {code})"
        return code

    def element_with_for(self, element: Element, scope: _Scope, spread: bool = True) -> str:
        """JS for an element that may carry wx:for; with spread, ready to splice into a children list."""
        loop = element.attribute("wx:for") or element.attribute("wx:for-items")
        if loop is None:
            code = self.element(element, scope)
            return code if spread else f"[{code}]"
        item_name = _plain(element.attribute("wx:for-item"), "item")
        index_name = _plain(element.attribute("wx:for-index"), "index")
        for name, attribute in ((item_name, "wx:for-item"), (index_name, "wx:for-index")):
            if not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
                found = element.attribute(attribute)
                raise self.error(
                    f"{attribute} must be a name, not {name!r}", found.position if found else element.position
                )
        inner = _Scope(scope.locals | {item_name, index_name})
        key = element.attribute("wx:key")
        key_js = "null"
        if key is not None and key.value:
            key_text = key.value.strip()
            if key_text == "*this":
                key_js = '"*this"'
            elif "{{" in key_text:
                key_js = "null"  # an expression key is not a WeChat key form; fall back to the index
            else:
                key_js = json.dumps(key_text)
        self.loop_count += 1
        list_js = self.attribute_value(loop, scope)
        body = (
            self.element(element, inner) if element.tag != "block" else self.children(element.children, inner)
        )
        if element.tag != "block":
            body = f"[{body}]"
        fn = f"({_local(item_name)}, {_local(index_name)}) => {body}"
        code = f"R.f({list_js}, {self.loop_count}, {key_js}, {fn})"
        return f"...{code}" if spread else code

    def element(self, element: Element, scope: _Scope) -> str:
        if element.tag == "block":
            return "..." + self.children(element.children, scope)
        attrs: list[str] = []
        events: list[str] = []
        for attribute in element.attributes:
            name = attribute.name
            if name in _CONTROL:
                continue
            event = _EVENT.match(name)
            if event:
                prefix, event_type = event.groups()
                handler = self.attribute_value(attribute, scope)
                events.append(f"[{json.dumps(event_type)}, {handler}, {_EVENT_FLAGS[prefix]}]")
                continue
            attrs.append(f"{json.dumps(name)}: {self.attribute_value(attribute, scope)}")
        children = self.children(element.children, scope)
        attrs_js = "{" + ", ".join(attrs) + "}"
        events_js = "[" + ", ".join(events) + "]"
        tag = json.dumps(element.tag)
        component = self.components.get(element.tag)
        if component is not None:
            # A custom component: its children are the light DOM its <slot>s show.
            return f"R.c({tag}, {json.dumps(component)}, {attrs_js}, {events_js}, {children})"
        return f"R.e({tag}, {attrs_js}, {events_js}, {children})"


def _local(name: str) -> str:
    return f"${name}"


def _plain(attribute: Attribute | None, default: str) -> str:
    if attribute is None or not attribute.value:
        return default
    return attribute.value.strip()


def _advance(position: Position, text: str, offset: int) -> Position:
    before = text[:offset]
    newlines = before.count("\n")
    if newlines:
        return Position(position.file, position.line + newlines, len(before) - before.rfind("\n"))
    return Position(position.file, position.line, position.column + offset)


def compile_wxml(source: str, file: str, components: Mapping[str, str] | None = None) -> str:
    """Compile one WXML file to a JS function expression ``(R) => ({render})``.

    ``components`` maps the custom component tags usable in this file to their resolved paths.
    """
    nodes = parse_wxml(source, file)
    generator = _Generator(source, file, components or {})
    body = generator.children(nodes, _Scope(frozenset()))
    return f"function (R) {{\n  return {{ render: (d) => {body} }};\n}}"
