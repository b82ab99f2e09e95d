"""WXML: parsing, expressions and the errors that name file:line:column."""

from __future__ import annotations

import pytest

from hutong.compiler import CompileError
from hutong.compiler.wxml.codegen import WxmlCompiler, compile_wxml
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


def test_an_input_holding_its_keyboard_accessory_is_closed_by_its_end_tag() -> None:
    """<input> is void when written unclosed, but WeChat writes the keyboard's toolbar inside it."""
    nodes = parse_wxml(
        "<view><input value='a'>\n  <!-- toolbar --><keyboard-accessory><cover-view>ok</cover-view>"
        "</keyboard-accessory>\n</input><input value='b'><text>after</text></view>",
        "p.wxml",
    )
    view = nodes[0]
    assert isinstance(view, Element)
    first, second, text = [child for child in view.children if isinstance(child, Element)]
    assert (first.tag, second.tag, text.tag) == ("input", "input", "text")
    assert [child.tag for child in first.children if isinstance(child, Element)] == ["keyboard-accessory"]
    assert second.children == []


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
    # Each branch is marked as its own (R.b), in source order.
    assert '(d["a"] ? R.b(1, [R.e("view"' in code
    assert '(d["b"] ? R.b(2, [R.e("view", {}, [], ["B"])]) : R.b(3, [R.e("view", {}, [], ["C"])])' in code
    assert 'R.s($item?.["n"])' in code


# -- the parser and text ------------------------------------------------------------------------------


def test_unknown_tags_self_closing_and_valueless_attributes_are_kept() -> None:
    code = compile_wxml('<my-thing a="1" b c=\'x\'/><foo:bar z="{{1}}"></foo:bar><slot name="s"/>', "p.wxml")
    assert 'R.e("my-thing", {"a": "1", "b": true, "c": "x"}, [], [])' in code
    assert 'R.e("foo:bar", {"z": 1}, [], [])' in code
    assert 'R.e("slot", {"name": "s"}, [], [])' in code


def test_stray_slashes_and_missing_spaces_between_attributes_are_tolerated() -> None:
    code = compile_wxml('<view class="a"style="b" / ><text / x>t</text>', "p.wxml")
    assert 'R.e("view", {"class": "a", "style": "b"}, [], []), R.e("text", {"x": true}, [], ["t"])' in code


def test_entities_are_decoded_in_static_text_and_attributes_only() -> None:
    code = compile_wxml(
        '<view title="a&amp;b &#x41;&#66;">&lt;{{ "&amp;" }}&nbsp;&bogus; &amp</view>', "p.wxml"
    )
    assert '{"title": "a&b AB"}' in code
    # Inside {{ }} the text is an expression's string, not markup; unknown or unfinished entities stay.
    assert '["<" + R.s("&amp;") + "\u00a0&bogus; &amp"]' in code


def test_whitespace_only_text_is_dropped_and_other_text_kept_as_written() -> None:
    code = compile_wxml("<view>\n  <text>  a  b \n</text>\n  {{x}} \n</view>", "p.wxml")
    assert '["  a  b \\n"]' in code  # leading and trailing whitespace kept
    assert '"\\n  " + R.s(d["x"]) + " \\n"' in code
    assert '["\\n  "' not in code  # the whitespace between tags is gone
    assert 'R.e("view", {}, [], [R.e("text"' in code


def test_a_space_beside_the_braces_makes_a_string_and_true_false_stay_typed() -> None:
    code = compile_wxml(
        '<view a="{{[1, 2]}}" b="{{[1, 2]}} " c="{{false}}" d="false" e=" {{ n }}"/>', "p.wxml"
    )
    assert '"a": [1, 2]' in code
    assert '"b": R.s([1, 2]) + " "' in code
    assert '"c": false' in code
    assert '"d": "false"' in code
    assert '"e": " " + R.s(d["n"])' in code


def test_a_string_inside_braces_may_hold_braces_and_quotes() -> None:
    """A popular component library writes `'{{prefix}}__x'` inside an expression: WeChat parses the
    expression, so the inner braces are the string's own text (and so is a quote of the attribute's
    kind inside the string); an object literal's closing brace beside `}}` is the object's."""
    code = compile_wxml(
        "<view class=\"{{a ? '{{prefix}}__x' : ''}} b\" data-o=\"{{ {k: {v: 1}}}}\">"
        "{{ t ? \"}}\" : '<i>' }}</view>",
        "p.wxml",
    )
    assert '"class": R.s((d["a"] ? "{{prefix}}__x" : "")) + " b"' in code
    assert '"data-o": ({"k": ({"v": 1})})' in code
    assert '[R.s((d["t"] ? "}}" : "<i>"))]' in code


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a ? b ? 1 : 2 : c ? 3 : 4", '(d["a"] ? (d["b"] ? 1 : 2) : (d["c"] ? 3 : 4))'),
        ("-a + +b - -1", '(((-d["a"]) + (+d["b"])) - (-1))'),
        ("(a + b) * c % 2", '(((d["a"] + d["b"]) * d["c"]) % 2)'),
        ("a >= 1 && b !== 'x' || !c", '(((d["a"] >= 1) && (d["b"] !== "x")) || (!d["c"]))'),
        ("a & 1 | b ^ ~c << 2 >>> 1", '((d["a"] & 1) | (d["b"] ^ (((~d["c"]) << 2) >>> 1)))'),
        ("a['k'][i].x", 'd["a"]?.["k"]?.[d["i"]]?.["x"]'),
        ("0x1F + .5 + 1e3", "((31 + 0.5) + 1000.0)"),
        ("a /* note */ + 1", '(d["a"] + 1)'),
        ("'\\u0041\\x42\\'\\n\\/'", '"AB\'\\n/"'),
        ("[...a, {b, c: [1]}]", '[...d["a"], ({"b": d["b"], "c": [1]})]'),
        ("m.f(a,)", '$m?.["f"]?.(d["a"])'),
        ("a ?? b", '(d["a"] ?? d["b"])'),
        ("typeof a === 'string'", '((typeof d["a"]) === "string")'),
        ("null", "null"),
        (" /* nothing */ ", "undefined"),
    ],
)
def test_the_whole_expression_subset(source: str, expected: str) -> None:
    assert to_js(parse_expression(source), {"m"}) == expected


def test_brace_less_object_literals_and_template_data_shorthand() -> None:
    assert to_js(parse_expression("...a, ...b, e: 5"), set()) == '({...d["a"], ...d["b"], "e": 5})'
    assert to_js(parse_expression("foo, bar"), set()) == '({"foo": d["foo"], "bar": d["bar"]})'
    assert to_js(parse_expression("item"), set()) == 'd["item"]'
    assert to_js(parse_expression("item", prefer_object=True), set()) == '({"item": d["item"]})'


# -- lists and conditions ----------------------------------------------------------------------------


def test_for_item_index_and_key_forms() -> None:
    code = compile_wxml(
        '<view wx:for="{{rows}}" wx:for-item="row" wx:for-index="i" wx:key="*this">'
        '<text wx:for="{{row.cells}}" wx:key="">{{i}}.{{index}} {{item}}</text></view>'
        '<view wx:for="abc" wx:key="{{item.id}}">{{item}}</view><block wx:for="{{3}}">{{index}}</block>',
        "p.wxml",
    )
    assert 'R.f(d["rows"], 1, "*this", ($row, $i) =>' in code
    assert 'R.f($row?.["cells"], 2, null, ($item, $index) =>' in code
    assert 'R.s($i) + "." + R.s($index) + " " + R.s($item)' in code
    assert 'R.f("abc", 3, null,' in code
    assert "R.f(3, 4, null, ($item, $index) => [...[R.s($index)]])" in code


def test_for_comes_before_if_on_the_same_element() -> None:
    code = compile_wxml('<view wx:if="{{item.on}}" wx:for="{{list}}">{{item.n}}</view>', "p.wxml")
    assert 'R.f(d["list"], 1, null, ($item, $index) => ($item?.["on"] ? [R.e("view"' in code


def test_if_elif_else_chain_on_blocks_skips_whitespace_between() -> None:
    code = compile_wxml(
        '<block wx:if="{{a}}">A</block>\n  <block wx:elif="{{b}}">B</block>\n<view wx:else>C</view>x',
        "p.wxml",
    )
    assert (
        '...(d["a"] ? R.b(1, [...["A"]]) : (d["b"] ? R.b(2, [...["B"]]) : '
        'R.b(3, [R.e("view", {}, [], ["C"])])))' in code
    )
    assert code.rstrip().endswith('"x"] };\n}') or '"x"]' in code


# -- events and attributes ---------------------------------------------------------------------------


def test_every_event_binding_form() -> None:
    code = compile_wxml(
        '<view bindtap="a" bind:longpress=" b " catchtap="c" catch:touchstart="d" capture-bind:tap="e"'
        ' capture-catch:touchmove="f" mut-bind:tap="g" bindinput="{{handler}}" bindchange=""'
        ' bind:my-event="h" bindblur="{{m.onBlur}}"/><wxs module="m">module.exports = {}</wxs>',
        "pages/p.wxml",
    )
    assert (
        '[["tap", "a", 0], ["longpress", "b", 0], ["tap", "c", 1], ["touchstart", "d", 1], ["tap", "e", 2], '
        '["touchmove", "f", 3], ["tap", "g", 4], ["input", d["handler"], 0], ["change", "", 0], '
        '["my-event", "h", 0], ["blur", R.x("pages/p.wxml#m")?.["onBlur"], 0]]'
    ) in code


def test_dataset_names_are_lowercased_marks_and_slots_kept() -> None:
    code = compile_wxml(
        '<view data-element-type="a" data-elementType="b" mark:myMark="{{1}}" slot="footer"/>', "p.wxml"
    )
    assert '{"data-element-type": "a", "data-elementtype": "b", "mark:myMark": 1, "slot": "footer"}' in code


# -- templates, import, include ----------------------------------------------------------------------


def test_templates_static_and_dynamic_with_data_forms() -> None:
    code = compile_wxml(
        '<template name="row"><text>{{a}} {{b}}</text></template>'
        '<template is="row" data="{{...item, b: 2}}"/><template is="row" data="{{a, b}}"/>'
        '<template is="{{kind + \'x\'}}" data="{{item}}"/><template is="row"/>',
        "p.wxml",
    )
    assert 'T["row"] = (d) => [R.e("text", {}, [], [R.s(d["a"]) + " " + R.s(d["b"])])];' in code
    assert '...R.ti(T, I, "row", ({...d["item"], "b": 2}), C)' in code
    assert '...R.ti(T, I, "row", ({"a": d["a"], "b": d["b"]}), C)' in code
    assert '...R.ti(T, I, (d["kind"] + "x"), ({"item": d["item"]}), C)' in code
    assert '...R.ti(T, I, "row", undefined, C)' in code
    assert "return { t: T, render:" in code


def test_template_tags_resolve_against_the_components_of_the_user() -> None:
    code = compile_wxml(
        '<template name="t"><van-tag>x</van-tag><view/><my-card/><template is="t2"/></template>'
        '<template name="t2"/><template is="t"/>',
        "pages/p.wxml",
        components={"my-card": "components/card/card"},
    )
    # Known here: a component; unknown: decided by whoever instantiates the template.
    assert 'R.u("van-tag", {}, [], ["x"]), R.e("view", {}, [], []), R.c("my-card"' in code
    assert 'const C = {"my-card": "components/card/card"};' in code
    assert '...R.ti(T, I, "t2", undefined)]' in code  # inside a template: the outer user's stay
    assert '...R.ti(T, I, "t", undefined, C)' in code
    assert "const C" not in compile_wxml("<view/>", "p.wxml")


def test_a_template_sees_only_its_data_and_its_files_wxs() -> None:
    code = compile_wxml(
        '<wxs module="fmt">module.exports.up = function (s) { return s.toUpperCase() }</wxs>'
        '<template name="t"><view wx:for="{{xs}}">{{fmt.up(item)}} {{outer}}</view></template>'
        '<view wx:for="{{rows}}" wx:for-item="outer"><template is="t" data="{{xs: outer}}"/></view>',
        "pages/p.wxml",
    )
    # Inside the template, `outer` is data (d), not the page's loop variable.
    assert 'R.s(R.x("pages/p.wxml#fmt")?.["up"]?.($item)) + " " + R.s(d["outer"])' in code
    assert '...R.ti(T, I, "t", ({"xs": $outer}), C)' in code


def test_import_is_not_transitive_and_include_copies_all_but_templates_and_wxs() -> None:
    files = {
        "common/a.wxml": '<template name="fromA"><view>A</view></template>',
        "common/b.wxml": '<import src="a"/><template name="fromB"><template is="fromA"/></template>',
        "common/header.wxml": (
            '<import src="/common/a.wxml"/><template name="notCopied"/>'
            '<wxs module="w">module.exports={}</wxs>'
            '<view class="header">{{title}} {{item}}</view><template is="fromA"/>'
        ),
    }
    code = compile_wxml(
        '<import src="../common/b.wxml"/><template is="fromB"/>'
        '<view wx:for="{{list}}"><include src="/common/header"/></view>',
        "pages/p.wxml",
        files=files,
    )
    assert 'I = ["common/b", "common/a"]' in code  # the include brought its import along
    assert '...R.ti(T, I, "fromB", undefined, C)' in code
    assert 'R.e("view", {"class": "header"}, [], [R.s(d["title"]) + " " + R.s($item)])' in code
    assert "notCopied" not in code
    assert "common/header.wxml#w" not in code
    b = compile_wxml(files["common/b.wxml"], "common/b.wxml", files=files)
    assert 'I = ["common/a"]' in b


def test_else_without_if_is_a_warning_and_shows_unconditionally() -> None:
    compiler = WxmlCompiler({"a.wxml": '<view wx:for="{{l}}" wx:if="{{l}}"/>\n<text wx:else>x</text>'}.get)
    code = compiler.compile("a.wxml")
    assert 'R.e("text", {}, [], ["x"])' in code
    assert compiler.warnings[0].startswith("a.wxml:2:7: wx:else without a wx:if before it")


def test_unknown_static_template_is_a_warning_and_missing_import_too() -> None:
    compiler = WxmlCompiler({"a.wxml": '<import src="nope.wxml"/><template is="ghost"/>'}.get)
    code = compiler.compile("a.wxml")
    assert '...R.ti(T, I, "ghost", undefined, C)' in code
    assert [w.split(": ")[0] for w in compiler.warnings] == ["a.wxml:1:14", "a.wxml:1:40"]
    assert "no such file" in compiler.warnings[0] and "unknown template 'ghost'" in compiler.warnings[1]


def test_a_template_with_neither_name_nor_is_builds_with_a_warning_and_draws_nothing() -> None:
    """WeChat builds `<template data="{{…}}"/>` (real apps ship it) and draws nothing there."""
    compiler = WxmlCompiler({"a.wxml": '<view>a</view>\n  <template data="{{...item}}"/><view>b</view>'}.get)
    code = compiler.compile("a.wxml")
    assert 'R.e("view", {}, [], ["a"]), ...[], R.e("view", {}, [], ["b"])' in code
    assert [warning.split("\n")[0] for warning in compiler.warnings] == [
        "a.wxml:2:3: <template> has neither name (to define one) nor is (to use one): it draws nothing"
    ]


# -- wxs in wxml -------------------------------------------------------------------------------------


def test_wxs_modules_inline_and_src_the_later_one_wins() -> None:
    compiler = WxmlCompiler(
        {
            "pages/p.wxml": (
                '<wxs module="m">module.exports = 1</wxs><wxs module="m">module.exports = 2</wxs>'
                '<wxs module="u" src="../utils/u.wxs"/><wxs module="v" src="/utils/u"/>{{m}}{{u.f(1)}}{{v}}'
            ),
            "utils/u.wxs": "var h = require('./h.wxs'); module.exports = {f: h.f};",
            "utils/h.wxs": "module.exports = {f: function (x) { return x }};",
        }.get
    )
    code = compiler.compile("pages/p.wxml")
    assert (
        'R.s(R.x("pages/p.wxml#m")) + R.s(R.x("utils/u.wxs")?.["f"]?.(1)) + R.s(R.x("utils/u.wxs"))' in code
    )
    assert sorted(compiler.wxs) == ["pages/p.wxml#m", "utils/h.wxs", "utils/u.wxs"]
    assert "module.exports = 2" in compiler.wxs["pages/p.wxml#m"]
    assert 'require("utils/h.wxs")' in compiler.wxs["utils/u.wxs"]


# -- errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "line", "column", "fragment"),
    [
        (
            {"p.wxml": "<view>\n  <include src='x.wxml'/></view>"},
            2,
            17,
            "<include> src 'x.wxml': no such file",
        ),
        ({"p.wxml": '<view/>\n<wxs module="m" src="./none.wxs"/>'}, 2, 22, "src './none.wxs': no such file"),
        ({"p.wxml": '<wxs module="1m">x</wxs>'}, 1, 14, "module name"),
        ({"p.wxml": '<wxs module="m">\nvar a = ;\n</wxs>'}, 2, 7, "bad wxs syntax: unexpected '='"),
        ({"p.wxml": '<wxs module="m">var a = (</wxs>'}, 1, 26, "unexpected end of input"),
        ({"p.wxml": '<wxs module="m">require("./no.wxs")</wxs>'}, 1, 25, "'./no.wxs' is not a .wxs file"),
        ({"p.wxml": '<include src="q"/>', "q.wxml": '<include src="p"/>'}, 1, 15, "<include> cycle"),
        ({"p.wxml": "<view>\n  <text>{{ a ? }}</text>\n</view>"}, 2, 16, "bad expression"),
        ({"p.wxml": '<view wx:for="{{x}}" wx:for-item="a b"/>'}, 1, 22, "wx:for-item must be a name"),
        ({"p.wxml": "<view>\n  <view>\n</view>"}, 1, 1, "<view> is never closed"),
        ({"p.wxml": '<view a="x/>'}, 1, 9, "attribute value is never closed"),
        ({"p.wxml": "<!-- x"}, 1, 1, "unclosed comment"),
    ],
)
def test_compile_errors_name_the_place(files: dict[str, str], line: int, column: int, fragment: str) -> None:
    with pytest.raises(CompileError) as raised:
        WxmlCompiler(files.get).compile("p.wxml")
    error = raised.value
    assert error.position is not None
    assert (error.position.line, error.position.column) == (line, column), str(error)
    assert fragment in error.message
    # The offending line is shown under the position.
    assert files[error.position.file].splitlines()[line - 1].expandtabs(1) in str(error)


def test_bad_syntax_in_a_wxs_file_names_that_file() -> None:
    files = {"p.wxml": '<wxs module="m" src="u.wxs"/>', "u.wxs": "var ok = 1;\nvar s = 'a' +;\n"}
    with pytest.raises(CompileError) as raised:
        WxmlCompiler(files.get).compile("p.wxml")
    assert str(raised.value).startswith("u.wxs:2:13: bad wxs syntax: unexpected '+'")


def test_absurd_nesting_is_a_compile_error_not_a_crash() -> None:
    with pytest.raises(CompileError, match="nested too deeply"):
        compile_wxml("<view>" * 3000 + "</view>" * 3000, "p.wxml")
    with pytest.raises(CompileError, match="nested too deeply"):
        compile_wxml("{{" + "(" * 3000 + "1" + ")" * 3000 + "}}", "p.wxml")
    # Real pages nest far less, and compile.
    assert compile_wxml("<view>" * 60 + "x" + "</view>" * 60, "p.wxml").count("R.e(") == 60
