"""`hutong pay gateway`: WeChat Pay's host names are served (TLS from the gateway's own CA, the request
passed on unchanged); any other CONNECT is refused; the private key is never readable by others."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from hutong.server.wechatpay import gateway


@contextmanager
def _upstream() -> Iterator[int]:
    class Echo(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = f"{self.headers['Host']} {self.path}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_the_gateway_serves_wechat_pay_hosts_only(tmp_path: Path) -> None:
    files = gateway.ensure_files(tmp_path / "gw")
    assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
    assert gateway.ensure_files(tmp_path / "gw") == files  # made once
    with _upstream() as port, gateway.in_thread(gateway.Gateway(files, "127.0.0.1", port)) as proxy:
        proxies = {"https": proxy}
        ca = str(files.ca_certificate)
        answer = requests.get(
            "https://api.mch.weixin.qq.com/v3/x?y=1", proxies=proxies, verify=ca, timeout=10
        )
        assert answer.text == "api.mch.weixin.qq.com /v3/x?y=1"
        with pytest.raises(requests.exceptions.ProxyError):
            requests.get("https://example.com/", proxies=proxies, verify=ca, timeout=10)
        with pytest.raises(requests.exceptions.SSLError):  # without the gateway's CA, TLS fails
            requests.get("https://api.mch.weixin.qq.com/v3/x", proxies=proxies, timeout=10)
