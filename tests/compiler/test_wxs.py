"""WXS modules: what the compiler changes for the view layer, and where it reports bad input."""

from __future__ import annotations

import pytest

from hutong.compiler import CompileError
from hutong.compiler.wxs import WxsPlace, compile_wxs


def compile_one(code: str, files: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    return compile_wxs(code, WxsPlace("utils/a.wxs", code), lambda path: path in files)


def test_factory_shape_and_require_resolved_to_bundle_keys() -> None:
    factory, required = compile_one(
        "var b = require('./b.wxs');\nvar c = require(\"../lib/c\");\nmodule.exports = {b: b, c: c};",
        ("utils/b.wxs", "lib/c.wxs"),
    )
    assert factory.startswith("function (require, module, exports, getDate, getRegExp, __wxsType) {\n")
    assert 'require("utils/b.wxs")' in factory and 'require("lib/c.wxs")' in factory
    assert required == ["utils/b.wxs", "lib/c.wxs"]


def test_constructor_reads_become_wxs_type_names_but_writes_do_not() -> None:
    factory, _ = compile_one(
        "function isArray(v) { return v && v.constructor === 'Array' }\n"
        "var t = getDate().constructor; o.constructor = 1; var n = a[0].constructor.constructor;"
    )
    assert "v && __wxsType(v) === 'Array'" in factory
    assert "var t = __wxsType(getDate());" in factory
    assert "o.constructor = 1;" in factory
    assert "var n = __wxsType(__wxsType(a[0]));" in factory


def test_undeclared_assignments_get_a_module_variable() -> None:
    factory, _ = compile_one(
        "count = 0; function inc(step) { total += step; count++ }; var kept = 1; kept = 2;"
    )
    assert "var count, total;" in factory
    assert "kept," not in factory


@pytest.mark.parametrize(
    ("code", "line", "column", "fragment"),
    [
        ("var a = 1;\nfunction (", 2, 11, "unexpected end of input"),
        ("var s = 'x' +;", 1, 13, "unexpected '+'"),
        ("var ok = 1;\nvar x = require('./missing.wxs');", 2, 17, "'./missing.wxs' is not a .wxs file"),
        ("require('./b.js')", 1, 9, "'./b.js' is not a .wxs file"),
    ],
)
def test_errors_name_the_wxs_file_line_and_column(code: str, line: int, column: int, fragment: str) -> None:
    with pytest.raises(CompileError) as raised:
        compile_one(code, ("utils/b.js",))
    assert raised.value.position is not None
    assert (raised.value.position.file, raised.value.position.line, raised.value.position.column) == (
        "utils/a.wxs",
        line,
        column,
    )
    assert fragment in raised.value.message


def test_inline_module_positions_count_from_where_the_block_starts() -> None:
    with pytest.raises(CompileError) as raised:
        compile_wxs("var ok;\n  var = 2;", WxsPlace("p.wxml#m", "", line=5, column=20), lambda path: False)
    assert raised.value.position is not None
    assert (raised.value.position.line, raised.value.position.column) == (6, 3)


def test_unknown_string_escapes_keep_their_backslash_as_in_wxs() -> None:
    factory, _ = compile_one(r"""var r = getRegExp('^-?\d+(\.\d+)?$'); var s = "a\nb\\c\'\u0041\-";""")
    assert r"getRegExp('^-?\\d+(\\.\\d+)?$')" in factory
    assert r""""a\nb\\c\'\u0041\\-";""" in factory


def test_reserved_words_may_name_wxs_variables() -> None:
    factory, _ = compile_one(
        "var class = ''; var o = {class: 1}; var p = o.class;\n"
        "function f(static) { class = static ? 'x' : class; return class + o.class + 010; }"
    )
    assert "var clas$ = ''; var o = {class: 1}; var p = o.class;" in factory
    assert "function f(stati$) { clas$ = stati$ ? 'x' : clas$; return clas$ + o.class + 8; }" in factory
    # Positions in errors stay those of the source.
    with pytest.raises(CompileError) as raised:
        compile_one("var class = 1;\nvar x = ;")
    assert raised.value.position is not None
    assert (raised.value.position.line, raised.value.position.column) == (2, 7)
