"""The tea shop's back end prices orders from its own menu (it must be the mini program's menu), and
opens share data as WeChat's WXBizDataCrypt does (it must open what the platform seals)."""

from __future__ import annotations

import base64
import importlib.util
import re
import secrets
from types import ModuleType

import pytest

from hutong.server.sharing import crypto
from tests.conftest import EXAMPLES


def tea_server() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tea_server", EXAMPLES / "tea-server" / "server.py")
    assert spec is not None and spec.loader is not None
    server = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(server)
    return server


def test_the_back_end_opens_what_the_platform_seals() -> None:
    server = tea_server()
    key = base64.b64encode(secrets.token_bytes(16)).decode()
    encrypted, iv = crypto.seal(key, {"openGId": "tGabc"}, "hutong-tea")
    assert server.decrypt_user_data(key, encrypted, iv, "hutong-tea")["openGId"] == "tGabc"
    with pytest.raises(ValueError, match="not for this mini program"):
        server.decrypt_user_data(key, encrypted, iv, "another-app")
    other = base64.b64encode(secrets.token_bytes(16)).decode()
    with pytest.raises(ValueError, match="cannot decrypt"):
        server.decrypt_user_data(other, encrypted, iv, "hutong-tea")


def test_the_back_ends_prices_are_the_menus() -> None:
    server = tea_server()
    menu = (EXAMPLES / "tea" / "utils" / "menu.js").read_text()
    shown = {
        match["id"]: (match["name"], int(match["price"]))
        for match in re.finditer(
            r"id: '(?P<id>\w+)', category: '\w+', name: '(?P<name>[^']+)', price: (?P<price>\d+)", menu
        )
    }
    assert len(shown) == 6 and shown == server.MENU
