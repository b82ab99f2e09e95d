"""docs/compatibility.md is generated from the runtime's registries and must match them."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from hutong.compat_doc import DOC_PATH, ORIGIN, collect, render, serve_runtime
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


async def test_compatibility_doc_matches_the_runtime(browser: Browser) -> None:
    compat = await collect(browser)
    # The registry the runtime uses: what exists, what is partial, what is only a stand-in.
    assert {"request", "setStorageSync", "showModal", "getFileSystemManager", "canIUse"} <= compat.has
    assert "navigateToMiniProgram" in compat.has and "navigateToMiniProgram" not in compat.not_yet
    assert "login" in compat.has and "login" not in compat.not_yet
    assert "createTCPSocket" not in compat.has
    document = render(compat)
    assert "| `wx.request` | partial |" in document
    assert "| `wx.showModal` | supported |" in document
    assert "| `wx.createTCPSocket` | unsupported |" in document
    assert "| `wx.navigateToMiniProgram` | supported |" in document
    assert "| `wx.login` | supported |" in document
    assert (ROOT / DOC_PATH).read_text(encoding="utf-8") == document, "run `hutong compat-doc` and commit"


async def test_can_i_use_answers_attributes_from_a_components_registry(browser: Browser) -> None:
    page = await browser.new_page()
    await page.route(f"{ORIGIN}/**", serve_runtime)
    await page.goto(f"{ORIGIN}/")
    answers = await page.evaluate(
        """async () => {
          const { canIUse, setComponentRegistry } = await import('/logic/api/can-i-use.js');
          const wx = { request() {} };
          const before = ['scroll-view', 'scroll-view.scroll-x'].map((s) => canIUse(wx, s));
          setComponentRegistry({
            'scroll-view': { status: 'partial', missing: 'enhanced, bounces and paging-enabled are ignored' },
            picker: { status: 'partial', missing: ['header-text'] },
            editor: { status: 'unsupported' },
          });
          const after = ['scroll-view', 'scroll-view.scroll-x', 'scroll-view.enhanced',
            'scroll-view.paging-enabled', 'picker.header-text', 'picker.mode', 'editor', 'video',
            'request', 'request.object.timeout', 'nope'];
          return [before, after.map((s) => canIUse(wx, s))];
        }"""
    )
    await page.close()
    assert answers == [
        [True, False],  # without a registry: the tag exists, its attributes are unknown
        [True, True, False, False, False, True, False, False, True, True, False],
    ]
