"""WXSS: rpx and built-in type selectors, through a real CSS parser."""

from __future__ import annotations

from hutong.compiler.wxss import compile_wxss


def test_rpx_becomes_a_share_of_the_width() -> None:
    assert compile_wxss(".a{width:750rpx;margin:calc(10rpx + 2px) -3rpx}") == (
        ".a{width:100vw;margin:calc(1.333333vw + 2px) -0.4vw}"
    )


def test_builtin_type_selectors_get_their_dom_names() -> None:
    css = compile_wxss(
        "page{color:red} .view view.a, button:hover, .x .button{top:0} @media (min-width: 1px){text{a:b}}"
    )
    assert css.startswith("wx-page{color:red} .view wx-view.a, wx-button:hover, .x .button{top:0}")
    assert "wx-text{a:b}" in css


def test_strings_and_comments_are_not_rewritten() -> None:
    css = compile_wxss('.a::after{content:"10rpx view"} /* 5rpx */ .b{top:0}')
    assert 'content:"10rpx view"' in css
    assert "5rpx" not in css
