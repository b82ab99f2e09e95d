"""Whatever the input, the compiler either succeeds or raises CompileError: nothing else escapes."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hutong.compiler import CompileError, build_project
from hutong.compiler.jsmodule import transform_module
from hutong.compiler.jsonfile import parse_json
from hutong.compiler.typescript import strip_types
from hutong.compiler.wxss import compile_unit, compile_wxss

CSS_PIECES = st.sampled_from(
    [
        "a",
        "view",
        ".x",
        "#y",
        "{",
        "}",
        ";",
        ":",
        "(",
        ")",
        "@import",
        "@media",
        '"',
        "'",
        "10rpx",
        "-1.5rpx",
        "url(",
        "/*",
        "*/",
        "\\",
        ",",
        " ",
        "\n",
        "page",
        ":host",
        "calc(",
        "!important",
        "@keyframes",
        "%",
        "💥",
    ]
)
JS_PIECES = st.sampled_from(
    [
        "import",
        "export",
        "default",
        "from",
        "'./a'",
        '"b"',
        "`c`",
        "require(",
        ")",
        "(",
        "{",
        "}",
        "*",
        "as",
        "x",
        "y",
        ",",
        ";",
        "\n",
        " ",
        "function",
        "class",
        "const",
        "=",
        "=>",
        "async",
        "import(",
        ".",
        "/*",
        "//",
        "'",
        "${",
        "💥",
        "\\u{1F600}",
        "?.",
        "??",
    ]
)
JSON_PIECES = st.sampled_from(
    [
        "{",
        "}",
        "[",
        "]",
        '"pages"',
        '"a"',
        ":",
        ",",
        "1",
        "true",
        "null",
        " ",
        "\n",
        '"',
        "\\",
        '"subpackages"',
        '"root"',
        '"usingComponents"',
        '"tabBar"',
        '"list"',
        '"pagePath"',
        '"@x"',
        '"window"',
        "💥",
    ]
)


def joined(pieces: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(pieces, st.text(max_size=3)), max_size=40).map("".join)


@given(joined(CSS_PIECES))
@settings(max_examples=300, deadline=None)
def test_wxss_never_raises_anything_but_compile_error(source: str) -> None:
    try:
        compile_wxss(source)
        compile_unit(source, "x.wxss")
    except CompileError:
        pass


TS_PIECES = st.one_of(
    JS_PIECES,
    st.sampled_from(
        [
            ": number",
            "<T>",
            "as",
            "enum",
            "interface",
            "type",
            "declare",
            "!",
            "?",
            "public",
            "abstract",
            "implements",
            "namespace",
            "satisfies",
            "readonly",
            "constructor(",
        ]
    ),
)


@given(joined(JS_PIECES))
@settings(max_examples=300, deadline=None)
def test_js_never_raises_anything_but_compile_error(source: str) -> None:
    with contextlib.suppress(CompileError):
        transform_module(source, "x.js")


@given(joined(TS_PIECES))
@settings(max_examples=300, deadline=None)
def test_typescript_never_raises_anything_but_compile_error(source: str) -> None:
    with contextlib.suppress(CompileError):
        transform_module(strip_types(source, "x.ts"), "x.ts")


@given(joined(JSON_PIECES))
@settings(max_examples=300, deadline=None)
def test_json_never_raises_anything_but_compile_error(source: str) -> None:
    with contextlib.suppress(CompileError):
        parse_json(source, "x.json")


APP_JSON = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(), st.sampled_from(["a", "/a", "sub", "sub/b", "@v", "../x"])
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(
                [
                    "pages",
                    "subpackages",
                    "root",
                    "independent",
                    "tabBar",
                    "list",
                    "pagePath",
                    "custom",
                    "usingComponents",
                    "window",
                    "themeLocation",
                    "entryPagePath",
                    "resolveAlias",
                    "x",
                ]
            ),
            children,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@given(APP_JSON, joined(JS_PIECES), joined(CSS_PIECES))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_whole_builds_only_raise_compile_error(app: object, js: str, css: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "app.json").write_text(json.dumps(app))
        for name in ("a", "sub/b"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / f"{name}.wxml").write_text("<view/>")
            (root / f"{name}.js").write_text(js)
            (root / f"{name}.wxss").write_text(css)
        (root / "a.json").write_text(json.dumps(app))
        with contextlib.suppress(CompileError):
            build_project(root)
