"""A Web Push service on loopback that behaves like the real ones (FCM, Mozilla autopush): it accepts a
message only with a valid VAPID token for its own origin (RFC 8292, ES256), decrypts the payload with
the subscription's private key and auth secret (RFC 8291, aes128gcm) as the browser would, and answers
by the endpoint's path: /ok/… 201, /gone/… 410, /missing/… 404, /big/… 413, /busy/… 429 with Retry-After."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

STATUS = {"ok": 201, "gone": 410, "missing": 404, "big": 413, "busy": 429}
RETRY_AFTER = 120


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Browser:
    """A browser's side of a subscription: its key pair and auth secret, as pushManager.subscribe makes."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict[str, Any]:
        point = self.key.public_key().public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(point), "auth": b64(self.auth)}}


@dataclass
class Received:
    path: str
    status: int
    claims: dict[str, Any]
    payload: dict[str, Any]
    headers: dict[str, str]


class PushService:
    def __init__(self) -> None:
        self.origin = ""
        self.browsers: dict[str, Browser] = {}
        self.received: list[Received] = []
        self.refused: list[str] = []

    def browser(self, mode: str, name: str) -> Browser:
        found = Browser(f"{self.origin}/{mode}/{name}")
        self.browsers[f"/{mode}/{name}"] = found
        return found

    def check_vapid(self, authorization: str) -> dict[str, Any]:
        """The JWT (t=) must be signed by the key given (k=) and name this service's origin."""
        scheme, _, params = authorization.partition(" ")
        assert scheme.lower() == "vapid", authorization
        fields = dict(part.strip().split("=", 1) for part in params.split(","))
        header, claims, signature = fields["t"].split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(fields["k"]))
        raw = unb64(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        assert json.loads(unb64(header)) == {"typ": "JWT", "alg": "ES256"}
        decoded: dict[str, Any] = json.loads(unb64(claims))
        assert decoded["aud"] == self.origin, decoded
        assert time.time() < decoded["exp"] <= time.time() + 24 * 3600, decoded
        assert str(decoded["sub"]).startswith(("mailto:", "https:")), decoded
        return decoded

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str]]:
        browser = self.browsers.get(path)
        mode = path.split("/")[1] if path.count("/") >= 2 else ""
        try:
            claims = self.check_vapid(headers.get("authorization", ""))
            assert headers.get("content-encoding") == "aes128gcm"
            assert int(headers.get("ttl", "-1")) >= 0
            assert browser is not None, path
            plain = http_ece.decrypt(
                body, private_key=browser.key, auth_secret=browser.auth, version="aes128gcm"
            )
            payload = json.loads(plain)
        except (AssertionError, InvalidSignature, KeyError, ValueError) as error:
            self.refused.append(f"{path}: {error!r}")
            return 401, {}
        status = STATUS.get(mode, 404)
        self.received.append(Received(path, status, claims, payload, headers))
        return status, ({"Retry-After": str(RETRY_AFTER)} if status == 429 else {})


@contextmanager
def push_service() -> Iterator[PushService]:
    service = PushService()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {key.lower(): value for key, value in self.headers.items()}
            status, extra = service.handle(self.path, headers, body)
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
