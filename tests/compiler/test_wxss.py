"""WXSS: rpx and built-in type selectors, through a real CSS parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hutong.compiler import CompileError, build_project
from hutong.compiler.wxss import compile_unit, compile_wxss
from tests.compiler.helpers import page, write_tree


def test_rpx_becomes_a_share_of_the_width() -> None:
    assert compile_wxss(".a{width:750rpx;margin:calc(10rpx + 2px) -3rpx}") == (
        ".a{width:100vw;margin:calc(1.333333vw + 2px) -0.4vw}"
    )


def test_empty_also_matches_an_element_holding_only_unfilled_slots() -> None:
    css = compile_wxss(".s:not(:empty)+.u{display:none} view:empty{a:b} p::empty{}")
    assert css == (
        ".s:not(:is(:empty, [hutong-empty]))+.u{display:none} "
        "wx-view:is(:empty, [hutong-empty]){a:b} p::empty{}"
    )


def test_builtin_type_selectors_get_their_dom_names() -> None:
    css = compile_wxss(
        "page{color:red} .view view.a, button:hover, .x .button{top:0} @media (min-width: 1px){text{a:b}}"
    )
    assert css.startswith("wx-page{color:red} .view wx-view.a, wx-button:hover, .x .button{top:0}")
    assert "wx-text{a:b}" in css


def test_a_font_list_without_a_generic_family_ends_in_sans_serif() -> None:
    """A phone draws a face it lacks in its sans-serif face (the browser test measures it)."""
    css = compile_wxss(
        '.a{font-family:"Microsoft YaHei"} .b{font-family: PingFang SC, Helvetica !important}'
        '.c{font: bold 14px/1.5 "Microsoft YaHei"} .d{font-family:inherit;font:caption}'
        ".e{font-family:Arial,serif;font-family:var(--f);transition:font 1s}"
        '@font-face{font-family:"Mine";src:url(a.ttf)} @media (min-width:1px){.f{font-family:Georgia}}'
    )
    assert css == (
        '.a{font-family:"Microsoft YaHei", sans-serif} .b{font-family: PingFang SC, Helvetica, sans-serif '
        '!important}.c{font: bold 14px/1.5 "Microsoft YaHei", sans-serif} '
        ".d{font-family:inherit;font:caption}"
        ".e{font-family:Arial,serif;font-family:var(--f);transition:font 1s}"
        '@font-face{font-family:"Mine";src:url(a.ttf)} '
        "@media (min-width:1px){.f{font-family:Georgia, sans-serif}}"
    )


def test_strings_and_comments_are_not_rewritten() -> None:
    css = compile_wxss('.a::after{content:"10rpx view"} /* 5rpx */ .b{top:0}')
    assert 'content:"10rpx view"' in css
    assert "5rpx" not in css


def _styles(root: Path) -> dict[str, str]:
    view = build_project(root).files["view.js"].decode()
    start = view.index("wxss: ") + len("wxss: ")
    styles: dict[str, str] = json.loads(view[start : view.rindex("\n});")])
    return styles


def test_imports_are_inlined_relative_and_from_the_root(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["pages/a/a"]},
            "app.wxss": '@import "/styles/base.wxss";\npage { color: red }',
            **page("pages/a/a"),
            "pages/a/a.wxss": "@import '../../styles/mixins';\n.a { width: 75rpx }",
            "styles/base.wxss": "@import url('./reset.wxss');\n.base { margin: 0 }",
            "styles/reset.wxss": "view { padding: 0 }",
            "styles/mixins.wxss": ".m { top: 1px }",
        },
    )
    styles = _styles(tmp_path)
    assert styles["app"] == "wx-view { padding: 0 }\n.base { margin: 0 }\nwx-page { color: red }"
    assert styles["pages/a/a"] == ".m { top: 1px }\n.a { width: 10vw }"
    assert "styles/base" not in styles


def test_import_cycle_is_reported_where_it_closes(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"]},
            **page("a"),
            "a.wxss": '@import "x.wxss";',
            "x.wxss": '.x {}\n  @import "y.wxss";',
            "y.wxss": '@import "x.wxss";',
        },
    )
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    assert str(raised.value) == "y.wxss:1:1: @import cycle: x.wxss -> y.wxss -> x.wxss"


def test_missing_import_names_its_place(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"app.json": {"pages": ["a"]}, **page("a"), "a.wxss": '.a {}\n  @import "gone.wxss";'}
    )
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    assert str(raised.value) == "a.wxss:2:3: @import 'gone.wxss': no such file"


def test_host_and_external_class_selectors_pass_through() -> None:
    unit = compile_unit(":host { color: red }\n:host(.on) .my-class { width: 2rpx }", "c.wxss")
    assert unit.pieces == [":host { color: red }\n:host(.on) .my-class { width: 0.266667vw }"]


def test_broken_rules_are_skipped_with_a_warning() -> None:
    unit = compile_unit(".a { color: red }\n.b", "x.wxss")
    assert unit.warnings == ["x.wxss:2:2: CSS EOF reached before {} block for a qualified rule, skipped"]


def test_wechat_inner_element_classes_become_parts_of_the_component() -> None:
    css = compile_wxss(
        "switch .wx-switch-input.wx-switch-input-checked::after { left: 22px }\n"
        ".list .wx-checkbox-input, .other { color: red }\n"
        ".wx-radio-input:not(.wx-radio-input-checked):not([class*=bg-]) { color: blue }\n"
        ".wx-radio-input .inside { color: green }"
    )
    assert (
        ":is(wx-switch wx-switch, wx-switch:is(wx-switch))"
        "::part(wx-switch-input wx-switch-input-checked)::after" in css
    )
    # An ancestor of the component, or the component itself; the other selector is left alone.
    assert (
        ":is(.list :is(wx-checkbox, wx-switch), :is(wx-checkbox, wx-switch):is(.list))"
        "::part(wx-checkbox-input), .other" in css
    )
    # The checked state is the component's; a negation ::part() cannot carry is dropped.
    assert "wx-radio:not([hutong-checked])::part(wx-radio-input)" in css
    # Nothing can follow a part: left as written (it matches nothing, as before).
    assert ".wx-radio-input .inside" in css
