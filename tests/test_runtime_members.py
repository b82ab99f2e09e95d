"""Every object a `wx` factory returns (contexts, managers, tasks) has the members WeChat documents for
it: the runtime's catalogue of them (logic/api/members.js, from miniprogram-api-typings) against the
objects themselves, created by an app (tests/apps/members)."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pytest
from playwright.async_api import Browser, expect

from hutong.runtime import RUNTIME_DIR
from tests.conftest import LiveServer, open_app

pytestmark = pytest.mark.browser


def documented() -> dict[str, list[str]]:
    """FACTORY_MEMBERS from logic/api/members.js: one `factory: [...]` entry per factory."""
    text = (RUNTIME_DIR / "logic" / "api" / "members.js").read_text()
    body = text[text.index("FACTORY_MEMBERS = {") : text.index("NESTED_MEMBERS = {")]
    return {
        name: re.findall(r"'(\w+)'", members)
        for name, members in re.findall(r"\n  (\w+): \[(.*?)\],", body, flags=re.DOTALL)
    }


def nested() -> dict[str, list[str]]:
    """NESTED_MEMBERS from logic/api/members.js: one `'factory.method': [...]` entry per object."""
    text = (RUNTIME_DIR / "logic" / "api" / "members.js").read_text()
    body = text[text.index("NESTED_MEMBERS = {") :]
    return {
        name: re.findall(r"'(\w+)'", members)
        for name, members in re.findall(r"\n  '(\w+\.\w+)': \[(.*?)\],", body, flags=re.DOTALL)
    }


async def test_every_factory_object_has_its_documented_members(
    live_server: LiveServer, browser: Browser
) -> None:
    catalogue = documented()
    second = nested()
    assert len(catalogue) > 30 and catalogue["getRecorderManager"]
    assert len(second) == 9 and second["createSelectorQuery.select"]
    query = f"names={','.join(catalogue)}&nested={','.join(second)}"
    catalogue.update(second)
    app = await open_app(
        browser, live_server, "test-members", f"&path=pages/probe/probe&query={quote(query)}"
    )
    result = app.view().locator("#result")
    await expect(result).not_to_be_empty()
    found: dict[str, object] = json.loads(await result.inner_text())
    # Each factory the runtime has makes an object, and so does each method of those that returns one
    # (the second level); each of those objects has every documented member.
    assert {name: made for name, made in found.items() if not isinstance(made, list)} == {}
    assert set(second) <= set(found)
    missing = {
        name: sorted(set(catalogue[name]) - set(members))
        for name, members in found.items()
        if isinstance(members, list) and set(catalogue[name]) - set(members)
    }
    assert missing == {}
    await expect(app.view().locator("#ref")).to_have_text('[{"ref":null},null]')
    await app.page.close()


async def test_file_descriptors_archives_and_the_recorder(live_server: LiveServer, browser: Browser) -> None:
    app = await open_app(browser, live_server, "test-members", "&path=pages/files/files")
    view = app.view()
    # open(w+)/write at the end and at a position/read at a position/ftruncate/fstat/close.
    await expect(view.locator("#fd")).to_have_text("5 World 5 hello | read:fail bad file descriptor, read")
    # unzip (a stored and a deflated entry, into a sub-folder) and readZipEntry (one found, one not).
    await expect(view.locator("#zip")).to_have_text(
        "stored A 200 deflated B | stored A | readZipEntry:fail no such file or directory, none"
    )
    # start() asks for the microphone on the host's sheet; refused, a listener added just after start()
    # hears the error, and no other event fired.
    await app.page.locator(".hutong-consent .hutong-consent-deny").click()
    await expect(view.locator("#recorder")).to_have_text("true operateRecorder:fail auth deny 0")
    assert app.errors == []
    await app.page.close()
