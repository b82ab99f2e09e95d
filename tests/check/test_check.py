"""`hutong check` must be trustworthy: clean pages pass, blank or broken ones never do."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from hutong.check.runner import check_project
from hutong.cli.main import app
from hutong.compiler.builtins import BUILTIN_TAGS

PAGES = {
    "pages/good/good": ("<view class='t'>Hello {{name}}</view>", "Page({data: {name: 'tea'}})"),
    "pages/blank/blank": (
        "<view wx:if='{{shown}}'>never</view><view></view>",
        "Page({data: {shown: false}})",
    ),
    # Content that is only a position: fixed button inside an empty view is drawn: not blank.
    "pages/floating/floating": (
        "<view><view style='position: fixed; right: 0; bottom: 0; width: 40px; height: 40px;"
        " background: red'></view></view>",
        "Page({})",
    ),
    # Text inside a collapsed container is not drawn: blank.
    "pages/collapsed/collapsed": (
        "<view style='height: 0; overflow: hidden'><view>hidden text</view></view>",
        "Page({})",
    ),
    # A splash page that hands over at once: what is measured is the page on screen, not the
    # splash's frame, hidden below it.
    "pages/splash/splash": ("<view></view>", "Page({onLoad() { wx.navigateTo({url: '/pages/good/good'}) }})"),
    "pages/throws/throws": (
        "<view>text</view>",
        "Page({\n  onLoad() {\n    const order = null\n    order.total += 1\n  },\n})",
    ),
    "pages/unknown/unknown": ("<view>x</view><fancy-widget>y</fancy-widget>", "Page({})"),
    "pages/noisy/noisy": ("<view>x</view>", "Page({onLoad() { console.error('boom') }})"),
}


def write_app(root: Path) -> None:
    (root / "app.json").write_text(json.dumps({"pages": list(PAGES)}))
    (root / "app.js").write_text("App({})")
    for route, (wxml, js) in PAGES.items():
        (root / route).parent.mkdir(parents=True, exist_ok=True)
        (root / f"{route}.wxml").write_text(wxml)
        (root / f"{route}.js").write_text(js)


async def test_each_kind_of_broken_page_fails_and_a_clean_one_passes(tmp_path: Path) -> None:
    write_app(tmp_path)
    report = await check_project(tmp_path, timeout_ms=8000)
    by_route = {page.route: page for page in report.pages}
    assert list(by_route) == list(PAGES)
    good = by_route["pages/good/good"]
    assert good.passed, good
    assert good.first_content_ms is not None and good.first_content_ms > 0
    assert by_route["pages/blank/blank"].status == "blank"
    assert by_route["pages/floating/floating"].passed, by_route["pages/floating/floating"]
    assert by_route["pages/collapsed/collapsed"].status == "blank"
    assert by_route["pages/splash/splash"].passed, by_route["pages/splash/splash"]
    throws = by_route["pages/throws/throws"]
    assert throws.status == "error"
    assert any("pages/throws/throws.js:4" in error for error in throws.errors), throws.errors
    # An unknown tag is the app's slip that WeChat draws as a plain element: a warning, not a failure.
    unknown = by_route["pages/unknown/unknown"]
    assert unknown.unsupported == [] and unknown.passed, unknown
    assert unknown.warnings == [
        "<fancy-widget> is neither a built-in nor a declared component: "
        "drawn as a plain element, as in WeChat"
    ]
    assert by_route["pages/noisy/noisy"].console_errors == ["boom"]
    assert [page.passed for page in report.pages] == [True, False, True, False, True, False, True, False]
    assert not report.passed


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    good = tmp_path / "good"
    (good / "pages").mkdir(parents=True)
    (good / "app.json").write_text('{"pages": ["pages/a"]}')
    (good / "pages/a.wxml").write_text("<view>fine</view>")
    (good / "pages/a.js").write_text("Page({})")
    runner = CliRunner()
    result = runner.invoke(app, ["check", str(good), "--json", "--screenshots", str(tmp_path / "shots")])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["passed"] is True
    assert Path(body["pages"][0]["screenshot"]).is_file()
    (good / "pages/a.wxml").write_text("<view>{{ a + }}</view>")
    broken = runner.invoke(app, ["check", str(good)])
    assert broken.exit_code == 1
    assert "compile FAILED: pages/a.wxml:1:" in broken.output


def test_runtime_and_compiler_agree_on_builtin_tags() -> None:
    source = (Path(__file__).parents[2] / "src/hutong/runtime/view/builtin-tags.js").read_text()
    assert set(re.findall(r"'([a-z-]+)'", source)) == set(BUILTIN_TAGS)


async def test_a_screenshot_is_the_apps_screen_and_errors_up_to_it_are_reported(tmp_path: Path) -> None:
    """An error opens the host's developer panel over the bottom of the phone: the picture leaves it
    out (an app's bottom bar stays visible), and an error from a callback that lands after the first
    content (wx.login's, as a public app's onLaunch had) is in the report, not only on the picture."""
    from PIL import Image

    (tmp_path / "pages").mkdir()
    (tmp_path / "app.json").write_text('{"pages": ["pages/a"]}')
    (tmp_path / "app.js").write_text("App({onLaunch() { wx.login({success() { null.code } }) }})")
    (tmp_path / "pages/a.wxml").write_text(
        "<view>top</view><view style='position: fixed; left: 0; right: 0; bottom: 0; height: 60px;"
        " background: rgb(0, 0, 255)'>bar</view>"
    )
    (tmp_path / "pages/a.js").write_text("Page({onLoad() { null.total }})")
    shots = tmp_path / "shots"
    report = await check_project(tmp_path, timeout_ms=8000, screenshots=shots)
    page = report.pages[0]
    assert page.status == "error"
    assert any("pages/a.js:1" in error for error in page.errors), page.errors
    assert any("app.js:1" in error for error in page.errors), page.errors
    picture = Image.open(shots / "pages_a.png").convert("RGB")
    assert picture.getpixel((picture.width // 2, picture.height - 20)) == (0, 0, 255)
