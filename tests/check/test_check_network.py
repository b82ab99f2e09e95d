"""`hutong check --allow-domain` / `--allow-any-domain`: network-heavy apps can be measured, refusals
still count against a page, and a lifted allow-list is said out loud in the report."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser
from typer.testing import CliRunner

from hutong.check.domains import domain_lists
from hutong.check.runner import _lift_allow_list, check_project
from hutong.cli.main import app
from hutong.server.app import SHELL_CSP, create_app
from hutong.settings import Settings
from tests.nocors_server import nocors_backend

# The suite's Chromium, as test_examples_clean.py's checks use it (launching one is test_check.py's and
# the CLI tests'); `hutong check` opens each page in a new context and closes it, never a pooled one.
pytestmark = pytest.mark.fresh_context


PAGE = """
Page({
  data: { result: 'waiting' },
  onLoad() {
    wx.request({
      url: '%s/echo?from=%s',
      success: (res) => this.setData({ result: 'answered ' + res.statusCode }),
      // A refusal is reported by the host; only a failure of an allowed request is the app's error.
      fail: (err) => {
        this.setData({ result: err.errMsg })
        if (err.errMsg.indexOf('not in domain list') < 0) console.error(err.errMsg)
      },
    })
  },
})
"""


def write_app(root: Path, allowed: str, other: str) -> None:
    (root / "pages").mkdir(parents=True)
    (root / "app.json").write_text(json.dumps({"pages": ["pages/listed", "pages/unlisted"]}))
    (root / "app.js").write_text("App({})")
    for name, origin in (("listed", allowed), ("unlisted", other)):
        (root / f"pages/{name}.wxml").write_text("<view>{{result}}</view>")
        (root / f"pages/{name}.js").write_text(PAGE % (origin, name))


async def test_allow_domain_lets_one_origin_through_and_refusals_fail_the_page(
    tmp_path: Path, browser: Browser
) -> None:
    with nocors_backend(cors=True) as (listed, listed_seen), nocors_backend(cors=True) as (other, other_seen):
        write_app(tmp_path, listed, other)
        report = await check_project(tmp_path, timeout_ms=8000, allow_domains=[listed + "/"], browser=browser)
    by_route = {page.route: page for page in report.pages}
    assert by_route["pages/listed"].passed, by_route["pages/listed"]
    assert listed_seen.paths == ["/echo"]
    unlisted = by_route["pages/unlisted"]
    assert not unlisted.passed
    assert unlisted.refused == [f"request:{other}"]
    assert other_seen.paths == []
    assert report.allowed_domains == [listed]
    assert not report.allow_any_domain
    assert "refused (not on the domain lists): request:" in report.to_text()
    assert "BYPASS" not in report.to_text()


def test_allow_any_domain_is_a_labelled_bypass(tmp_path: Path) -> None:
    with nocors_backend(cors=True) as (listed, _), nocors_backend(cors=True) as (other, other_seen):
        write_app(tmp_path, listed, other)
        runner = CliRunner()
        result = runner.invoke(app, ["check", str(tmp_path), "--json", "--allow-any-domain"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["allow_any_domain"] is True
    assert "BYPASS: --allow-any-domain" in body["bypass"]
    assert [page["passed"] for page in body["pages"]] == [True, True]
    assert other_seen.paths == ["/echo"]


def test_allow_domain_must_be_an_origin(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--allow-domain", "https://api.example.com/v1"])
    assert result.exit_code == 2
    assert "without a path" in result.output


def test_an_origin_joins_every_list_sockets_in_their_own_scheme() -> None:
    lists = domain_lists(["https://API.example.com:443/", "ws://127.0.0.1:9000"])
    both = ["https://api.example.com", "http://127.0.0.1:9000"]
    assert lists["request"] == both and lists["upload"] == both and lists["download"] == both
    assert lists["socket"] == ["wss://api.example.com", "ws://127.0.0.1:9000"]
    # Servers without CORS headers are reached through the egress proxy, which never takes loopback.
    assert lists["proxy"] == ["https://api.example.com"]


async def test_a_remote_resource_this_machine_cannot_reach_is_noted_not_failed(
    tmp_path: Path, browser: Browser
) -> None:
    """A network image whose host does not resolve is the checking machine's network, not the app; so
    is the egress proxy's 502 for an allowed server it cannot reach (the app hears request:fail)."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.json").write_text(json.dumps({"pages": ["pages/remote"]}))
    (tmp_path / "app.js").write_text("App({})")
    src = "https://images.example.invalid/cover.png"
    (tmp_path / "pages/remote.wxml").write_text(f"<view>cover</view><image src='{src}' />")
    (tmp_path / "pages/remote.js").write_text(
        "Page({onLoad() { wx.request({url: 'https://api.example.invalid/feed', fail: () => {}}) }})"
    )
    report = await check_project(
        tmp_path, timeout_ms=8000, allow_domains=["https://api.example.invalid"], browser=browser
    )
    remote = report.pages[0]
    assert remote.passed, remote
    assert len(remote.unreachable) == 2, remote
    assert any(note.startswith(src) for note in remote.unreachable), remote
    assert any("/egress (the server responded with a status of 502" in note for note in remote.unreachable)
    assert "unreachable from here (not counted): " + src in report.to_text()


async def test_the_lifted_host_page_keeps_the_platforms_policy(tmp_path: Path) -> None:
    # The bypass lifts the domain lists only: the host page keeps the production CSP.
    platform = create_app(Settings(data_dir=tmp_path))
    _lift_allow_list(platform)
    transport = httpx.ASGITransport(app=platform)
    async with httpx.AsyncClient(transport=transport, base_url="http://check") as client:
        page = await client.get("/")
    assert page.status_code == 200
    assert '<meta name="hutong-any-domain"' in page.text
    assert page.headers["content-security-policy"] == SHELL_CSP
