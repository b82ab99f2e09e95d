"""docs/compatibility.md is generated from the runtime's registries and must match them."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from hutong.compat_doc import DOC_PATH, collect, render
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


async def test_compatibility_doc_matches_the_runtime(browser: Browser) -> None:
    compat = await collect(browser)
    # The registry the runtime uses: what exists, what is partial, what is only a stand-in.
    assert {"request", "setStorageSync", "showModal", "getFileSystemManager", "canIUse"} <= compat.has
    assert "login" in compat.not_yet and "login" not in compat.has
    assert "createTCPSocket" not in compat.has
    document = render(compat)
    assert "| `wx.request` | partial |" in document
    assert "| `wx.showModal` | supported |" in document
    assert "| `wx.createTCPSocket` | unsupported |" in document
    assert "| `wx.login` | unsupported | fails `not supported yet`" in document
    assert (ROOT / DOC_PATH).read_text(encoding="utf-8") == document, "run `hutong compat-doc` and commit"
