"""Whatever WXML or WXS it is given, the compiler answers with valid JavaScript or a CompileError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hutong.compiler import CompileError
from hutong.compiler.jsparse import first_syntax_error, parse_js
from hutong.compiler.wxml.codegen import WxmlCompiler

# Fragments that reach every branch of the parser and code generator, glued at random.
_WXML_PIECES = [
    "<view",
    "<text>",
    "</view>",
    "</text>",
    "/>",
    ">",
    "<",
    "<block wx:if='{{a}}'>",
    "</block>",
    "<view wx:elif='{{b}}'/>",
    "<view wx:else/>",
    ' wx:for="{{list}}"',
    ' wx:for-item="x"',
    ' wx:key="*this"',
    ' bindtap="go"',
    ' catch:tap="{{h}}"',
    ' data-a-B="1"',
    " checked",
    '<template name="t">',
    "</template>",
    '<template is="t" data="{{...item, a}}"/>',
    '<template is="{{n}}"/>',
    '<import src="other.wxml"/>',
    '<include src="other"/>',
    '<wxs module="m">',
    "</wxs>",
    '<wxs module="u" src="u.wxs"/>',
    "module.exports = {f: function (x) { return x.constructor }};",
    "{{",
    "}}",
    "{{a + b * (c ? d : e)}}",
    "{{m.f([1, ...x], {k: 1})}}",
    "{{'s' + \"t\\u0041\"}}",
    "&amp;",
    "&#x1F600;",
    "&#xD800;",
    "<!--",
    "-->",
    '"',
    "'",
    "=",
    " ",
    "\n",
    "text",
    "中文",
]

_WXS_PIECES = [
    "var a = 1;",
    "function f(x) {",
    "}",
    "return x;",
    "module.exports = ",
    "require('./u.wxs')",
    "require('./none.wxs')",
    ".constructor",
    "getDate()",
    "getRegExp('a+', 'g')",
    "(",
    ")",
    "{",
    "'str",
    "/* c",
    "*/",
    "x = y",
    "\n",
    ";",
]


def _compile(files: dict[str, str]) -> None:
    compiler = WxmlCompiler(files.get)
    try:
        code = compiler.compile("p.wxml")
        compiler.wxs_file("u.wxs")
    except CompileError:
        return
    # What comes out is valid JavaScript, for a UTF-8 bundle.
    for js in [code, *compiler.wxs.values()]:
        data = f"({js});".encode()
        assert first_syntax_error(parse_js(data)) is None, js


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    page=st.lists(st.sampled_from(_WXML_PIECES) | st.text(max_size=6), max_size=40).map("".join),
    other=st.lists(st.sampled_from(_WXML_PIECES), max_size=12).map("".join),
    wxs=st.lists(st.sampled_from(_WXS_PIECES) | st.text(max_size=4), max_size=20).map("".join),
)
def test_compiler_only_ever_answers_with_compile_error(page: str, other: str, wxs: str) -> None:
    _compile({"p.wxml": page, "other.wxml": other, "u.wxs": wxs})
