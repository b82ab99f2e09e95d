"""`hutong check` visits pages as a signed-in user, as every WeChat user is: wx.login at launch (the
quick-start template's app.js) answers with a code instead of the host's sign-in sheet covering the page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.async_api import Browser

from hutong.check.runner import check_project

# The suite's Chromium, as test_examples_clean.py's checks use it (launching one is test_check.py's and
# the CLI tests'); `hutong check` opens each page in a new context and closes it, never a pooled one.
pytestmark = pytest.mark.fresh_context


APP = """
App({
  onLaunch() {
    wx.login({
      success: (res) => { this.globalData.login = 'code ' + typeof res.code },
      fail: (err) => { this.globalData.login = err.errMsg },
    })
  },
  globalData: { login: 'waiting' },
})
"""

PAGE = """
Page({
  data: { login: '' },
  onLoad() {
    const poll = () => {
      const login = getApp().globalData.login
      if (login === 'waiting') return setTimeout(poll, 20)
      if (login !== 'code string') console.error('wx.login: ' + login)
      this.setData({ login })
    }
    poll()
  },
})
"""


async def test_wx_login_at_launch_answers_without_a_sign_in_sheet(tmp_path: Path, browser: Browser) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "app.json").write_text(json.dumps({"pages": ["pages/index"]}))
    (tmp_path / "app.js").write_text(APP)
    (tmp_path / "pages/index.wxml").write_text("<view>{{login}}</view>")
    (tmp_path / "pages/index.js").write_text(PAGE)
    report = await check_project(tmp_path, timeout_ms=8000, browser=browser)
    page = report.pages[0]
    assert page.passed, page
