"""Project loading: app.json fields, packages and their rules, page configs, components, themes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from hutong.compiler import CompileError, build_project
from tests.compiler.helpers import component, page, write_tree


def at(text: str, needle: str, occurrence: int = 1) -> str:
    """line:column of the ``occurrence``-th ``needle`` in ``text``, counted independently."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return f"{line}:{column}"


def config_of(root: Path) -> dict[str, Any]:
    result = build_project(root)
    config: dict[str, Any] = json.loads(result.files["app-config.json"])
    return config


def test_subpackages_get_their_own_bundles_and_page_index(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {
                "pages": ["pages/home/home"],
                "subPackages": [
                    {"root": "shop/", "pages": ["list/list"], "name": "shop"},
                    {"root": "solo", "pages": ["p/p"], "independent": True, "entry": "entry.js"},
                ],
            },
            **page("pages/home/home", "<view>home</view>"),
            **page("shop/list/list", "<view>list</view>", "const u = require('../util'); Page({})"),
            "shop/util.js": "module.exports = 1",
            **page("solo/p/p", "<view>solo</view>"),
            "solo/entry.js": "console.log('entry')",
        },
    )
    result = build_project(tmp_path)
    assert sorted(result.files) == [
        "app-config.json",
        "logic.js",
        "shop/logic.js",
        "shop/view.js",
        "solo/logic.js",
        "solo/view.js",
        "view.js",
    ]
    assert b'"shop/list/list"' in result.files["shop/view.js"]
    assert b'"shop/list/list"' not in result.files["view.js"]
    assert b'__hutong_define("shop/util.js"' in result.files["shop/logic.js"]
    assert b"shop/util.js" not in result.files["logic.js"]
    config = json.loads(result.files["app-config.json"])
    assert config["pages"] == ["pages/home/home", "shop/list/list", "solo/p/p"]
    assert config["pageConfigs"]["shop/list/list"]["package"] == "shop"
    assert config["pageConfigs"]["pages/home/home"]["package"] == ""
    packages = {p["root"]: p for p in config["packages"]}
    assert packages["shop"]["logic"] == "shop/logic.js" and packages["shop"]["view"] == "shop/view.js"
    assert packages["solo"]["independent"] is True and packages["solo"]["entry"] == "solo/entry.js"
    assert packages[""]["logic"] == "logic.js"


def test_nested_subpackage_roots_are_refused_at_the_root(tmp_path: Path) -> None:
    app = {"pages": ["a"], "subpackages": [{"root": "x", "pages": []}, {"root": "x/y", "pages": []}]}
    write_tree(tmp_path, {"app.json": app, **page("a")})
    text = (tmp_path / "app.json").read_text()
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    where = at(text, '"x/y"')
    assert str(raised.value).startswith(f"app.json:{where}: subpackage root 'x/y' is nested")


def test_tab_bar_pages_must_be_in_the_main_package(tmp_path: Path) -> None:
    app = {
        "pages": ["a"],
        "subpackages": [{"root": "sub", "pages": ["b"]}],
        "tabBar": {"list": [{"pagePath": "a", "text": "A"}, {"pagePath": "sub/b", "text": "B"}]},
    }
    write_tree(tmp_path, {"app.json": app, **page("a"), **page("sub/b")})
    text = (tmp_path / "app.json").read_text()
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    where = at(text, '"sub/b"')
    assert str(raised.value).startswith(f"app.json:{where}: tabBar page 'sub/b' must be")


def test_tab_bar_needs_two_to_five_items(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.json": {"pages": ["a"], "tabBar": {"list": [{"pagePath": "a"}]}}, **page("a")})
    with pytest.raises(CompileError, match=r"tabBar\.list\" must hold 2 to 5 items"):
        build_project(tmp_path)


def test_main_pages_may_not_lie_in_a_subpackage(tmp_path: Path) -> None:
    app = {"pages": ["a", "sub/b"], "subpackages": [{"root": "sub", "pages": []}]}
    write_tree(tmp_path, {"app.json": app, **page("a"), **page("sub/b")})
    text = (tmp_path / "app.json").read_text()
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    where = at(text, '"sub/b"')
    assert str(raised.value).startswith(f"app.json:{where}: page 'sub/b' is listed in pages")


def test_a_subpackage_page_using_another_subpackages_component_is_a_warning(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {
                "pages": ["a"],
                "subpackages": [{"root": "one", "pages": ["p"]}, {"root": "two", "pages": ["q"]}],
            },
            **page("a"),
            **page("one/p", "<card/>", json_config={"usingComponents": {"card": "/two/card"}}),
            **page("two/q"),
            **component("two/card"),
        },
    )
    text = (tmp_path / "one/p.json").read_text()
    # WeChat builds it and fails at run time while 'two' is not loaded: a warning at the value.
    (message,) = build_project(tmp_path).warnings
    where = at(text, '"/two/card"')
    assert message.startswith(f"one/p.json:{where}: usingComponents: 'card' is 'two/card'")
    assert "in subpackage 'two'" in message


def test_component_placeholder_allows_a_cross_package_component(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"], "subpackages": [{"root": "two", "pages": ["q"]}]},
            **page(
                "a",
                "<card/>",
                json_config={
                    "usingComponents": {"card": "/two/card"},
                    "componentPlaceholder": {"card": "view"},
                },
            ),
            **page("two/q"),
            **component("two/card"),
        },
    )
    config = config_of(tmp_path)
    assert config["pageConfigs"]["a"]["usingComponents"] == {"card": "two/card"}
    assert config["pageConfigs"]["a"]["componentPlaceholder"] == {"card": "view"}


def test_independent_subpackage_using_main_components_is_a_warning(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {
                "pages": ["a"],
                "subpackages": [{"root": "ind", "pages": ["p"], "independent": True}],
            },
            **page("a"),
            **page("ind/p", "<card/>", json_config={"usingComponents": {"card": "/components/card"}}),
            **component("components/card"),
        },
    )
    # WeChat builds it; it fails at run time while the main package is not loaded: a warning here.
    (warning,) = build_project(tmp_path).warnings
    text = (tmp_path / "ind/p.json").read_text()
    where = at(text, '"/components/card"')
    assert warning.startswith(f"ind/p.json:{where}: ")
    assert "'ind/p' may use only its own package's components" in warning
    assert "componentPlaceholder" in warning


def test_miniprogram_npm_components_resolve_upwards_with_index_and_main(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["pages/deep/a"], "usingComponents": {"g-btn": "ui-kit/button"}},
            **page(
                "pages/deep/a",
                "<g-btn/><van-cell/><near/><main-pkg/>",
                json_config={
                    "usingComponents": {
                        "van-cell": "@vant/weapp/cell/index",
                        "near": "near-pkg",
                        "main-pkg": "main-pkg",
                    }
                },
            ),
            **component("miniprogram_npm/ui-kit/button/index"),
            **component("miniprogram_npm/@vant/weapp/cell/index"),
            # A closer miniprogram_npm wins over the root one.
            **component("pages/miniprogram_npm/near-pkg/index"),
            **component("miniprogram_npm/near-pkg/index"),
            "miniprogram_npm/main-pkg/package.json": {"main": "dist/comp.js"},
            **component("miniprogram_npm/main-pkg/dist/comp"),
        },
    )
    config = config_of(tmp_path)
    assert config["pageConfigs"]["pages/deep/a"]["usingComponents"] == {
        "g-btn": "miniprogram_npm/ui-kit/button/index",
        "van-cell": "miniprogram_npm/@vant/weapp/cell/index",
        "near": "pages/miniprogram_npm/near-pkg/index",
        "main-pkg": "miniprogram_npm/main-pkg/dist/comp",
    }
    assert "miniprogram_npm/@vant/weapp/cell/index" in config["components"]


def test_bare_component_paths_try_the_owner_folder_first(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["pages/a"], "usingComponents": {"x": "components/x"}},
            **page("pages/a", "<x/>"),
            **component("components/x"),
        },
    )
    assert config_of(tmp_path)["pageConfigs"]["pages/a"]["usingComponents"] == {"x": "components/x"}


def test_unknown_app_fields_are_kept_with_a_warning(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.json": '{"pages": ["a"],\n  "fancyThing": {"x": 1}}', **page("a")})
    result = build_project(tmp_path)
    assert result.warnings == ["app.json:2:17: unknown app.json field 'fancyThing' kept as written"]
    assert result.config["app"]["fancyThing"] == {"x": 1}


def test_page_json_window_keys_override_app_window(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {
                "pages": ["a", "b"],
                "window": {"navigationBarTitleText": "App", "backgroundColor": "#eee"},
                "networkTimeout": {"request": 5000},
            },
            **page(
                "a", json_config={"navigationBarTitleText": "A", "disableScroll": True, "usingComponents": {}}
            ),
            **page("b"),
        },
    )
    config = config_of(tmp_path)
    window_a = config["pageConfigs"]["a"]["window"]
    assert window_a["navigationBarTitleText"] == "A"
    assert window_a["backgroundColor"] == "#eee"
    assert window_a["disableScroll"] is True
    assert "usingComponents" not in window_a
    assert config["pageConfigs"]["b"]["window"]["navigationBarTitleText"] == "App"
    assert config["networkTimeout"] == {
        "request": 5000,
        "connectSocket": 60000,
        "uploadFile": 60000,
        "downloadFile": 60000,
    }


def test_theme_variables_resolve_per_theme(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {
                "pages": ["a", "b"],
                "darkmode": True,
                "themeLocation": "theme.json",
                "window": {"navigationBarBackgroundColor": "@navBg", "navigationBarTitleText": "T"},
                "tabBar": {
                    "color": "@tabColor",
                    "list": [
                        {"pagePath": "a", "iconPath": "@iconA"},
                        {"pagePath": "b", "iconPath": "@iconA"},
                    ],
                },
            },
            "theme.json": {
                "light": {
                    "navBg": "#ffffff",
                    "tabColor": "#111",
                    "iconA": "a-light.png",
                    "pageBg": "#fafafa",
                },
                "dark": {"navBg": "#000000", "tabColor": "#eee", "iconA": "a-dark.png", "pageBg": "#101010"},
            },
            **page("a", json_config={"backgroundColor": "@pageBg"}),
            **page("b"),
        },
    )
    config = config_of(tmp_path)
    assert config["window"]["navigationBarBackgroundColor"] == "#ffffff"
    assert config["tabBar"]["list"][0]["iconPath"] == "a-light.png"
    assert config["pageConfigs"]["a"]["window"]["backgroundColor"] == "#fafafa"
    dark = config["themes"]["dark"]
    assert dark["window"]["navigationBarBackgroundColor"] == "#000000"
    assert dark["tabBar"]["color"] == "#eee"
    assert dark["pageWindows"]["a"]["backgroundColor"] == "#101010"
    assert dark["pageWindows"]["b"]["navigationBarBackgroundColor"] == "#000000"


def test_undefined_theme_variable_is_an_error_at_its_place(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": (
                '{"pages": ["a"], "themeLocation": "theme.json",\n "window": {"backgroundColor": "@nope"}}'
            ),
            "theme.json": {"light": {}, "dark": {}},
            **page("a"),
        },
    )
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    assert str(raised.value).startswith("app.json:2:32: theme variable '@nope' is not defined")


def test_entry_page_path_must_be_a_page(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.json": '{"pages": ["a"], "entryPagePath": "b"}', **page("a")})
    with pytest.raises(CompileError, match=r"^app\.json:1:35: entryPagePath 'b' is not one of the pages"):
        build_project(tmp_path)
    write_tree(tmp_path, {"app.json": '{"pages": ["a", "c"], "entryPagePath": "c"}', **page("c")})
    assert config_of(tmp_path)["entryPagePath"] == "c"


def test_missing_page_file_points_at_the_list_entry(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app.json": '{"pages": [\n  "a",\n  "pages/gone"\n]}', **page("a")})
    with pytest.raises(CompileError, match=r"^app\.json:3:3: page 'pages/gone' has no pages/gone\.wxml"):
        build_project(tmp_path)


def test_custom_tab_bar_component_is_resolved(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {
                "pages": ["a", "b"],
                "tabBar": {"custom": True, "list": [{"pagePath": "a"}, {"pagePath": "b"}]},
            },
            **page("a"),
            **page("b"),
            **component("custom-tab-bar/index", "<view>tabs</view>"),
        },
    )
    result = build_project(tmp_path)
    assert result.config["tabBar"]["customComponent"] == "custom-tab-bar/index"
    assert "custom-tab-bar/index" in result.config["components"]
    assert b'"custom-tab-bar/index"' in result.files["view.js"]


def test_custom_tab_bar_without_component_warns(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {
                "pages": ["a", "b"],
                "tabBar": {"custom": True, "list": [{"pagePath": "a"}, {"pagePath": "b"}]},
            },
            **page("a"),
            **page("b"),
        },
    )
    result = build_project(tmp_path)
    assert result.config["tabBar"]["customComponent"] is None
    assert any("custom tabBar without" in warning for warning in result.warnings)


def test_component_style_isolation_is_recorded(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"]},
            **page("a", "<c/>", json_config={"usingComponents": {"c": "/c/c"}}),
            "c/c.json": {"component": True, "styleIsolation": "apply-shared"},
            "c/c.wxml": "<view class='x'/>",
            "c/c.wxss": ":host { display: block } .x { width: 10rpx }",
        },
    )
    result = build_project(tmp_path)
    assert result.config["components"]["c/c"]["styleIsolation"] == "apply-shared"
    view = result.files["view.js"].decode()
    assert '"c/c": ":host { display: block } .x { width: 1.333333vw }"' in view


def test_assets_ship_under_their_paths_with_hash_and_type(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "app.json": {"pages": ["a"], "subpackages": [{"root": "sub", "pages": ["b"]}]},
            **page("a", '<image src="/images/logo.png"/>'),
            **page("sub/b"),
            "images/logo.png": b"\x89PNG main",
            "sub/icons/x.svg": "<svg/>",
            "notes.txt": "not an asset",
        },
    )
    result = build_project(tmp_path)
    assert result.files["images/logo.png"] == b"\x89PNG main"
    assert "notes.txt" not in result.files
    assets = result.config["assets"]
    assert assets["images/logo.png"] == {
        "sha256": hashlib.sha256(b"\x89PNG main").hexdigest(),
        "size": 9,
        "type": "image/png",
    }
    assert assets["sub/icons/x.svg"]["type"] == "image/svg+xml"


def test_cloud_functions_and_pack_ignores_are_not_part_of_the_app(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "project.config.json": {
                "cloudfunctionRoot": "cloudfunctions/",
                "packOptions": {
                    "ignore": [{"type": "folder", "value": "docs"}, {"type": "file", "value": "x.js"}]
                },
            },
            "app.json": {"pages": ["a"]},
            **page("a"),
            "cloudfunctions/login/index.js": "const cloud = require('wx-server-sdk')",
            "docs/tool.js": "require('webpack')",
            "x.js": "require('nothing-here')",
        },
    )
    result = build_project(tmp_path)
    logic = result.files["logic.js"].decode()
    assert "cloudfunctions" not in logic and "docs/tool.js" not in logic and '"x.js"' not in logic
    assert result.warnings == []
