"""Whole builds: every example compiles, reproducibly, and bad projects fail with a position."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hutong.compiler import CompileError, build_project


def example_dirs(examples: Path) -> list[Path]:
    return sorted(path.parent for path in examples.glob("*/app.json"))


def test_every_example_compiles_byte_for_byte_the_same(examples_dir: Path) -> None:
    dirs = example_dirs(examples_dir)
    assert dirs, "no examples found"
    for directory in dirs:
        first = build_project(directory)
        second = build_project(directory)
        assert first.files == second.files, directory
        config = json.loads(first.files["app-config.json"])
        assert config["pages"], directory


def test_bad_app_json_names_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "app.json").write_text('{\n  "pages": ["a"],\n  oops\n}')
    with pytest.raises(CompileError) as raised:
        build_project(tmp_path)
    assert str(raised.value).startswith("app.json:3:3: invalid JSON")


def test_missing_page_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "app.json").write_text('{"pages": ["pages/a/a"]}')
    with pytest.raises(CompileError, match=r"no pages/a/a\.wxml"):
        build_project(tmp_path)


def test_miniprogram_root_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "miniprogram"
    (root / "pages").mkdir(parents=True)
    (tmp_path / "project.config.json").write_text('{"miniprogramRoot": "miniprogram/"}')
    (root / "app.json").write_text('{"pages": ["pages/a"]}')
    (root / "pages" / "a.wxml").write_text("<view>{{x}}</view>")
    result = build_project(tmp_path)
    assert b'"pages/a"' in result.files["view.js"]


def test_using_components_resolve_relative_absolute_and_global(tmp_path: Path) -> None:
    (tmp_path / "components" / "card").mkdir(parents=True)
    (tmp_path / "pages" / "a").mkdir(parents=True)
    (tmp_path / "app.json").write_text(
        '{"pages": ["pages/a/a"], "usingComponents": {"g-card": "/components/card/card"}}'
    )
    (tmp_path / "pages/a/a.json").write_text('{"usingComponents": {"my-card": "../../components/card/card"}}')
    (tmp_path / "pages/a/a.wxml").write_text('<my-card title="x">hi</my-card><g-card/><view/>')
    (tmp_path / "components/card/card.json").write_text('{"component": true}')
    (tmp_path / "components/card/card.wxml").write_text("<view>{{title}}<slot/></view>")
    result = build_project(tmp_path)
    view = result.files["view.js"].decode()
    assert 'R.c("my-card", "components/card/card", {"title": "x"}' in view
    assert 'R.c("g-card", "components/card/card"' in view
    assert 'R.e("view", {}, [], [])' in view
    config = json.loads(result.files["app-config.json"])
    assert config["pageConfigs"]["pages/a/a"]["usingComponents"] == {
        "g-card": "components/card/card",
        "my-card": "components/card/card",
    }
    assert config["components"]["components/card/card"]["component"] is True


def test_missing_component_names_the_json_file(tmp_path: Path) -> None:
    (tmp_path / "app.json").write_text('{"pages": ["a"]}')
    (tmp_path / "a.json").write_text('{"usingComponents": {"x": "./nope"}}')
    (tmp_path / "a.wxml").write_text("<x/>")
    with pytest.raises(CompileError, match=r"a\.json:1:27: usingComponents: component 'x'"):
        build_project(tmp_path)


def test_the_send_coupon_plugin_is_the_runtimes_element(tmp_path: Path) -> None:
    # WeChat Pay's plugin (its provider appid) is drawn by the runtime; any other plugin is skipped.
    plugins = {
        "sendCoupon": {"version": "latest", "provider": "wxf3f436ba9bd4be7b"},
        "other": {"version": "1.0.0", "provider": "wx0000000000000000"},
    }
    (tmp_path / "app.json").write_text(json.dumps({"pages": ["a"], "plugins": plugins}))
    using = {
        "usingComponents": {"coupon-button": "plugin://sendCoupon/send-coupon", "map": "plugin://other/map"}
    }
    (tmp_path / "a.json").write_text(json.dumps(using))
    (tmp_path / "a.wxml").write_text(
        '<coupon-button sign="s" bind:sendcoupon="got"><view/></coupon-button><map/>'
    )
    result = build_project(tmp_path)
    view = result.files["view.js"].decode()
    assert 'R.e("hutong-send-coupon", {"sign": "s"}, [["sendcoupon", "got"' in view
    assert "usingComponents" not in json.loads(result.files["app-config.json"])["pageConfigs"]["a"] or (
        "coupon-button"
        not in json.loads(result.files["app-config.json"])["pageConfigs"]["a"]["usingComponents"]
    )
    assert any("plugin component 'plugin://other/map' skipped" in warning for warning in result.warnings)
    assert not any("send-coupon" in warning for warning in result.warnings)
