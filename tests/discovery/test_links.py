"""Links and code addresses: every form reads back to the app, page, query and version it names."""

from __future__ import annotations

import pytest

from hutong.server.discovery import links
from hutong.server.discovery.links import Address, NotALink


def test_https_link_with_version_page_and_query() -> None:
    address = links.parse(
        "https://hutong.example/miniapp/hxabc;version=trial/pages/menu/menu?shop=7&t=%E8%8C%B6"
    )
    assert address == Address("hxabc", "pages/menu/menu", {"shop": "7", "t": "茶"}, "trial")
    assert address.channel == "trial"
    assert links.parse("http://127.0.0.1:8000/miniapp/hxabc;version=1.2.0/").channel == "release"


def test_scheme_link_and_home_page() -> None:
    assert links.parse("hutong://miniapp/hxabc/pages/a/a.html?x=1") == Address(
        "hxabc", "pages/a/a", {"x": "1"}
    )
    assert links.parse("hutong://miniapp/hxabc") == Address("hxabc")


def test_code_address_keeps_its_scene() -> None:
    link = links.code_link("https://h.example/", "hxabc", "id=7&from=poster/a")
    assert link == "https://h.example/s/hxabc/id%3D7%26from%3Dposter%2Fa"
    assert links.parse(link) == Address("hxabc", scene="id=7&from=poster/a")


def test_made_links_read_back() -> None:
    made = links.app_link("https://h.example", "hxabc", "/pages/x/x", {"q": "奶茶 tea"})
    assert links.parse(made) == Address("hxabc", "pages/x/x", {"q": "奶茶 tea"})
    assert links.parse(links.scheme_link("hxabc", "pages/x/x", {"a": "b"})).query == {"a": "b"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not a link",
        "https://h.example/other/hxabc",
        "ftp://h.example/miniapp/hxabc",
        "https://h.example/miniapp/",
        "https://h.example/miniapp/hx abc/",
        "https://h.example/miniapp/hxabc/../../etc/passwd",
        "https://h.example/s/hxabc/" + "x" * 33,
        "https://h.example/s/hxabc/50%25off",
        "javascript://miniapp/hxabc",
    ],
)
def test_what_is_not_a_link(text: str) -> None:
    with pytest.raises(NotALink):
        links.parse(text)
