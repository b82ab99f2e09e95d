"""A developer's back end for one mini program, written for the tests: a real HTTP server on loopback
(stdlib, in a thread) that does what WeChat's login guide asks of a back end. It takes the code from
the mini program, calls the platform's code2session with httpx, and answers the user's ids; likewise
for phone number codes (with an access token) and signed launch data (checked with hutong.launchdata)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from hutong.launchdata import InvalidLaunchData, verify_ed25519, verify_hmac


@dataclass
class BackendState:
    platform: str
    appid: str
    secret: str
    logins: list[dict[str, Any]] = field(default_factory=list)


def _handle(state: BackendState, path: str, body: dict[str, Any]) -> dict[str, Any]:
    with httpx.Client(base_url=state.platform, timeout=10) as platform:
        if path == "/login":
            params = {
                "appid": state.appid,
                "secret": state.secret,
                "js_code": body.get("code", ""),
                "grant_type": "authorization_code",
            }
            answer: dict[str, Any] = platform.get("/sns/jscode2session", params=params).json()
            state.logins.append(answer)
            # The session_key stays on the back end, as WeChat's guide demands.
            return {key: answer[key] for key in ("openid", "unionid", "errcode") if key in answer}
        if path == "/phone":
            token = platform.get(
                "/cgi-bin/token",
                params={"grant_type": "client_credential", "appid": state.appid, "secret": state.secret},
            ).json()["access_token"]
            answer = platform.post(
                "/wxa/business/getuserphonenumber",
                params={"access_token": token},
                json={"code": body.get("code")},
            ).json()
            return {"errcode": answer["errcode"], "phone": answer.get("phone_info", {}).get("phoneNumber")}
        if path == "/launch":
            keys = platform.get("/.well-known/hutong/platform-keys.json").json()
            try:
                fields = verify_hmac(body.get("launchData", ""), state.secret)
                verify_ed25519(body.get("launchData", ""), keys)  # the key named by key_id
            except InvalidLaunchData as error:
                return {"invalid": str(error)}
            return {"checked": {key: fields[key] for key in ("openid", "scene", "start_param")}}
    return {"unknown": path}


@contextmanager
def developer_backend(platform: str, appid: str, secret: str) -> Iterator[tuple[str, BackendState]]:
    state = BackendState(platform, appid, secret)

    class Handler(BaseHTTPRequestHandler):
        def _cors(self) -> None:
            # The host performs the mini program's requests from the platform's origin.
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "content-type")
            self.send_header("Access-Control-Allow-Methods", "POST, OPTIONS")

        def do_OPTIONS(self) -> None:
            self.send_response(204)
            self._cors()
            self.end_headers()

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            answer = json.dumps(_handle(state, self.path, body)).encode()
            self.send_response(200)
            self._cors()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        server.server_close()
