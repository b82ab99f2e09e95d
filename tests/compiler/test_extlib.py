"""app.json useExtendedLib: weui-miniprogram components and styles from Hutong's own library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hutong.compiler import CompileError, build_project
from hutong.compiler.extlib import WEUI_COMPONENTS, compat_section, icon_names, supported_components
from tests.compiler.helpers import page, write_tree

WEUI = {"weui": True}


def app(tmp_path: Path, using: dict[str, str], extended: Any = WEUI, **extra: Any) -> Path:
    config: dict[str, Any] = {"pages": ["pages/index/index"]}
    if extended is not None:
        config["useExtendedLib"] = extended
    files: dict[str, Any] = {
        "app.json": config,
        "app.js": "App({})",
        **page("pages/index/index", "<view/>", json_config={"usingComponents": using}),
    }
    files.update(extra)
    return write_tree(tmp_path, files)


def test_weui_components_resolve_to_the_bundled_library(tmp_path: Path) -> None:
    app(tmp_path, {"mp-dialog": "weui-miniprogram/dialog/dialog", "mp-cell": "weui-miniprogram/cell/cell"})
    result = build_project(tmp_path)
    config = json.loads(result.files["app-config.json"])
    using = config["pageConfigs"]["pages/index/index"]["usingComponents"]
    assert using == {
        "mp-cell": "__extlib__/weui-miniprogram/cell/cell",
        "mp-dialog": "__extlib__/weui-miniprogram/dialog/dialog",
    }
    view = result.files["view.js"].decode()
    logic = result.files["logic.js"].decode()
    # Only the components used are compiled in: their templates, scripts and styles.
    assert '"__extlib__/weui-miniprogram/dialog/dialog":' in view
    assert '"__extlib__/weui-miniprogram/cell/cell":' in view
    assert "weui-miniprogram/actionsheet" not in view + logic
    assert '__hutong_define("__extlib__/weui-miniprogram/dialog/dialog.js"' in logic
    assert ".weui-dialog__btn" in view
    # None of it travels as the app's source or counts in its size.
    assert result.project is not None
    assert not any(path.startswith("__extlib__") for path in result.project.file_list)


def test_the_base_sheet_applies_app_wide_and_its_import_is_accepted(tmp_path: Path) -> None:
    app(tmp_path, {}, **{"app.wxss": ".mine { color: red; }"})
    plain = build_project(tmp_path).app_css
    assert ".weui-cells" in plain and ".weui-btn_primary" in plain
    assert plain.index(".weui-cells") < plain.index(".mine")
    (tmp_path / "app.wxss").write_text(
        '@import "weui-miniprogram/weui-wxss/dist/style/weui.wxss";\n.mine { color: red; }'
    )
    imported = build_project(tmp_path).app_css
    # Imported explicitly, the sheet is there once, where the import puts it.
    assert imported.count(".weui-cells__tips {") == 1
    assert imported.index(".weui-cells") < imported.index(".mine")


def test_without_use_extended_lib_the_paths_are_not_found(tmp_path: Path) -> None:
    app(tmp_path, {"mp-dialog": "weui-miniprogram/dialog/dialog"}, extended=None)
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    assert "pages/index/index.json:3:18: usingComponents: component 'mp-dialog'" in str(raised.value)
    assert "not found" in str(raised.value)
    (tmp_path / "app.json").write_text(json.dumps({"pages": ["pages/index/index"]}))
    (tmp_path / "pages/index/index.json").write_text("{}")
    (tmp_path / "app.wxss").write_text('@import "weui-miniprogram/weui-wxss/dist/style/weui.wxss";')
    with pytest.raises(CompileError, match=r"app.wxss:1:1: @import .*no such file"):
        build_project(tmp_path)


def test_an_unsupported_weui_component_is_a_clear_error_at_its_place(tmp_path: Path) -> None:
    assert "video-swiper" not in supported_components()
    app(tmp_path, {"mp-video": "weui-miniprogram/video-swiper/video-swiper"})
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    message = str(raised.value)
    assert message.startswith("pages/index/index.json:3:17: ")
    assert "weui-miniprogram/video-swiper is not supported by Hutong" in message
    assert "nor is it one of WeChat's WeUI ones" in message


def test_independent_subpackages_are_told_the_library_is_not_available(tmp_path: Path) -> None:
    app(
        tmp_path,
        {},
        **{
            "app.json": {
                "pages": ["pages/index/index"],
                "useExtendedLib": WEUI,
                "subpackages": [{"root": "ind", "pages": ["p"], "independent": True}],
            },
            **page("ind/p", json_config={"usingComponents": {"mp-cell": "weui-miniprogram/cell/cell"}}),
        },
    )
    with pytest.raises(CompileError, match="not available in an independent subpackage"):
        build_project(tmp_path)


def test_every_supported_component_compiles(tmp_path: Path) -> None:
    names = supported_components()
    assert {"cells", "cell", "dialog", "actionsheet"} <= set(names)
    app(tmp_path, {f"mp-{name}": f"weui-miniprogram/{name}/{name}" for name in names})
    result = build_project(tmp_path)
    view = result.files["view.js"].decode()
    for name in names:
        assert f'"__extlib__/weui-miniprogram/{name}/{name}":' in view
    assert not [warning for warning in result.warnings if "__extlib__" in warning]


def test_the_compatibility_table_lists_exactly_the_implemented_components() -> None:
    implemented = {name for name, note in WEUI_COMPONENTS.items() if note is not None}
    assert implemented == set(supported_components())
    section = "\n".join(compat_section())
    assert "| `weui-miniprogram/dialog` | partial | rootPortal is ignored" in section
    assert "| `weui-miniprogram/cells` | supported |" in section
    assert "video-swiper" not in WEUI_COMPONENTS and "are separate npm packages" in section
    assert "`weui-cells`" in section and "`weui-btn_primary`" in section
    assert "star" in icon_names() and "add" in icon_names()


def test_the_npm_form_names_the_library_and_an_npm_copy_is_overridden(tmp_path: Path) -> None:
    app(
        tmp_path,
        {"mp-badge": "/miniprogram_npm/weui-miniprogram/badge/badge"},
        **{
            "app.wxss": '@import "/miniprogram_npm/weui-miniprogram/weui-wxss/dist/style/weui.wxss";',
            "miniprogram_npm/weui-miniprogram/badge/badge.json": {"component": True},
            "miniprogram_npm/weui-miniprogram/badge/badge.wxml": "<view>npm copy</view>",
            "miniprogram_npm/weui-miniprogram/badge/badge.js": "Component({})",
        },
    )
    result = build_project(tmp_path)
    config = json.loads(result.files["app-config.json"])
    using = config["pageConfigs"]["pages/index/index"]["usingComponents"]
    assert using == {"mp-badge": "__extlib__/weui-miniprogram/badge/badge"}
    assert result.app_css.count(".weui-cells__tips {") == 1
    assert any("miniprogram_npm/weui-miniprogram is in the app too" in w for w in result.warnings)


def test_subpackage_pages_and_app_wide_using_components_reach_the_library(tmp_path: Path) -> None:
    app(
        tmp_path,
        {},
        **{
            "app.json": {
                "pages": ["pages/index/index"],
                "useExtendedLib": WEUI,
                "usingComponents": {"mp-badge": "weui-miniprogram/badge/badge"},
                "subpackages": [{"root": "sub", "pages": ["p"]}],
            },
            **page(
                "sub/p",
                "<mp-cell/><mp-badge/>",
                json_config={"usingComponents": {"mp-cell": "weui-miniprogram/cell/cell"}},
            ),
        },
    )
    result = build_project(tmp_path)
    config = json.loads(result.files["app-config.json"])
    assert config["pageConfigs"]["sub/p"]["usingComponents"] == {
        "mp-badge": "__extlib__/weui-miniprogram/badge/badge",
        "mp-cell": "__extlib__/weui-miniprogram/cell/cell",
    }
    # The library's components live in the main package, which a subpackage's pages can use.
    assert '"__extlib__/weui-miniprogram/cell/cell":' in result.files["view.js"].decode()
    assert '"__extlib__/weui-miniprogram/cell/cell":' not in result.files["sub/view.js"].decode()


def test_a_wrong_file_of_a_supported_component_is_named(tmp_path: Path) -> None:
    app(tmp_path, {"mp-dialog": "weui-miniprogram/dialog/index2"})
    with pytest.raises(CompileError, match=r"weui-miniprogram/dialog/index2 is not a file of the library"):
        build_project(tmp_path)
