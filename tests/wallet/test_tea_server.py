"""The tea shop's back end prices orders from its own menu: it must be the mini program's menu."""

from __future__ import annotations

import importlib.util
import re

from tests.conftest import EXAMPLES


def test_the_back_ends_prices_are_the_menus() -> None:
    spec = importlib.util.spec_from_file_location("tea_server", EXAMPLES / "tea-server" / "server.py")
    assert spec is not None and spec.loader is not None
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    menu = (EXAMPLES / "tea" / "utils" / "menu.js").read_text()
    shown = {
        match["id"]: (match["name"], int(match["price"]))
        for match in re.finditer(
            r"id: '(?P<id>\w+)', category: '\w+', name: '(?P<name>[^']+)', price: (?P<price>\d+)", menu
        )
    }
    assert len(shown) == 6 and shown == server.MENU
