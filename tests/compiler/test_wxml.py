"""WXML: parsing, expressions and the errors that name file:line:column."""

from __future__ import annotations

import pytest

from hutong.compiler import CompileError
from hutong.compiler.wxml.codegen import compile_wxml
from hutong.compiler.wxml.expr import parse_expression, to_js
from hutong.compiler.wxml.parser import Element, Text, parse_wxml


def test_parser_keeps_positions_and_tolerates_wechat_forms() -> None:
    nodes = parse_wxml(
        '<view a="1" b>\n  <input value="{{v}}">\n  <!-- c --><text>x {{ a < b }}</text>\n</view>', "p.wxml"
    )
    root = nodes[0]
    assert isinstance(root, Element) and root.tag == "view"
    assert [(attr.name, attr.value) for attr in root.attributes] == [("a", "1"), ("b", None)]
    elements = [child for child in root.children if isinstance(child, Element)]
    assert [child.tag for child in elements] == ["input", "text"]
    assert (elements[1].position.line, elements[1].position.column) == (3, 13)
    text = elements[1].children[0]
    assert isinstance(text, Text) and text.value == "x {{ a < b }}"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a.b[0].c", 'd["a"]?.["b"]?.[0]?.["c"]'),
        ("x ? 'y' : 1 + 2 * 3", '(d["x"] ? "y" : (1 + (2 * 3)))'),
        ("!a && b || c", '(((!d["a"]) && d["b"]) || d["c"])'),
        ("[item, 1, ...rest]", '[$item, 1, ...d["rest"]]'),
        ("{...o, k: 1, item}", '({...d["o"], "k": 1, "item": $item})'),
        ("m.fn(a, 'b')", '$m?.["fn"]?.(d["a"], "b")'),
        ("'a' + \"b\\n\"", '("a" + "b\\n")'),
        ("a === undefined", '(d["a"] === undefined)'),
    ],
)
def test_expressions_compile_to_safe_js(source: str, expected: str) -> None:
    assert to_js(parse_expression(source), {"item", "m"}) == expected


def test_object_body_for_template_data() -> None:
    assert to_js(parse_expression("a, b: 2, ...c"), set()) == ('({"a": d["a"], "b": 2, ...d["c"]})')


@pytest.mark.parametrize(
    ("source", "line", "column", "fragment"),
    [
        ("<view>\n  {{ a + }}</view>", 2, 10, "bad expression"),
        ("<view>\n  <text>hi</view>", 2, 11, "does not match <text>"),
        ("<view>\n<view>", 2, 1, "never closed"),
        ('<view class="{{a b}}"/>', 1, 18, "bad expression"),
        ("<view wx:else>x</view>", 1, 7, "wx:else without a wx:if"),
        ("</view>", 1, 1, "closes nothing"),
    ],
)
def test_errors_name_file_line_and_column(source: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(CompileError) as raised:
        compile_wxml(source, "pages/p.wxml")
    error = raised.value
    assert error.position is not None
    assert (error.position.file, error.position.line, error.position.column) == ("pages/p.wxml", line, column)
    assert fragment in error.message
    assert str(error).startswith(f"pages/p.wxml:{line}:{column}: ")


def test_control_flow_and_events_are_generated() -> None:
    code = compile_wxml(
        '<view wx:for="{{list}}" wx:key="id" catchtap="go" data-x="{{index}}">{{item.n}}</view>'
        '<view wx:if="{{a}}">A</view><view wx:elif="{{b}}">B</view><view wx:else>C</view>',
        "p.wxml",
    )
    assert 'R.f(d["list"], 1, "id", ($item, $index) =>' in code
    assert '[["tap", "go", 1]]' in code
    assert '(d["a"] ? [R.e("view"' in code
    assert 'R.s($item?.["n"])' in code
